"""The fuzzer's argument generators: an op name -> f(Gen) -> (args, kwargs), one small generator per op family
(in the spirit of PyTorch's OpInfo samples), and the argument specs (tensor values, dtype, layout) built the same
way in torchlike and in PyTorch. Used by tools/fuzz.py."""
from __future__ import annotations

import numpy as np
import torch as TH  # the oracle (tools only; the library never imports torch)

import torchlike as TL

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]
DTYPE_WEIGHTS = np.array([4, 3, 2, 2, 3, 6, 3, 3, 12, 6, 2, 2], dtype=float)
FLOATS = ["float16", "bfloat16", "float32", "float64"]
REALS = DTYPES[:10]
TOL = {"float16": (1e-2, 1e-2), "bfloat16": (4e-2, 4e-2), "float32": (1e-4, 1e-5), "float64": (1e-7, 1e-9),
       "complex64": (1e-4, 1e-5), "complex128": (1e-7, 1e-9)}


# --- argument specs: built the same way in either library --------------------------------------------------

class T:
    """A tensor argument: values (NumPy, float64/complex128/bool/int64), dtype name, layout."""

    def __init__(self, arr, dtype, layout="contig"):
        self.arr, self.dtype, self.layout = arr, dtype, layout

    def build(self, lib):
        d = getattr(lib, self.dtype)
        a = self.arr
        if lib is TL:               # the oracle's rounding (float16/bfloat16) gives both libraries the same values
            a = TH.tensor(a).to(getattr(TH, self.dtype))
            a = (a.to(TH.float64) if self.dtype in ("float16", "bfloat16") else a).numpy()
        lay = self.layout
        if lay == "transposed":
            return lib.tensor(np.ascontiguousarray(a.T), dtype=d).permute(*reversed(range(a.ndim)))
        if lay == "strided":
            return lib.tensor(np.repeat(a, 2, axis=-1), dtype=d)[..., ::2]
        if lay == "offset":
            return lib.tensor(np.concatenate([a.reshape(-1)[:1] if a.size else np.zeros(1, a.dtype),
                                              a.reshape(-1)]), dtype=d)[1:].view(a.shape)
        if lay == "channels_last":
            return lib.tensor(a, dtype=d).contiguous(memory_format=lib.channels_last)
        if lay.startswith("expanded"):
            k = int(lay[8:])
            return lib.tensor(np.take(a, [0], axis=k), dtype=d).expand(*a.shape)
        return lib.tensor(a, dtype=d)

    def __repr__(self):
        lay = "" if self.layout == "contig" else f", {self.layout}"
        vals = np.array2string(self.arr.reshape(-1)[:6], precision=3, separator=",")
        return f"T({list(self.arr.shape)}, {self.dtype}{lay}, {vals}{'...' if self.arr.size > 6 else ''})"


class Dt:
    def __init__(self, name):
        self.name = name

    def build(self, lib):
        return getattr(lib, self.name)

    def __repr__(self):
        return f"torch.{self.name}"


class Seq:
    def __init__(self, items, tup=False):
        self.items, self.tup = list(items), tup

    def build(self, lib):
        r = [build(x, lib) for x in self.items]
        return tuple(r) if self.tup else r

    def __repr__(self):
        return ("(%s)" if self.tup else "[%s]") % ", ".join(map(repr, self.items))


def build(x, lib):
    return x.build(lib) if isinstance(x, (T, Dt, Seq)) else x


# --- the random source of one case ----------------------------------------------------------------------

