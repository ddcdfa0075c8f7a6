"""torch dtypes, the default dtype and PyTorch's type-promotion rules (not NumPy's/JAX's)."""
from __future__ import annotations

import math

import numpy as np

try:  # bfloat16 for NumPy comes with JAX
    import ml_dtypes
    _BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover
    _BF16 = None

__all__ = ["dtype", "get_default_dtype", "set_default_dtype", "promote_types", "result_type"]


class dtype:
    """A torch dtype: `torchlike.float32` prints as `torch.float32`."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed",
                 "_category", "_rank", "_legacy")

    def __init__(self, name, np_dtype, category, rank, legacy):
        self.name = name
        self.np = np.dtype(np_dtype) if np_dtype is not None else None
        self.itemsize = self.np.itemsize if self.np is not None else 0
        self.is_floating_point = category == 2
        self.is_complex = category == 3
        self.is_signed = name not in ("uint8", "bool", "uint16", "uint32", "uint64")
        self._category = category  # 0 bool, 1 integer, 2 floating, 3 complex
        self._rank = rank
        self._legacy = legacy      # e.g. 'FloatTensor'

    def __repr__(self):
        return "torch." + self.name

    __str__ = __repr__

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return {"complex32": float16, "complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self):
        return {"float64": complex128, "complex128": complex128}.get(self.name, complex64)

    @property
    def is_integral(self):
        return self._category <= 1


def _by_name(name):
    return _NAMES[name]


bool_ = dtype("bool", np.bool_, 0, 0, "BoolTensor")
uint8 = dtype("uint8", np.uint8, 1, 1, "ByteTensor")
int8 = dtype("int8", np.int8, 1, 1, "CharTensor")
int16 = dtype("int16", np.int16, 1, 2, "ShortTensor")
int32 = dtype("int32", np.int32, 1, 3, "IntTensor")
int64 = dtype("int64", np.int64, 1, 4, "LongTensor")
float16 = dtype("float16", np.float16, 2, 1, "HalfTensor")
bfloat16 = dtype("bfloat16", _BF16, 2, 1, "BFloat16Tensor")
float32 = dtype("float32", np.float32, 2, 2, "FloatTensor")
float64 = dtype("float64", np.float64, 2, 3, "DoubleTensor")
complex64 = dtype("complex64", np.complex64, 3, 2, "ComplexFloatTensor")
complex128 = dtype("complex128", np.complex128, 3, 3, "ComplexDoubleTensor")

# Bit-width unsigned and float8 dtypes: PyTorch 2.13 creates, casts, copies and prints them, but promotes them
# with no other dtype (and implements few kernels for them).
uint16 = dtype("uint16", np.uint16, 1, 1, None)
uint32 = dtype("uint32", np.uint32, 1, 1, None)
uint64 = dtype("uint64", np.uint64, 1, 1, None)
_F8 = {n: getattr(ml_dtypes, n, None) if _BF16 is not None else None
       for n in ("float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz")}
float8_e4m3fn = dtype("float8_e4m3fn", _F8["float8_e4m3fn"], 2, 0, None)
float8_e5m2 = dtype("float8_e5m2", _F8["float8_e5m2"], 2, 0, None)
float8_e4m3fnuz = dtype("float8_e4m3fnuz", _F8["float8_e4m3fnuz"], 2, 0, None)
float8_e5m2fnuz = dtype("float8_e5m2fnuz", _F8["float8_e5m2fnuz"], 2, 0, None)
# ComplexHalf: PyTorch 2.13 calls it experimental; torchlike has the dtype object (libraries name it in dtype checks)
# but no storage for it, so making a tensor of it raises.
complex32 = dtype("complex32", None, 3, 1, None)
complex32.itemsize = 4


def no_storage_error(d):
    """The error for making a tensor of a dtype that has no array type here (complex32)."""
    return RuntimeError(f"torchlike cannot store {d} tensors: the dtype exists, its kernels do not")

RESTRICTED = frozenset((uint16, uint32, uint64, float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz))
FLOAT8 = frozenset((float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz))

ALL = (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128)
EXTRA = (uint16, uint32, uint64, float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz)
_NAMES = {d.name: d for d in ALL + EXTRA + (complex32,)}
_NAMES["bool"] = bool_
_BY_NP = {d.np: d for d in ALL + EXTRA if d.np is not None}
BY_LEGACY = {d._legacy: d for d in ALL if d._legacy is not None}

# public aliases, as torch names them
ALIASES = {
    "float": float32, "double": float64, "half": float16, "long": int64, "int": int32, "short": int16,
    "cfloat": complex64, "cdouble": complex128, "bool": bool_, "chalf": complex32,
}

_default = float32


def get_default_dtype():
    return _default


def set_default_dtype(d):
    global _default
    if not isinstance(d, dtype) or d not in (float16, bfloat16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default = d


def default_complex():
    return complex128 if _default is float64 else complex64


def from_numpy_dtype(npd):
    npd = np.dtype(npd)
    try:
        return _BY_NP[npd]
    except KeyError:
        raise TypeError(f"can't convert np.ndarray of type numpy.{npd.name}. The only supported types are: "
                        "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool.")


def to_dtype(d):
    """Accept a torch dtype, a NumPy dtype, a Python type, or a string name."""
    if isinstance(d, dtype):
        return d
    if d is None:
        return None
    if d is float:
        return float64
    if d is int:
        return int64
    if d is bool:
        return bool_
    if d is complex:
        return complex128
    if isinstance(d, str):
        name = d[6:] if d.startswith("torch.") else d
        if name in _NAMES:
            return _NAMES[name]
        if name in ALIASES:
            return ALIASES[name]
    return from_numpy_dtype(d)


def dtype_arg(d, fname):
    """A user's dtype= argument, as torch's argument parser takes it: a torch.dtype or a Python type
    (float/int/bool/complex); a string or a NumPy type is torch's TypeError."""
    if d is None or isinstance(d, dtype):
        return d
    if d in (float, int, bool, complex):
        return to_dtype(d)
    raise TypeError(f"{fname}(): argument 'dtype' must be torch.dtype, not {type(d).__name__}")


