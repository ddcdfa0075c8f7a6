"""Ecosystem tier: scripts/einops_use.py (plain PyTorch code using einops) prints the same under torchlike as
under real PyTorch."""
from _eco import check_script, need


def test_einops_use():
    need("einops")
    check_script("einops_use.py")