class Gen:
    def __init__(self, seed, index):
        self.r = np.random.default_rng([seed, index])
        self.bad = self.r.random() < 0.08        # this case may also draw deliberately bad arguments

    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return xs[int(self.r.integers(len(xs)))]

    def dtype(self, pool=None):
        if pool is None:
            return DTYPES[int(self.r.choice(len(DTYPES), p=DTYPE_WEIGHTS / DTYPE_WEIGHTS.sum()))]
        return self.pick(pool)

    def shape(self, min_ndim=0, max_ndim=4):
        nd = int(self.r.integers(min_ndim, max_ndim + 1))
        return tuple(0 if self.chance(0.04) else int(self.r.integers(1, 5)) for _ in range(nd))

    def values(self, shape, dtype, low=None, high=None):
        r = self.r
        if dtype == "bool":
            return r.random(shape) < 0.5
        if dtype in ("uint8", "int8", "int16", "int32", "int64"):
            lo = 0 if dtype == "uint8" else (-6 if low is None else low)
            return r.integers(lo, 7 if high is None else high, size=shape).astype(np.int64)
        a = r.standard_normal(shape) * 2.5
        if dtype.startswith("complex"):
            a = a + 1j * r.standard_normal(shape) * 2.5
        if low is not None:
            a = np.abs(a) + low
        elif self.chance(0.25) and a.size:                 # special values now and then
            flat = a.reshape(-1)
            for _ in range(int(r.integers(1, 3))):
                flat[int(r.integers(flat.size))] = self.pick([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, 0.5])
        elif self.chance(0.2):
            a = np.round(a)                                # ties for sorting, rounding halves, exact integers
        return a

    def layout(self, shape):
        opts = ["contig"] * 6
        if len(shape) >= 2:
            opts += ["transposed"] * 2
        if len(shape) >= 1:
            opts += ["strided", "offset"]
            ones = [i for i, s in enumerate(shape) if s > 1]
            if ones:
                opts.append(f"expanded{self.pick(ones)}")
        if len(shape) == 4:
            opts += ["channels_last"] * 2
        return self.pick(opts)

    def t(self, shape=None, dtype=None, pool=None, min_ndim=0, max_ndim=4, layout=None, low=None, high=None):
        shape = self.shape(min_ndim, max_ndim) if shape is None else tuple(shape)
        dtype = dtype or self.dtype(pool)
        return T(self.values(shape, dtype, low, high), dtype, layout or self.layout(shape))

    def bshape(self, shape):
        """A shape broadcasting with `shape` (sometimes one that does not, for a bad case)."""
        s = list(shape[int(self.r.integers(0, len(shape) + 1)):]) if shape else []
        s = [1 if self.chance(0.25) else x for x in s]
        if self.chance(0.1):
            s = [int(self.r.integers(1, 3))] + s
        if self.bad and s and self.chance(0.5):
            i = int(self.r.integers(len(s)))
            s[i] = s[i] + 2
        return tuple(s)

    def scalar(self, kinds="ifb"):
        k = self.pick(kinds)
        if k == "i":
            return int(self.r.integers(-4, 5))
        if k == "b":
            return bool(self.chance(0.5))
        if k == "c":
            return complex(round(float(self.r.standard_normal()), 2), 1.5)
        return self.pick([0.5, -1.25, 2.0, 1e-3, float("nan"), 3.75])

    def other(self, x, p_scalar=0.25, pool=None, same_dtype=0.4):
        if self.chance(p_scalar):
            return self.scalar("ifbc" if self.chance(0.1) else "ifb")
        d = x.dtype if self.chance(same_dtype) else self.dtype(pool)
        return self.t(self.bshape(x.arr.shape), d)

    def dim(self, x, allow_none=False):
        n = x.arr.ndim
        if allow_none and self.chance(0.3):
            return None
        if self.bad and self.chance(0.4):
            return n + int(self.r.integers(0, 2))
        return int(self.r.integers(-max(n, 1), max(n, 1)))


# --- argument generators: name -> f(g) -> (args, kwargs) -------------------------------------------------

def unary(g):
    return [g.t()], {}


def unary_float(g):
    return [g.t(pool=FLOATS if not g.bad else None)], {}


def binary(g):
    x = g.t()
    return [x, g.other(x)], {}


def binary_tensor(g):
    x = g.t()
    return [x, g.other(x, p_scalar=0)], {}


def binary_alpha(g):
    args, kw = binary(g)
    if g.chance(0.4):
        kw["alpha"] = g.scalar("ifb")
    return args, kw


def div(g):
    args, kw = binary(g)
    if g.chance(0.4):
        kw["rounding_mode"] = g.pick(["trunc", "floor", None])
    return args, kw


def ternary(g):
    x = g.t()
    return [x, g.other(x, p_scalar=0), g.other(x, p_scalar=0)], ({"value": g.scalar()} if g.chance(0.4) else {})


def lerp(g):
    x = g.t(pool=FLOATS + ["complex64"] if not g.bad else None)
    return [x, g.other(x, p_scalar=0, same_dtype=0.8), g.other(x, p_scalar=0.6, same_dtype=0.8)], {}


def where(g):
    x = g.t()
    c = g.t(g.bshape(x.arr.shape), "bool" if not g.bad else g.dtype())
    return [c, x, g.other(x)], {}


