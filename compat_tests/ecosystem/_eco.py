"""Run one unmodified PyTorch program twice, under real PyTorch and under the drop-in runner, and compare what both
print: the same lines, with numbers compared at a float tolerance (float32 rounding differs between the backends)."""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "scripts")
NUM = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan)")


def need(*modules):
    """Skip unless the libraries are installed (CI installs requirements.txt; a developer may not have them)."""
    for m in modules:
        if importlib.util.find_spec(m) is None:
            pytest.skip(f"{m} is not installed (pip install -r compat_tests/ecosystem/requirements.txt --no-deps)")


def run(script, *args, torchlike=False, timeout=900, env=None):
    """(returncode, stdout, stderr) of scripts/<script> under python or python -m torchlike."""
    path = os.path.join(SCRIPTS, script)
    cmd = [sys.executable] + (["-m", "torchlike"] if torchlike else []) + [path, *map(str, args)]
    e = dict(os.environ, JAX_PLATFORMS="cpu", MPLBACKEND="Agg", TOKENIZERS_PARALLELISM="false",
             HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONHASHSEED="0", **(env or {}))
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=e, cwd=SCRIPTS)
    return p.returncode, p.stdout, p.stderr


def same_output(tl, th, rtol=1e-4, atol=1e-5):
    """Line by line: the text between numbers equal, the numbers within tolerance. Returns a list of differences."""
    a, b = tl.strip().splitlines(), th.strip().splitlines()
    diffs = []
    if len(a) != len(b):
        diffs.append(f"{len(a)} lines printed under torchlike, {len(b)} under torch")
    for i, (x, y) in enumerate(zip(a, b)):
        if NUM.sub("#", x) != NUM.sub("#", y):
            diffs.append(f"line {i + 1}: {x!r} != {y!r}")
            continue
        for u, v in zip(NUM.findall(x), NUM.findall(y)):
            fu, fv = float(u), float(v)
            if fu != fv and not (fu != fu and fv != fv) and abs(fu - fv) > atol + rtol * abs(fv):
                diffs.append(f"line {i + 1}: {x!r} != {y!r}")
                break
    return diffs


# For libraries that import torchvision even under real PyTorch (timm, segmentation-models-pytorch): PyPI's
# torchvision needs PyTorch's CUDA build, so the oracle run gets torchlike's facade executed on real torch
# (oracle_torchvision/). Pass th_env=ORACLE_TORCHVISION to check_script.
ORACLE_TORCHVISION = {"PYTHONPATH": os.pathsep.join(
    p for p in (os.path.join(HERE, "oracle_torchvision"), os.environ.get("PYTHONPATH")) if p)}


def check_script(script, *args, rtol=1e-4, atol=1e-5, timeout=900, th_env=None):
    """The script runs to the end under both and prints the same (within tolerance). th_env: extra environment for
    the run under real PyTorch only."""
    rc, th_out, th_err = run(script, *args, timeout=timeout, env=th_env)
    assert rc == 0, f"the script fails under real PyTorch:\n{th_err[-3000:]}"
    rc, tl_out, tl_err = run(script, *args, torchlike=True, timeout=timeout)
    assert rc == 0, f"the script fails under torchlike:\n{tl_err[-5000:]}"
    diffs = same_output(tl_out, th_out, rtol, atol)
    assert not diffs, "\n".join(diffs[:20]) + f"\n--- torchlike:\n{tl_out[-3000:]}\n--- torch:\n{th_out[-3000:]}"
    return tl_out
