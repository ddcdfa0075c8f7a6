"""The rows of the results table, their targets (from the issue), and the Markdown rendering."""
from __future__ import annotations

import math
import statistics
from collections import namedtuple

from . import _config as C

COLUMNS = (("tl_eager", "torchlike eager"), ("tl_compiled", "torchlike compiled"), ("torch", "PyTorch eager"),
           ("jax", "JAX jit (hand-written)"))
RATIOS = (("eager/PT", "tl_eager", "torch", "eager / PyTorch"),
          ("compiled/JAX", "tl_compiled", "jax", "compiled / JAX"),
          ("compiled/PT", "tl_compiled", "torch", "compiled / PyTorch"))
UNITS = {"µs": 1e6, "ms": 1e3, "s": 1.0}

Row = namedtuple("Row", "key section label unit cols targets")
ALL4 = ("tl_eager", "tl_compiled", "torch", "jax")
FIRST = ("tl_compiled", "torch", "jax")


def rows():
    out = []
    for op in C.OPS:
        for n in C.OP_SIZES:
            out.append(Row(f"ops.{op}.{n}", "ops", f"(a) {op} {n}x{n} float32, per call (JAX: jitted op)", "µs",
                           ("tl_eager", "torch", "jax"), (("eager/PT", "<=", 3.0),)))
    for b in C.MLP_BATCHES:
        for opt in C.OPTIMIZERS:
            out.append(Row(f"mlp.b{b}.{opt}", "mlp", f"(b) MLP 784-128-64-10 step, batch {b}, "
                           f"{'SGD(lr=0.01)' if opt == 'sgd' else 'Adam(lr=1e-3)'}", "ms", ALL4,
                           (("eager/PT", "<=", 1.0), ("compiled/JAX", "<=", 1.05), ("compiled/PT", "<=", 0.7))))
    out.append(Row(f"cnn.b{C.CNN_BATCH}.adam", "cnn", f"(c) CNN step 3x32x32, batch {C.CNN_BATCH}, Adam(lr=1e-3)",
                   "ms", ALL4, (("compiled/JAX", "<=", 1.05), ("compiled/PT", "<=", 1.0))))
    out.append(Row("startup.import", "startup", "(d) import (torchlike / torch / jax+optax), fresh process", "s",
                   ("tl_eager", "tl_compiled", "torch", "jax"), (("eager/PT", "<", 1.0),)))
    for phase in ("cold", "warm"):
        out.append(Row(f"startup.first.{phase}", "startup", f"(d) first MLP step alone (b64, SGD), {phase} cache",
                       "s", FIRST, (("tl_compiled", "<", 0.5 if phase == "cold" else 0.15),)))
    for phase in ("cold", "warm"):
        out.append(Row(f"startup.proc.{phase}", "startup",
                       f"(d) process start to first MLP step finished, {phase} cache", "s", FIRST, ()))
    for phase in ("cold", "warm"):
        out.append(Row(f"startup.second.{phase}", "startup",
                       f"(d) second MLP step, {phase} cache", "s", FIRST, ()))
    return out


def _fmt(v):
    if v is None:
        return "MISSING"
    return f"{v:.0f}" if abs(v) >= 99.95 else f"{v:.3g}"


def _target_text(metric, op, thr):
    if metric == "tl_compiled":
        return f"compiled {op} {thr:g} s"
    return f"{metric} {op} {thr:g}"


def medians(results, row):
    """{col: median or None (missing)} for the row's expected columns."""
    out = {}
    for col in row.cols:
        vals = results.get(row.key, {}).get(col, [])
        ok = bool(vals) and all(v is not None and math.isfinite(v) for v in vals)
        out[col] = statistics.median(vals) if ok else None
    return out


def render(results, sections):
    """(markdown table, [missing 'row: column' strings]) for the rows of the sections that ran."""
    head = ["measurement", "unit"] + [c[1] for c in COLUMNS] + [r[3] for r in RATIOS] + ["target", "met?"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 4) + ["---"] * 2)
             + "|"]
    missing = []
    for row in rows():
        if row.section not in sections:
            continue
        med = medians(results, row)
        missing += [f"{row.label}: {dict(COLUMNS)[c]}" for c, v in med.items() if v is None]
        scale = UNITS[row.unit]
        cells = [row.label, row.unit]
        cells += ["—" if c not in row.cols else _fmt(None if med[c] is None else med[c] * scale) for c, _ in COLUMNS]
        ratio = {}
        for name, num, den, _ in RATIOS:
            if num in row.cols and den in row.cols:
                ratio[name] = (med[num] / med[den]) if med[num] is not None and med[den] else None
                cells.append(f"{ratio[name]:.2f}" if ratio[name] is not None else "MISSING")
            else:
                cells.append("—")
        texts, met = [], []
        for metric, op, thr in row.targets:
            v = med.get(metric) if metric in dict(COLUMNS) else ratio.get(metric)
            texts.append(_target_text(metric, op, thr))
            met.append("?" if v is None else ("yes" if (v <= thr if op == "<=" else v < thr) else "no"))
        cells += ["; ".join(texts) or "—", "; ".join(met) or "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines), missing