def clamp(g):
    x = g.t()
    kw = {}
    tens = g.chance(0.3)
    for k in ("min", "max"):
        if g.chance(0.6):
            kw[k] = g.other(x, p_scalar=1.0) if not tens else g.other(x, p_scalar=0)
    if not kw and not g.bad:
        kw["min"] = g.scalar()
    return [x], kw


def clamp_one(g):
    x = g.t()
    return [x, g.other(x, p_scalar=0.7)], {}


def reduce_(g):
    x = g.t()
    if g.chance(0.3):
        return [x], {}
    kw = {"dim": g.dim(x)}
    if g.chance(0.5):
        kw["keepdim"] = g.chance(0.5)
    return [x], kw


def reduce_dims(g):
    """dim may be a tuple (sum, mean, amax, std ...)."""
    args, kw = reduce_(g)
    x = args[0]
    if "dim" in kw and x.arr.ndim >= 2 and g.chance(0.3):
        kw["dim"] = (0, -1) if not g.bad else (0, 0)
    return args, kw


def reduce_dtype(g):
    args, kw = reduce_dims(g)
    if g.chance(0.2):
        kw["dtype"] = Dt(g.dtype())
    return args, kw


def reduce_req(g):
    x = g.t()
    kw = {"dim": g.dim(x)}
    if g.chance(0.5):
        kw["keepdim"] = g.chance(0.5)
    return [x], kw


def var_like(g):
    args, kw = reduce_dims(g)
    if g.chance(0.4):
        kw["correction"] = g.pick([0, 1, 2])
    elif g.chance(0.3):
        kw["unbiased"] = g.chance(0.5)
    return args, kw


def dim_op(g):
    x = g.t()
    return [x, g.dim(x)], {}


def dim_op_dtype(g):
    args, kw = dim_op(g)
    if g.chance(0.2):
        kw["dtype"] = Dt(g.dtype())
    return args, kw


def sort(g):
    x = g.t()
    kw = {}
    if g.chance(0.6):
        kw["dim"] = g.dim(x)
    if g.chance(0.4):
        kw["descending"] = g.chance(0.5)
    if g.chance(0.3):
        kw["stable"] = True
    return [x], kw


def topk(g):
    x = g.t(min_ndim=1)
    d = g.dim(x)
    n = x.arr.shape[d] if -x.arr.ndim <= d < x.arr.ndim else 1
    k = int(g.r.integers(0, n + 1)) if not g.bad else n + 1
    kw = {"dim": d}
    if g.chance(0.3):
        kw["largest"] = g.chance(0.5)
    return [x, k], kw


def kthvalue(g):
    x = g.t(min_ndim=1)
    d = g.dim(x)
    n = x.arr.shape[d] if -x.arr.ndim <= d < x.arr.ndim else 1
    return [x, int(g.r.integers(1, n + 1)) if not g.bad else n + 1, d], {}


def unique(g):
    x = g.t(max_ndim=2)
    kw = {}
    for k in ("sorted", "return_inverse", "return_counts"):
        if g.chance(0.4):
            kw[k] = g.chance(0.6)
    kw.setdefault("sorted", True)
    return [x], kw


def flip(g):
    x = g.t()
    return [x, [g.dim(x)] if x.arr.ndim else []], {}


def roll(g):
    x = g.t(min_ndim=1)
    if g.chance(0.3):
        return [x, int(g.r.integers(-3, 4))], {}
    return [x, int(g.r.integers(-3, 4)), g.dim(x)], {}


def tri(g):
    x = g.t(min_ndim=2 if not g.bad else 1, max_ndim=3)
    return [x, int(g.r.integers(-2, 3))], {}


def matrix(g):
    return [g.t(min_ndim=1, max_ndim=2)], {}


def mm(g):
    n, k, m = (int(g.r.integers(0, 4)) for _ in range(3))
    d = g.dtype()
    return [g.t((n, k), d), g.t((m if g.bad else k, m), d if g.chance(0.9) else g.dtype())], {}


def matmul(g):
    d = g.dtype(None if g.bad else FLOATS + ["int64", "complex64"])
    k = int(g.r.integers(1, 4))
    a = g.shape(0, 2) + (k,)
    b = (k + (1 if g.bad else 0),) + ((int(g.r.integers(1, 4)),) if g.chance(0.6) else ())
    if g.chance(0.3):
        b = a[:-2] + b if len(b) == 2 else b
    return [g.t(a, d), g.t(b, d)], {}


def vec2(g):
    d = g.dtype()
    n = int(g.r.integers(0, 5))
    return [g.t((n,), d), g.t((n + (1 if g.bad else 0),), d if g.chance(0.85) else g.dtype())], {}


