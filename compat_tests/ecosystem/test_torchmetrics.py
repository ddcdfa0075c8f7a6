"""Ecosystem tier: scripts/torchmetrics_use.py (plain PyTorch code using torchmetrics) prints the same under
torchlike as under real PyTorch."""
from _eco import check_script, need


def test_torchmetrics_use():
    need("torchmetrics")
    check_script("torchmetrics_use.py")
