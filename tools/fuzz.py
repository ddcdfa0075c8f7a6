"""A differential fuzzer: random calls of torch ops on torchlike and on real PyTorch (the oracle), compared.

Each case draws an op from a table of argument generators (in the spirit of PyTorch's OpInfo: one small generator
per op family), random dtypes (bool, unsigned and signed integers, float16/bfloat16/float32/float64, complex),
layouts (contiguous, transposed, strided, expanded, channels-last, offset), 0-d and empty shapes, broadcasting
shapes, random scalar arguments, the function / method / in-place / out= variants, and bad inputs (non-broadcasting
shapes, out-of-range dims, wrong dtypes). The same call runs on both libraries and they are compared: exception or
not and its type, result values (NaN-aware, tolerances by dtype), dtype, shape, strides (dense results), identity of
in-place / out= results.

    python tools/fuzz.py --cases 5000 --seed 0          # summary + disagreements grouped by op and kind
    python tools/fuzz.py --seed 0 --replay 123 -v       # one case, printed in full

Case i of seed s is drawn from its own generator (s, i): a case replays alone, whatever ran before it.
"""
from __future__ import annotations

import argparse
import collections
import math
import os
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
for _p in (os.path.join(HERE, ".."), HERE):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import torch as TH  # noqa: E402  (the oracle; the fuzzer is a tool, never part of the library)

import torchlike as TL  # noqa: E402
from fuzz_ops import DTYPES, SPECS, TOL, Gen, Seq, T, _ns, build  # noqa: E402,F401

_NO_VALUES = {"empty", "empty_like"}          # uninitialised memory: compare everything but the values
_INDEX_PAIRS = {"max", "min", "median", "nanmedian", "mode", "kthvalue", "topk", "sort", "cummax", "cummin"}
_NAMED = {"F"}


def _variants(name):
    """The variants torch has for `name`: fn, method, inplace, out."""
    if "." in name or name.endswith(")") or name in ("item", "tolist"):
        if name.startswith("F.") and hasattr(TH.nn.functional, name[2:] + "_"):
            return ["fn", "inplace_fn"]
        return ["fn"]
    v = ["fn"]
    f = getattr(TH, name, None)
    if hasattr(TH.Tensor, name) and f is not None and name not in ("zeros", "ones", "empty", "full", "arange",
                                                                   "linspace"):
        v.append("method")
    if hasattr(TH.Tensor, name + "_"):
        v.append("inplace")
    doc = (getattr(f, "__doc__", None) or "")
    if "out=None" in doc.split("\n\n")[0] or "out: Optional" in doc.split("\n\n")[0]:
        v.append("out")
    return v


class Case:
    def __init__(self, seed, index):
        g = self.g = Gen(seed, index)
        self.index = index
        names = sorted(SPECS)
        self.op = g.pick(names)
        gen, self.call = SPECS[self.op]
        self.args, self.kwargs = gen(g)
        self.variant = g.pick(_variants(self.op)) if self.call == "fn" else "fn"
        self.out = None
        if self.variant == "out":
            self._draw_out()

    def _draw_out(self):
        """An out= argument: usually right, sometimes empty, of the wrong shape or dtype (from torch's result)."""
        g = self.g
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref = self.run(TH, plain=True)
        except Exception:  # noqa: BLE001 - the call fails anyway: a plain out tensor
            ref = TH.zeros(())
        refs = ref if isinstance(ref, tuple) else (ref,)
        if not all(isinstance(r, TH.Tensor) for r in refs):
            self.variant = "fn"
            return
        outs = []
        for r in refs:
            shape, d = tuple(r.shape), str(r.dtype)[6:]
            k = g.r.random()
            if k < 0.15:
                shape = (0,)
            elif k < 0.25:
                shape = tuple(s + 1 for s in shape) or (2,)
            elif k < 0.35:
                d = g.dtype()
            outs.append(T(g.values(shape, d), d, "contig" if g.chance(0.8) else g.layout(shape)))
        self.out = outs[0] if len(outs) == 1 else Seq(outs, tup=True)

    def run(self, lib, plain=False):
        if lib is _Probe:
            try:
                [build(a, TL) for a in self.args], {k: build(v, TL) for k, v in self.kwargs.items()}
                build(self.out, TL)
            except Exception as e:  # noqa: BLE001
                raise _SetupError(f"{type(e).__name__}: {e}") from None
            return None
        args = [build(a, lib) for a in self.args]
        kwargs = {k: build(v, lib) for k, v in self.kwargs.items()}
        if callable(self.call):
            return self.call(lib, *args, **kwargs)
        name = self.op
        variant = "fn" if plain else self.variant
        if variant == "fn":
            if name.startswith("Tensor."):
                return getattr(args[0], name[7:])(*args[1:], **kwargs)
            return _ns(lib, name)(*args, **kwargs)
        if variant == "inplace_fn":
            x = args[0]
            r = _ns(lib, name)(*args, inplace=True, **kwargs)
            return r is x, x
        if variant == "method":
            return getattr(args[0], name)(*args[1:], **kwargs)
        if variant == "inplace":
            x = args[0]
            r = getattr(x, name + "_")(*args[1:], **kwargs)
            return r is x, x
        out = build(self.out, lib)
        r = getattr(lib, name)(*args, out=out, **kwargs)
        same = all(a is b for a, b in zip(r, out)) if isinstance(out, tuple) else r is out
        return same, r, out

    def describe(self):
        a = ", ".join([repr(x) for x in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()])
        if self.variant == "out":
            a += f", out={self.out!r}"
        return f"#{self.index} {self.op} [{self.variant}] ({a})"