def promote_types(a: dtype, b: dtype) -> dtype:
    """torch.promote_types."""
    if a is b:
        return a
    if a in RESTRICTED or b in RESTRICTED:
        kind = "Float8 Types" if a in FLOAT8 or b in FLOAT8 else "uint16, uint32, uint64 types"
        raise RuntimeError(f"Promotion for {kind} is not supported, attempted to promote {scalar_type_name(a)} "
                           f"and {scalar_type_name(b)}")
    ca, cb = a._category, b._category
    if ca != cb:
        hi, lo = (a, b) if ca > cb else (b, a)
        if hi._category == 3 and lo._category == 2:       # complex with a wider float
            return complex128 if lo is float64 or hi is complex128 else complex64
        return hi
    if ca == 2:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a._rank > b._rank else b
    if ca == 3:
        return complex128
    # integers: uint8 with a signed type needs the next wider signed type
    if a is uint8 or b is uint8:
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return a if a._rank > b._rank else b


def scalar_dtype(v):
    """The dtype torch gives a Python number when it takes part in an op ("wrapped number")."""
    if isinstance(v, bool):
        return bool_
    if isinstance(v, int):
        return int64
    if isinstance(v, float):
        return _default
    if isinstance(v, complex):
        return default_complex()
    return from_numpy_dtype(np.asarray(v).dtype)


def _combine(higher, lower):
    """c10's combine_categories for result_type."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._category == 3:
        return higher
    if lower._category == 3:
        return higher.to_complex() if higher._category == 2 else lower
    if higher._category == 2:
        return higher
    if higher is bool_ or lower._category == 2:
        return promote_types(higher, lower)
    return higher


def result_type(*operands) -> dtype:
    """torch.result_type over tensors (dimensioned / zero-dim) and Python scalars.

    `operands` items are either Tensor-like objects with `.dtype` and `.dim()` or Python numbers.
    """
    dim_r = zero_r = wrapped_r = None
    for o in operands:
        if o is None:
            continue
        d = getattr(o, "dtype", None)
        if isinstance(d, dtype):
            if o.dim() > 0:
                dim_r = d if dim_r is None else promote_types(dim_r, d)
            else:
                zero_r = d if zero_r is None else promote_types(zero_r, d)
        else:
            sd = scalar_dtype(o)
            # wrapped numbers only contribute their category: float -> default dtype etc.
            wrapped_r = sd if wrapped_r is None else promote_types(wrapped_r, sd)
    return _combine(dim_r, _combine(zero_r, wrapped_r))


_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
                 "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                 "complex64": "ComplexFloat", "complex128": "ComplexDouble", "uint16": "UInt16", "uint32": "UInt32",
                 "uint64": "UInt64", "float8_e4m3fn": "Float8_e4m3fn", "float8_e5m2": "Float8_e5m2",
                 "float8_e4m3fnuz": "Float8_e4m3fnuz", "float8_e5m2fnuz": "Float8_e5m2fnuz"}


def scalar_type_name(d):
    """c10's ScalarType name ('Float', 'UInt16', ...)."""
    return _SCALAR_NAMES[d.name]


def _fmt(v):
    """torch.finfo/iinfo repr numbers: '%g'-like with 6 significant digits."""
    return f"{v:.6g}"


class finfo:
    """torch.finfo(dtype): the numerical properties of a floating-point dtype (of the real part for complex)."""

    def __init__(self, type=None):  # noqa: A002 - torch's argument name
        d = get_default_dtype() if type is None else to_dtype(type)
        if d._category == 3:
            d = d.to_real()
        if d._category != 2:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        fi = ml_dtypes.finfo(d.np) if d.np.kind == "V" or d is bfloat16 else np.finfo(d.np)
        self.bits = int(fi.bits)
        self.eps = float(fi.eps) if d is not float8_e5m2fnuz else 0.125     # c10's numeric_limits value
        self.max = float(fi.max)
        self.min = float(fi.min)
        self.tiny = self.smallest_normal = float(fi.smallest_normal)
        self.resolution = float(10.0 ** -math.floor(-math.log10(float(fi.eps))))
        self.dtype = d.name

    def __repr__(self):
        return (f"finfo(resolution={_fmt(self.resolution)}, min={_fmt(self.min)}, max={_fmt(self.max)}, "
                f"eps={_fmt(self.eps)}, smallest_normal={_fmt(self.smallest_normal)}, tiny={_fmt(self.tiny)}, "
                f"dtype={self.dtype})")

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))


class iinfo:
    """torch.iinfo(dtype): the limits of an integer dtype."""

    def __init__(self, type):  # noqa: A002
        d = to_dtype(type)
        if d._category != 1:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        ii = np.iinfo(d.np)
        self.bits, self.min, self.max, self.dtype = int(ii.bits), int(ii.min), int(ii.max), d.name

    def __repr__(self):
        return f"iinfo(min={_fmt(self.min)}, max={_fmt(self.max)}, dtype={self.dtype})"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))
