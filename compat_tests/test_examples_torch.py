"""examples/linear_regression.py runs unchanged under real PyTorch and under torchlike with matching losses."""
from __future__ import annotations

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _losses(cmd, tmp_path):
    p = subprocess.run(cmd + [os.path.join(ROOT, "examples", "linear_regression.py"), "--out",
                              str(tmp_path / (cmd[-1] + ".png"))], capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, JAX_PLATFORMS="cpu", MPLBACKEND="Agg"))
    assert p.returncode == 0, p.stderr[-3000:]
    return [float(x) for x in re.findall(r"loss ([0-9.]+)", p.stdout)]


def test_linear_regression_matches_pytorch(tmp_path):
    th = _losses([sys.executable], tmp_path)
    tl = _losses([sys.executable, "-m", "torchlike"], tmp_path)
    assert len(th) == len(tl) == 5
    for a, b in zip(tl, th):
        assert abs(a - b) <= 1e-4, (tl, th)