# --- comparison ----------------------------------------------------------------------------------------

class Mismatch(Exception):
    def __init__(self, kind, detail):
        super().__init__(detail)
        self.kind = kind


def _np(x):
    x = x.detach()
    if str(x.dtype).endswith("bfloat16"):
        x = x.float()
    if isinstance(x, TH.Tensor):
        return x.resolve_conj().resolve_neg().numpy()
    return np.asarray(x._value())


def _close(a, b, dtype):
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc":
        rtol, atol = TOL.get(dtype, (1e-4, 1e-5))
        with np.errstate(invalid="ignore"):
            return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True) and
                    np.array_equal(np.isnan(a), np.isnan(b)) and np.array_equal(np.isinf(a) & (a > 0),
                                                                            np.isinf(b) & (b > 0)))
    return bool(np.array_equal(a, b))


def compare(tl, th, values=True, strides=True, what=""):
    if isinstance(th, TH.Tensor):
        if not isinstance(tl, TL.Tensor):
            raise Mismatch("type", f"{what}expected Tensor, got {type(tl).__name__}")
        if str(tl.dtype) != str(th.dtype):
            raise Mismatch("dtype", f"{what}dtype {tl.dtype} != {th.dtype}")
        if tuple(tl.shape) != tuple(th.shape):
            raise Mismatch("shape", f"{what}shape {tuple(tl.shape)} != {tuple(th.shape)}")
        if values and not _close(_np(tl), _np(th), str(th.dtype)[6:]):
            raise Mismatch("value", f"{what}values {_np(tl).reshape(-1)[:8]} != {_np(th).reshape(-1)[:8]}")
        if strides and th.layout == TH.strided and th.numel() > 1 and tl.stride() != th.stride():
            raise Mismatch("stride", f"{what}stride {tl.stride()} != {th.stride()}")
        return
    if isinstance(th, (tuple, list)):
        if not isinstance(tl, (tuple, list)) or len(tl) != len(th):
            raise Mismatch("type", f"{what}expected a sequence of {len(th)}, got {type(tl).__name__}")
        if type(th).__module__ == "torch.return_types" and type(tl).__name__ != type(th).__name__:
            raise Mismatch("type", f"{what}return type {type(tl).__name__} != {type(th).__name__}")
        for i, (a, b) in enumerate(zip(tl, th)):
            compare(a, b, values, strides, f"{what}[{i}] ")
        return
    if isinstance(th, float) and isinstance(tl, float):
        if not ((math.isnan(th) and math.isnan(tl)) or math.isclose(tl, th, rel_tol=1e-3, abs_tol=1e-5)):
            raise Mismatch("value", f"{what}{tl} != {th}")
        return
    if isinstance(th, complex) and isinstance(tl, complex):
        if not (tl == th or abs(tl - th) <= 1e-3 * max(abs(th), 1) or (tl != tl and th != th)):
            raise Mismatch("value", f"{what}{tl} != {th}")
        return
    if isinstance(th, TH.dtype):
        if str(tl) != str(th):
            raise Mismatch("value", f"{what}{tl} != {th}")
        return
    if type(tl) is not type(th) and not (isinstance(th, TH.Size) and isinstance(tl, TL.Size)):
        raise Mismatch("type", f"{what}{type(tl).__name__} != {type(th).__name__}")
    if tl != th:
        raise Mismatch("value", f"{what}{tl!r} != {th!r}")


