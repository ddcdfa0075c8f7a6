"""torch's dtype checks on an `out=` tensor, per op: many kernels refuse an out tensor of another dtype instead of
casting into it (structured kernels want exactly the result dtype, TensorIterator unary ops want the input's,
predicates want bool). `mark(OPS)` sets `op.out_check(result_dtype, out_dtype, input_dtype)`; dispatch runs it
before writing (and before a missing-kernel error, as torch checks the out tensor first)."""
from __future__ import annotations

from .. import _dtype as D

_TORCH = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
          "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
          "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_CPP = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
        "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
        "bool": "bool", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _n(d):
    return _TORCH[d.name]


def exact(res, out, inp):
    """Structured kernels: the out tensor must have the result's dtype."""
    if out is not res:
        raise RuntimeError(f"Expected out tensor to have dtype {_CPP[res.name]}, but got {_CPP[out.name]} instead")


def same(res, out, inp):
    """TensorIterator ops that check all operands share one dtype (no promotion, no cast into out; abs of a
    complex input may also write into a complex out)."""
    if out is not res and not (out is inp and inp._category == 3):
        raise RuntimeError(f"Found dtype {_n(out)} but expected {_n(res)}")


def _bool_out(name):
    def check(res, out, inp):
        if out is not D.bool_:
            raise RuntimeError(f"{name} does not support non-boolean outputs.")
    return check


def _all_any(name):
    def check(res, out, inp):
        if out is not D.bool_ and out is not D.uint8:
            raise RuntimeError(f"{name} only supports bool tensor for result, got: {_n(out)}")
    return check


def _scalar_bounds(check):
    """clamp/clip: the unary overload (Python-number bounds) checks; tensor bounds make it a cast-allowing op."""
    def wrapped(res, out, inp, args, kwargs):
        if not any(hasattr(v, "_dtype") for v in tuple(args[1:]) + tuple(kwargs.values())):
            check(res, out, inp)
    wrapped.wants_arguments = True
    wrapped.after_op_errors = True
    return wrapped


def _where(res, out, inp, args, kwargs):
    """where(cond, input, other, out=): torch has no Scalar overloads with out=."""
    names = ("condition", "input", "other")
    for i, n in enumerate(names[1:], 1):
        v = args[i] if i < len(args) else kwargs.get(n)
        if v is not None and not hasattr(v, "_dtype"):
            raise TypeError(f"where(): argument '{n}' (position {i + 1}) must be Tensor, not {type(v).__name__}")


_where.wants_arguments = True


def _as_input(message):
    """The out tensor must have the input's dtype (message formatted with inp / out names)."""
    def check(res, out, inp):
        if inp is not None and out is not inp:
            raise RuntimeError(message.format(inp=_n(inp), out=_n(out)))
    return check


_TABLE = {
    **dict.fromkeys("mm bmm addmm matmul mv addmv triu tril msort diag gather take_along_dim cross renorm "
                    "index_add scatter".split(), exact),
    **dict.fromkeys("abs absolute neg negative floor ceil round trunc fix frac sign sgn bitwise_not "
                    "conj_physical".split(), same),
    **dict.fromkeys(("clamp", "clip"), _scalar_bounds(same)),
    **{n: _bool_out(n) for n in ("isposinf", "isneginf", "signbit")},
    **{n: _all_any(n) for n in ("all", "any")},
    **dict.fromkeys(("amax", "amin"), _as_input("Expected the dtype for input and out to match, but got {inp} for "
                                                "input's dtype and {out} for out's dtype.")),
    **dict.fromkeys(("dot", "vdot"), _as_input("result dtype {out} does not match input dtype {inp}")),
    "index_select": _as_input("index_select(): self and result must have the same scalar type"),
    "masked_select": _as_input("masked_select(): self and result must have the same scalar type"),
    "take": _as_input("take(): self and out expected to have the same dtype, but got self.dtype = {inp} and "
                      "out.dtype = {out}"),
    "nan_to_num": _as_input("nan_to_num: dtype of out: {out} should be same as input: {inp}"),
    "logcumsumexp": _as_input("expected scalar_type {inp} but found {out}"),
    "where": _where,
}


def mark(ops):
    for name, check in _TABLE.items():
        op = ops.get(name)
        if op is not None and op.out:
            op.out_check = check


def run(op, result, out, args, kwargs, failed=False):
    """Apply `op`'s out= dtype check: `result` is the result dtype, `out` the out= argument (tensor or tuple),
    args/kwargs the call's arguments (the input's dtype is the first tensor's); failed: the op itself refused the
    dtype (NotImplementedError), and this check runs only if torch does it first."""
    check = getattr(op, "out_check", None)
    if check is None or result is None or (failed and getattr(check, "after_op_errors", False)):
        return
    o = out[0] if isinstance(out, (tuple, list)) and out else out
    od = getattr(o, "_dtype", None)
    if od is None:
        return
    inp = next((getattr(a, "_dtype") for a in tuple(args) + tuple(kwargs.values()) if hasattr(a, "_dtype")), None)
    if getattr(check, "wants_arguments", False):
        check(result, od, inp, args, kwargs)
    else:
        check(result, od, inp)