def cat(g):
    x = g.t(min_ndim=1, max_ndim=3)
    n = x.arr.ndim
    d = g.dim(x)
    ts = [x]
    for _ in range(int(g.r.integers(0, 3))):
        s = list(x.arr.shape)
        if -n <= d < n:
            s[d] = int(g.r.integers(0, 3))
        if g.bad and g.chance(0.5):
            s[0] += 1
        ts.append(g.t(s, x.dtype if g.chance(0.6) else g.dtype()))
    return [Seq(ts), d], {}


def stack(g):
    x = g.t(max_ndim=3)
    ts = [x] + [g.t(x.arr.shape if not (g.bad and g.chance(0.5)) else g.shape(), x.dtype if g.chance(0.6)
                    else g.dtype()) for _ in range(int(g.r.integers(0, 3)))]
    return [Seq(ts), int(g.r.integers(-x.arr.ndim - 1, x.arr.ndim + 1))], {}


def seq_only(g):
    args, _ = stack(g)
    return [args[0]], {}


def gather(g):
    x = g.t(min_ndim=1, max_ndim=3)
    d = g.dim(x)
    n = x.arr.shape[d] if -x.arr.ndim <= d < x.arr.ndim else 1
    shape = tuple(int(g.r.integers(0, s + 1)) for s in x.arr.shape)
    hi = max(n, 1) + (2 if g.bad else 0)
    idx = T(g.r.integers(0, hi, size=shape), "int64" if not g.bad else g.pick(["int64", "int32", "float32"]))
    return [x, d, idx], {}


def index_select(g):
    x = g.t(min_ndim=1, max_ndim=3)
    d = g.dim(x)
    n = x.arr.shape[d] if -x.arr.ndim <= d < x.arr.ndim else 1
    idx = T(g.r.integers(0, max(n, 1) + (2 if g.bad else 0), size=(int(g.r.integers(0, 4)),)),
            g.pick(["int64", "int32"]) if not g.bad else g.dtype())
    return [x, d, idx], {}


def scatter(g):
    x, d, idx = gather(g)[0]
    src = g.t(idx.arr.shape, x.dtype if g.chance(0.8) else g.dtype())
    return [x, d, idx, src], {}


def index_add(g):
    x, d, idx = index_select(g)[0]
    s = list(x.arr.shape)
    if -len(s) <= d < len(s):
        s[d] = idx.arr.shape[0]
    src = g.t(s, x.dtype if g.chance(0.8) else g.dtype())
    return [x, d, idx, src], ({"alpha": g.scalar()} if g.chance(0.3) else {})


def masked_fill(g):
    x = g.t()
    m = g.t(g.bshape(x.arr.shape), "bool" if not g.bad else g.dtype())
    return [x, m, g.scalar("ifbc") if g.chance(0.8) else g.t((), g.dtype())], {}


def take(g):
    x = g.t()
    n = max(x.arr.size, 1) + (3 if g.bad else 0)
    return [x, T(g.r.integers(-n, n, size=g.shape(0, 2)), "int64")], {}


def index_put(g):
    x = g.t(min_ndim=1)
    n = x.arr.shape[0]
    idx = T(g.r.integers(0, max(n, 1), size=(int(g.r.integers(0, 4)),)), "int64")
    v = g.t((idx.arr.shape[0],) + x.arr.shape[1:] if g.chance(0.5) else (), x.dtype if g.chance(0.6) else g.dtype())
    return [x, Seq([idx], tup=True), v], ({"accumulate": g.chance(0.5)} if g.chance(0.4) else {})


def softmax(g):
    x = g.t()
    kw = {"dim": g.dim(x)}
    if g.chance(0.2):
        kw["dtype"] = Dt(g.dtype(FLOATS))
    return [x], kw


def nan_to_num(g):
    kw = {k: g.scalar("if") for k in ("nan", "posinf", "neginf") if g.chance(0.3)}
    return [g.t()], kw


def round_(g):
    return [g.t()], ({"decimals": int(g.r.integers(-1, 3))} if g.chance(0.4) else {})


def pow_(g):
    x = g.t()
    return [x, g.other(x, p_scalar=0.5)], {}


def isclose(g):
    x = g.t()
    return [x, g.other(x, p_scalar=0, same_dtype=0.7)], ({"equal_nan": g.chance(0.5)} if g.chance(0.4) else {})