def _valid_indices(case, tl, th):
    """Ops returning (values, indices): equal values with other indices that select them are a valid answer."""
    try:
        v, i = tl[0], tl[1]
        compare(v, th[0], strides=False)
        x = case.args[0].build(TL)
        d = case.kwargs.get("dim", case.args[2] if case.op == "kthvalue" else
                            case.args[1] if len(case.args) > 1 and isinstance(case.args[1], int)
                            and case.op not in ("topk",) else -1)
        if case.op in ("max", "min", "median", "nanmedian", "mode", "kthvalue") and not case.kwargs.get("keepdim"):
            i, v = i.unsqueeze(d), v.unsqueeze(d)
        picked = x.gather(d, i) if x.dim() else x
        return _close(_np(picked), _np(v), str(x.dtype)[len("torchlike."):])
    except Exception:  # noqa: BLE001
        return False


def same_exception(tl_exc, th_exc):
    a, b = type(tl_exc), type(th_exc)
    if a.__name__ == b.__name__:
        return True
    return a is not Exception and a in b.__mro__ and a.__module__ == "builtins" and b.__module__ != "builtins"


def run_case(case):
    """(kind or None, detail): None when both libraries agree."""
    try:
        case.run(_Probe)
    except _SetupError as e:
        return "setup", f"building the arguments failed on torchlike: {e}"
    except Exception:  # noqa: BLE001 - the probe only builds arguments
        pass
    res = []
    for lib in (TL, TH):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                res.append((case.run(lib), None))
            except Exception as e:  # noqa: BLE001 - exception types are compared
                res.append((None, e))
    (tl, tl_exc), (th, th_exc) = res
    if th_exc is not None:
        if tl_exc is None:
            return "missing-error", f"torch raised {type(th_exc).__name__}: {str(th_exc)[:160]}"
        if not same_exception(tl_exc, th_exc):
            return "exception-type", (f"torch {type(th_exc).__name__}: {str(th_exc)[:120]} | torchlike "
                                      f"{type(tl_exc).__module__}.{type(tl_exc).__name__}: {str(tl_exc)[:120]}")
        return None, None
    if tl_exc is not None:
        return "spurious-error", f"torchlike {type(tl_exc).__name__}: {str(tl_exc)[:200]}"
    try:
        compare(tl, th, values=case.op not in _NO_VALUES)
    except Mismatch as m:
        if m.kind == "value" and case.op in _INDEX_PAIRS and _valid_indices(case, _unwrap(tl), _unwrap(th)):
            return None, None
        return m.kind, str(m)[:300]
    return None, None


class _SetupError(Exception):
    pass


class _ProbeLib:
    """Stands for a library in Case.run to check that torchlike can build the arguments (layouts, dtypes)."""

    def __getattr__(self, name):
        raise _Stop


class _Stop(Exception):
    pass


_Probe = _ProbeLib()


def _unwrap(r):
    if isinstance(r, tuple) and len(r) == 2 and isinstance(r[0], bool):      # in-place: (identity, self)
        return r[1]
    if isinstance(r, tuple) and len(r) == 3 and isinstance(r[0], bool):      # out=: (identity, result, out)
        return r[1]
    return r


def fuzz(cases, seed, verbose=False, stream=None):
    """Run `cases` random cases; returns (agreed, total, disagreements [(case, kind, detail)])."""
    bad = []
    for i in range(cases):
        try:
            case = Case(seed, i)
        except Exception as e:  # noqa: BLE001 - a generator bug must not stop the run
            bad.append((None, "generator", f"case #{i}: {type(e).__name__}: {e}"))
            continue
        kind, detail = run_case(case)
        if kind is not None:
            bad.append((case, kind, detail))
            if verbose and stream:
                print(f"DISAGREE {kind}: {case.describe()}\n    {detail}", file=stream)
    return cases - len(bad), cases, bad


def report(agreed, total, bad, stream=sys.stdout, examples=2):
    print(f"{agreed}/{total} cases agree ({100.0 * agreed / max(total, 1):.2f}%) over {len(SPECS)} ops",
          file=stream)
    kinds = collections.Counter(kind for _, kind, _ in bad)
    print("  by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()), file=stream)
    groups = collections.defaultdict(list)
    for case, kind, detail in bad:
        groups[(case.op if case else "?", kind)].append((case, detail))
    for (op, kind), items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {op:24s} {kind:15s} x{len(items)}", file=stream)
        for case, detail in items[:examples]:
            print(f"      {case.describe() if case else ''}\n        {detail}", file=stream)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--replay", type=int, nargs="*", help="run only these case indices")
    p.add_argument("--examples", type=int, default=2, help="examples printed per disagreeing group")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args(argv)
    if a.replay:
        for i in a.replay:
            case = Case(a.seed, i)
            kind, detail = run_case(case)
            print(case.describe())
            print(f"  -> {'agree' if kind is None else kind + ': ' + detail}")
        return 0
    agreed, total, bad = fuzz(a.cases, a.seed, a.verbose, sys.stdout)
    report(agreed, total, bad, examples=a.examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
