"""Ecosystem tier: scripts/accelerate_use.py (plain PyTorch code using accelerate) prints the same under torchlike as
under real PyTorch."""
from _eco import check_script, need


def test_accelerate_use():
    need("accelerate")
    check_script("accelerate_use.py", rtol=1e-3, atol=1e-4)