def norm(g):
    x = g.t()
    kw = {}
    if g.chance(0.5):
        kw["p"] = g.pick([1, 2, float("inf"), 0, 3, "fro"])
    if g.chance(0.5):
        kw["dim"] = g.dim(x)
        kw["keepdim"] = g.chance(0.5)
    return [x], kw


def vector_norm(g):
    x = g.t()
    kw = {}
    if g.chance(0.5):
        kw["ord"] = g.pick([1, 2, float("inf"), -float("inf"), 0, 3])
    if g.chance(0.5):
        kw["dim"] = g.dim(x)
        kw["keepdim"] = g.chance(0.5)
    if g.chance(0.15):
        kw["dtype"] = Dt(g.dtype(FLOATS + ["complex64"]))
    return [x], kw


def leaky(g):
    return [g.t()], ({"negative_slope": g.pick([0.1, 0.0, 2])} if g.chance(0.4) else {})


def hist(g):
    x = g.t(max_ndim=2)
    kw = {}
    if g.chance(0.5):
        kw["bins"] = int(g.r.integers(1, 6))
    if g.chance(0.3):
        kw["min"], kw["max"] = -1.0, 2.0
    return [x], kw


def diff(g):
    x = g.t(min_ndim=1)
    kw = {}
    if g.chance(0.4):
        kw["dim"] = g.dim(x)
    if g.chance(0.3):
        kw["n"] = int(g.r.integers(0, 3))
    return [x], kw


def repeat_(g):
    x = g.t(max_ndim=3)
    reps = [int(g.r.integers(0, 3)) for _ in range(x.arr.ndim + int(g.r.integers(0 if not g.bad else -1, 2)))]
    return [x, reps], {}


def creation(g):
    shape = g.shape(0, 3)
    kw = {}
    if g.chance(0.5):
        kw["dtype"] = Dt(g.dtype()) if not g.bad else g.pick(["float32", float, np.float32])
    if g.chance(0.2):
        return [], dict(kw, size=shape)
    return ([list(shape)] if g.chance(0.5) else list(shape)), kw


def full(g):
    shape = g.shape(0, 3)
    kw = {"dtype": Dt(g.dtype())} if g.chance(0.5) else {}
    return [shape, g.scalar("ifbc")], kw


def like(g):
    kw = {"dtype": Dt(g.dtype())} if g.chance(0.4) else {}
    return [g.t()], kw


def full_like(g):
    kw = {"dtype": Dt(g.dtype())} if g.chance(0.4) else {}
    return [g.t(), g.scalar("ifb")], kw


def arange(g):
    a = g.scalar("if")
    b = a + g.pick([3, 5, 2.5, -2, 0])
    args = [a, b] + ([g.pick([1, 0.5, -1, 2])] if g.chance(0.4) else [])
    return args, ({"dtype": Dt(g.dtype(REALS))} if g.chance(0.4) else {})


def linspace(g):
    return [g.scalar("if"), g.scalar("if"), int(g.r.integers(0, 6))], \
        ({"dtype": Dt(g.dtype(FLOATS + ["int64", "complex64"]))} if g.chance(0.4) else {})


def conversions(g):
    return [g.t(max_ndim=2)], {}


def index_read(g):
    x = g.t(min_ndim=1, max_ndim=3)
    n = x.arr.shape[0]
    k = g.pick("isbltr")
    if k == "i":
        i = int(g.r.integers(-n - (1 if g.bad else 0), n + (1 if g.bad else 0))) if n else 0
    elif k == "s":
        i = slice(int(g.r.integers(-2, 3)), None, int(g.r.integers(1, 3)))
    elif k == "b":
        i = g.t(x.arr.shape[:1], "bool", layout="contig")
    elif k == "l":
        i = [int(v) for v in g.r.integers(0, max(n, 1), size=int(g.r.integers(0, 4)))]
    elif k == "t":
        i = T(g.r.integers(-max(n, 1), max(n, 1), size=g.shape(0, 2)), "int64")
    else:
        i = range(0, n, 2)
    return [x, i], {}


def views(g):
    return [g.t()], {}


def method0(name):
    return lambda x: getattr(x, name)()


# op name -> (generator, call) ; call: 'fn' (torch.<name>, method, in-place and out= variants where torch has
# them) or a callable f(lib, *args, **kwargs) for calls that are not plain functions.
def _ns(lib, path):
    obj = lib
    for p in path.split(".")[:-1]:
        obj = getattr(obj, "nn").functional if p == "F" else getattr(obj, p)
    return getattr(obj, path.split(".")[-1])


