"""Ecosystem tier: scripts/lightning_use.py (plain PyTorch code using lightning) prints the same under torchlike as
under real PyTorch."""
from _eco import check_script, need


def test_lightning_use():
    need("lightning", "pytorch_lightning")
    check_script("lightning_use.py", rtol=1e-3, atol=1e-4)
