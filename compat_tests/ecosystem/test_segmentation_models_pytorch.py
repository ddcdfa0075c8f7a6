"""Ecosystem tier: scripts/segmentation_models_pytorch_use.py (plain PyTorch code using segmentation-models-pytorch)
prints the same under torchlike as under real PyTorch. smp imports torchvision even under PyTorch; the oracle run
gets torchlike's torchvision facade executed on real torch (oracle_torchvision/, see _eco.ORACLE_TORCHVISION)."""
from _eco import ORACLE_TORCHVISION, check_script, need


def test_segmentation_models_pytorch_use():
    need("segmentation_models_pytorch", "timm")
    check_script("segmentation_models_pytorch_use.py", rtol=1e-3, atol=1e-4, th_env=ORACLE_TORCHVISION)
