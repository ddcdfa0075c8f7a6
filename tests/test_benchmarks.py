"""The benchmark runner (`python -m benchmarks`): the table has every row and no missing value; failures exit 1."""
import importlib.util
import math
import os
import subprocess
import sys

import pytest

from benchmarks import _config, _table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed (its results would be missing)")


def _run(tmp_path, *args, env=None, script=False):
    out = tmp_path / "b.md"
    head = [sys.executable, os.path.join("benchmarks", "run.py")] if script else [sys.executable, "-m", "benchmarks"]
    p = subprocess.run(head + ["--quick", "--out", str(out), *args], cwd=ROOT, capture_output=True, text=True,
                       timeout=600, env=None if env is None else {**os.environ, **env})
    return p, (out.read_text(encoding="utf-8") if out.exists() else "")


def _table_rows(doc):
    return [line for line in doc.splitlines() if line.startswith("| (")]


def _check_complete(doc, sections):
    rows = _table_rows(doc)
    expected = [r for r in _table.rows() if r.section in sections]
    assert len(rows) == len(expected)
    for row, line in zip(expected, rows):
        assert line.startswith(f"| {row.label} |")
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert "MISSING" not in cells and "?" not in cells[-1]
        for col, (name, _) in zip(cells[2:6], _table.COLUMNS):
            if name in row.cols:
                assert math.isfinite(float(col)) and float(col) > 0
            else:
                assert col == "—"
    assert "## Problems" not in doc


def _fake_results(value=1e-3):
    return {r.key: {c: [value, 2 * value] for c in r.cols} for r in _table.rows()}


def test_render_every_row_and_targets():
    doc, missing = _table.render(_fake_results(), _config.SECTIONS)
    assert missing == []
    _check_complete(doc, _config.SECTIONS)
    mlp = next(line for line in doc.splitlines() if "batch 64, SGD" in line)
    assert "| 1.00 | 1.00 | 1.00 |" in mlp and mlp.endswith("| yes; yes; no |")


def test_render_reports_missing_and_nan():
    res = _fake_results()
    res["mlp.b64.sgd"]["torch"] = [float("nan")]
    del res["cnn.b64.adam"]["jax"]
    doc, missing = _table.render(res, ("mlp", "cnn"))
    assert len(missing) == 2 and len(_table_rows(doc)) == 5
    assert doc.count("MISSING") == 2 + 2 + 1        # two values, their two/one ratios


def test_bad_section_is_an_error(tmp_path):
    p, _ = _run(tmp_path, "--only", "ops,gpu")
    assert p.returncode == 2 and "unknown section" in p.stderr


@needs_torch
def test_quick_ops_section(tmp_path):
    p, doc = _run(tmp_path, "--only", "ops", script=True)
    assert p.returncode == 0, p.stderr[-2000:]
    _check_complete(doc, ("ops",))
    assert "python benchmarks/run.py --quick" in doc and "| torchlike eager |" in p.stdout


def test_missing_torch_exits_nonzero(tmp_path):
    fake = tmp_path / "fake"
    (fake / "torch").mkdir(parents=True)
    (fake / "torch" / "__init__.py").write_text("raise ImportError('no torch here')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(fake), os.environ.get("PYTHONPATH", "")])}
    p, doc = _run(tmp_path, "--only", "ops", env=env)
    assert p.returncode == 1
    assert "MISSING" in doc and "## Problems" in doc and "torch ops: exit code" in doc


@pytest.mark.slow
@needs_torch
def test_quick_full_run(tmp_path):
    p, doc = _run(tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    _check_complete(doc, _config.SECTIONS)
    for word in ("CPU", "RAM", "Python", "jax", "torch", "numpy", "--device cpu", "medians"):
        assert word in doc
