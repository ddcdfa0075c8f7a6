"""Ecosystem tier: scripts/kornia_use.py (plain PyTorch code using kornia) prints the same under torchlike as
under real PyTorch."""
from _eco import check_script, need


def test_kornia_use():
    need("kornia")
    check_script("kornia_use.py")
