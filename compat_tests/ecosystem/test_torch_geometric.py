"""Ecosystem tier: scripts/torch_geometric_use.py (plain PyTorch code using torch_geometric) prints the same under torchlike as
under real PyTorch."""
from _eco import check_script, need


def test_torch_geometric_use():
    need("torch_geometric")
    check_script("torch_geometric_use.py", rtol=1e-3, atol=1e-4)
