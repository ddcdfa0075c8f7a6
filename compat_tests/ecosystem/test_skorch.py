"""Ecosystem tier: scripts/skorch_use.py (plain PyTorch code using skorch) prints the same under torchlike as
under real PyTorch."""
from _eco import check_script, need


def test_skorch_use():
    need("skorch", "sklearn")
    check_script("skorch_use.py", rtol=1e-3, atol=1e-4)
