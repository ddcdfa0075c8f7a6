"""Ecosystem tier: scripts/tqdm_use.py (plain PyTorch code using tqdm) prints the same under torchlike as
under real PyTorch."""
from _eco import check_script, need


def test_tqdm_use():
    need("tqdm")
    check_script("tqdm_use.py")
