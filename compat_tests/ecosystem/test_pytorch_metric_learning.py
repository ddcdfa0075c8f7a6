"""Ecosystem tier: scripts/pytorch_metric_learning_use.py (plain PyTorch code using pytorch-metric-learning) prints
the same under torchlike as under real PyTorch."""
from _eco import check_script, need


def test_pytorch_metric_learning_use():
    need("pytorch_metric_learning")
    check_script("pytorch_metric_learning_use.py")
