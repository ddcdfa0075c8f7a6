"""Public PyTorch tutorials, copied unmodified, run to the end through `python -m torchlike` on generated data."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("tutorial")
    from torchlike.vision.fake_data import generate
    generate(str(d / "data"), train=400, test=100, seed=0)
    return d


def _run(workdir, name):
    shutil.copy(os.path.join(HERE, "tutorials", name), workdir / name)
    env = dict(os.environ, JAX_PLATFORMS="cpu", MPLBACKEND="Agg")
    p = subprocess.run([sys.executable, "-m", "torchlike", name], cwd=workdir, capture_output=True, text=True,
                       timeout=900, env=env)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-4000:]
    return p.stdout


def test_quickstart(workdir):
    out = _run(workdir, "quickstart.py")
    assert "Done!" in out and "Predicted:" in out


@pytest.mark.slow
def test_cifar10_classifier_with_workers(workdir):
    out = _run(workdir, "cifar_tut.py")
    assert "Finished Training" in out and "Accuracy for class: truck" in out
