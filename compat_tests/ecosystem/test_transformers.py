"""Ecosystem tier: scripts/transformers_use.py (plain PyTorch code using transformers) prints the same under torchlike as
under real PyTorch."""
from _eco import check_script, need


def test_transformers_use():
    need("transformers")
    check_script("transformers_use.py", rtol=1e-3, atol=1e-4)