SPECS = {}


def spec(gen, *names, call="fn"):
    for n in names:
        SPECS[n] = (gen, call)


spec(unary, *"""abs absolute neg negative positive sign sgn signbit floor ceil trunc fix frac square reciprocal
    exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh
    sigmoid erf erfc erfinv lgamma digamma i0 sinc deg2rad rad2deg angle conj conj_physical isnan isinf isfinite
    isposinf isneginf isreal logical_not bitwise_not relu clone msort fliplr flipud trace ravel t
    count_nonzero nonzero argwhere resolve_conj resolve_neg imag real""".split())
spec(unary_float, "F.gelu", "F.silu", "F.mish", "F.elu", "F.selu", "F.celu", "F.hardswish", "F.hardsigmoid",
     "F.softplus", "F.logsigmoid", "F.hardtanh", "F.relu6", "F.softsign", "F.tanhshrink")
spec(leaky, "F.leaky_relu")
spec(round_, "round")
spec(nan_to_num, "nan_to_num")
spec(binary_alpha, "add", "sub", "rsub")
spec(div, "div")
spec(binary, *"""mul true_divide floor_divide remainder fmod atan2 hypot copysign maximum minimum fmax fmin eq ne
    lt le gt ge logical_and logical_or logical_xor bitwise_and bitwise_or bitwise_xor bitwise_left_shift
    bitwise_right_shift xlogy heaviside nextafter ldexp logaddexp logaddexp2 gcd lcm float_power""".split())
spec(pow_, "pow")
spec(binary_tensor, "equal", "allclose")
spec(isclose, "isclose")
spec(ternary, "addcmul", "addcdiv")
spec(lerp, "lerp")
spec(where, "where")
spec(clamp, "clamp", "clip")
spec(clamp_one, "clamp_min", "clamp_max")
spec(reduce_dtype, "sum", "nansum", "prod", "mean", "nanmean")
spec(reduce_dims, "amax", "amin", "logsumexp", "all", "any")
spec(reduce_, "max", "min", "argmax", "argmin", "median", "nanmedian", "mode", "aminmax")
spec(var_like, "std", "var", "std_mean", "var_mean")
spec(reduce_req, "cummax", "cummin")
spec(dim_op_dtype, "cumsum", "cumprod")
spec(dim_op, "logcumsumexp")
spec(softmax, "softmax", "log_softmax")
spec(sort, "sort", "argsort")
spec(topk, "topk")
spec(kthvalue, "kthvalue")
spec(unique, "unique")
spec(flip, "flip")
spec(roll, "roll")
spec(tri, "tril", "triu")
spec(matrix, "diag", "diagflat")
spec(mm, "mm")
spec(matmul, "matmul")
spec(vec2, "dot", "vdot", "inner", "outer")
spec(cat, "cat")
spec(stack, "stack")
spec(seq_only, "hstack", "vstack", "dstack")
spec(gather, "gather")
spec(index_select, "index_select")
spec(scatter, "scatter", "scatter_add")
spec(index_add, "index_add")
spec(masked_fill, "masked_fill")
spec(take, "take")
spec(index_put, "index_put")
spec(norm, "norm")
spec(vector_norm, "linalg.vector_norm")
spec(hist, "histc")
spec(diff, "diff")
spec(repeat_, "tile")
spec(repeat_, "Tensor.repeat", call=lambda lib, x, r: x.repeat(*r))
spec(creation, "zeros", "ones", "empty")
spec(full, "full")
spec(like, "zeros_like", "ones_like", "empty_like")
spec(full_like, "full_like")
spec(arange, "arange")
spec(linspace, "linspace")
spec(conversions, "int()", call=lambda lib, x: int(x))
spec(conversions, "float()", call=lambda lib, x: float(x))
spec(conversions, "bool()", call=lambda lib, x: bool(x))
spec(conversions, "complex()", call=lambda lib, x: complex(x))
spec(conversions, "item", call=lambda lib, x: x.item())
spec(conversions, "tolist", call=lambda lib, x: x.tolist())
spec(index_read, "Tensor.__getitem__", call=lambda lib, x, i: x[i])
spec(views, "Tensor.contiguous", call=lambda lib, x: x.contiguous())
spec(views, "Tensor.to(dtype)", call=lambda lib, x: x.to(lib.float64))
spec(views, "Tensor.float", call=lambda lib, x: x.float())

