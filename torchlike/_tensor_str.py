"""Printing tensors exactly like PyTorch (torch/_tensor_str.py's rules), driven by NumPy arrays."""
from __future__ import annotations

import math

import numpy as np

__all__ = ["PRINT_OPTS", "set_printoptions", "get_printoptions", "format_tensor"]


class PrintOptions:
    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


PRINT_OPTS = PrintOptions()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    if profile is not None:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    return {"precision": PRINT_OPTS.precision, "threshold": PRINT_OPTS.threshold,
            "edgeitems": PRINT_OPTS.edgeitems, "linewidth": PRINT_OPTS.linewidth, "sci_mode": PRINT_OPTS.sci_mode}


class _Formatter:
    """Chooses int / fixed / scientific mode and the column width from (summarised) values."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        p = PRINT_OPTS.precision
        if not floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(str(v)))
            return
        vals = flat.astype(np.float64)
        nz = vals[np.isfinite(vals) & (vals != 0)]
        if nz.size == 0:
            return
        a = np.abs(nz)
        mn, mx = float(a.min()), float(a.max())
        self.int_mode = bool(np.all(nz == np.ceil(nz)))
        self.sci_mode = (mx / mn > 1000.0 or mx > 1.0e8 or mn < 1.0e-4) if PRINT_OPTS.sci_mode is None \
            else PRINT_OPTS.sci_mode
        items = nz.tolist()
        if self.sci_mode:
            w = max(len(f"{v:.{p}e}") for v in items)
        elif self.int_mode:
            w = max(len(f"{v:.0f}") + 1 for v in items)
        else:
            w = max(len(f"{v:.{p}f}") for v in items)
        self.max_width = max(self.max_width, w)

    def format(self, value):
        p = PRINT_OPTS.precision
        if self.floating:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{p}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _fmt_value(v, f1, f2):
    if f2 is None:
        return f1.format(v)
    real = f1.format(v.real)
    imag = (f2.format(v.imag) + "j").lstrip()
    return real + imag if imag[0] in "+-" else real + "+" + imag


def _vector_str(a, indent, summarize, f1, f2):
    element_length = f1.max_width + 2 + (f2.max_width + 1 if f2 is not None else 0)
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = [_fmt_value(v, f1, f2) for v in a[:e].tolist()] + [" ..."] + \
               [_fmt_value(v, f1, f2) for v in a[-e:].tolist()]
    else:
        data = [_fmt_value(v, f1, f2) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _str_with_formatter(a, indent, summarize, f1, f2):
    if a.ndim == 0:
        return _fmt_value(a.item(), f1, f2)
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, f1, f2)
    e = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * e:
        rows = list(range(e)) + [None] + list(range(a.shape[0] - e, a.shape[0]))
    else:
        rows = range(a.shape[0])
    slices = ["..." if i is None else _str_with_formatter(a[i], indent + 1, summarize, f1, f2) for i in rows]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized(a):
    """The edge items of every dimension (what the formatter sees when summarising)."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate([a[:e], a[-e:]]) if a.shape[0] > 2 * e else a
    if not e:
        return a[tuple(slice(0, 0) for _ in range(a.ndim))]
    rows = list(range(e)) + list(range(a.shape[0] - e, a.shape[0])) if a.shape[0] > 2 * e else range(a.shape[0])
    return np.stack([_summarized(a[i]) for i in rows])


def _tensor_str(a, indent, dtype_name):
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    if dtype_name.startswith("complex"):
        src = _summarized(a) if summarize else a
        f1, f2 = _Formatter(src.real, True), _Formatter(src.imag, True)
        return _str_with_formatter(a, indent, summarize, f1, f2)
    floating = dtype_name.startswith(("float", "bfloat"))
    if floating:
        a = a.astype(np.float64)   # exact for every float dtype; formatting works on Python floats
    f1 = _Formatter(_summarized(a) if summarize else a, floating)
    return _str_with_formatter(a, indent, summarize, f1, None)


def _add_suffixes(tensor_str, suffixes, indent):
    out = [tensor_str]
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for s in suffixes:
        if last_line_len + len(s) + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + s)
            last_line_len = indent + len(s)
        else:
            out.append(", " + s)
            last_line_len += len(s) + 2
    out.append(")")
    return "".join(out)


def format_tensor(values, dtype_name, *, default_dtype_name="float32", device="cpu", requires_grad=False,
                  grad_fn_name=None, prefix="tensor(", indent=None, extra_suffixes=()):
    """What repr(tensor) prints for a tensor with these values (a NumPy array), dtype and autograd state."""
    values = np.asarray(values)
    indent = len(prefix) if indent is None else indent
    suffixes = []
    if device != "cpu":
        suffixes.append(f"device='{device}'")
    default_complex = "complex128" if default_dtype_name == "float64" else "complex64"
    has_default = dtype_name in (default_dtype_name, default_complex, "int64", "bool")
    if values.size == 0:
        if values.ndim != 1:
            suffixes.append("size=" + str(tuple(values.shape)))
        if dtype_name != default_dtype_name:
            suffixes.append("dtype=torch." + dtype_name)
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(values.shape)))
        if not has_default:
            suffixes.append("dtype=torch." + dtype_name)
        body = _tensor_str(values, indent, dtype_name)
    suffixes.extend(extra_suffixes)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
