"""The examples run unchanged through `python -m torchlike` on generated data and reach their accuracy bars."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    from torchlike.vision.fake_data import generate
    generate(str(root), train=2000, test=500, seed=0)
    return str(root)


def run(script, *args, timeout=600):
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    p = subprocess.run([sys.executable, "-m", "torchlike", os.path.join(ROOT, "examples", script), *args],
                       capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-4000:]
    return p.stdout


def test_linear_regression(tmp_path):
    out = run("linear_regression.py", "--out", str(tmp_path / "fit.png"))
    assert "epoch  500" in out and (tmp_path / "fit.png").stat().st_size > 1000


def test_mnist_cnn(data, tmp_path):
    out = run("mnist_cnn.py", "--data", data, "--epochs", "1", "--bar", "0.8", "--out", str(tmp_path / "m.pt"))
    assert "epoch 1:" in out and "reloaded" in out


def test_mnist_cnn_compiled_matches_eager(data, tmp_path):
    args = ("--data", data, "--epochs", "1", "--limit", "600", "--bar", "0", "--out", str(tmp_path / "m.pt"))
    eager = run("mnist_cnn.py", *args)
    compiled = run("mnist_cnn.py", *args, "--compile")

    def losses(out):
        return [line for line in out.splitlines() if line.startswith("epoch 1:")]
    assert losses(eager) and losses(eager) == losses(compiled)      # the same printed losses and accuracies


@pytest.mark.slow
def test_fashion_mnist_mlp(data):
    out = run("fashion_mnist_mlp.py", "--data", data, "--epochs", "2", "--bar", "0.7")
    assert "epoch 2:" in out


@pytest.mark.slow
def test_cifar10_cnn(data, tmp_path):
    out = run("cifar10_cnn.py", "--data", data, "--epochs", "2", "--bar", "0.5", "--out", str(tmp_path / "c.pt"))
    assert "saved the best model" in out
