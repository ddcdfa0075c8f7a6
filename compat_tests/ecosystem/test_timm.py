"""Ecosystem tier: scripts/timm_use.py (plain PyTorch code using timm) prints the same under torchlike as
under real PyTorch. timm imports torchvision even under PyTorch; the oracle run gets torchlike's torchvision
facade executed on real torch (oracle_torchvision/, see _eco.ORACLE_TORCHVISION)."""
from _eco import ORACLE_TORCHVISION, check_script, need


def test_timm_use():
    need("timm")
    check_script("timm_use.py", rtol=1e-3, atol=1e-4, th_env=ORACLE_TORCHVISION)
