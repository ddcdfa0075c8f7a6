"""Ecosystem tier: scripts/torchinfo_use.py (plain PyTorch code using torchinfo) prints the same under torchlike as
under real PyTorch."""
from _eco import check_script, need


def test_torchinfo_use():
    need("torchinfo")
    check_script("torchinfo_use.py")
