"""Ecosystem tier: scripts/torchsummary_use.py (plain PyTorch code using torchsummary) prints the same under
torchlike as under real PyTorch."""
from _eco import check_script, need


def test_torchsummary_use():
    need("torchsummary")
    check_script("torchsummary_use.py")
