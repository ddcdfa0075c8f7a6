"""Pointwise ops: arithmetic, comparisons, bitwise/logical, unary math. One table entry each."""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype as D
from ._registry import defop, not_for, register, unsupported
from .dispatch import scalar_name

T2 = ("input", "other")


# --- arithmetic -----------------------------------------------------------------------------------------

def _alpha_check(i, o, alpha):
    """torch's add/sub: alpha must fit the result's category."""
    if hasattr(alpha, "_storage") and alpha.numel() == 1:
        alpha = alpha.item()
    if alpha == 1 and type(alpha) is int:
        return
    d = D.result_type(i, o)
    if isinstance(alpha, bool) and d is not D.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and d._category <= 1:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if isinstance(alpha, complex) and d._category <= 2:
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")


@register("add", tensors=T2, inplace=True, out=True, check=_alpha_check)
def _add(input, other, *, alpha=1):
    return input + other * alpha if alpha != 1 else input + other


@register("sub", tensors=T2, inplace=True, out=True, aliases=("subtract",), method_aliases=("subtract",),
          check=lambda i, o, alpha=1: (_no_bool_sub(i, o), _alpha_check(i, o, alpha)))
def _sub(input, other, *, alpha=1):
    return input - other * alpha if alpha != 1 else input - other


def _no_bool_sub(i, o):
    bi, bo = getattr(i, "dtype", None) is D.bool_, getattr(o, "dtype", None) is D.bool_ or isinstance(o, bool)
    if bi and bo:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if bi or bo:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")


@register("rsub", tensors=T2, method=False, check=lambda i, o, alpha=1: (_no_bool_sub(i, o), _alpha_check(i, o, alpha)))
def _rsub(input, other, *, alpha=1):
    return other - input * alpha if alpha != 1 else other - input


@register("mul", tensors=T2, inplace=True, out=True, aliases=("multiply",), method_aliases=("multiply",))
def _mul(input, other):
    return jnp.logical_and(input, other) if input.dtype == jnp.bool_ else input * other


def _div_rule(op, vals):
    r = D.result_type(vals[0], vals[1])
    if vals[2] is None and r._category <= 1:
        r = D.get_default_dtype()
    return r, (r,)


def _div_check(input, other, rounding_mode=None):
    if rounding_mode not in (None, "trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    if rounding_mode is not None and D.result_type(input, other)._category <= 1:
        if isinstance(other, (int, float)) and other == 0 or getattr(other, "dtype", None) is not None and \
                _has_zero(other):
            raise RuntimeError("ZeroDivisionError")


def _has_zero(t):
    return bool(np.any(np.asarray(t._value()) == 0))


@functools.cache
def _cpu_backend():
    """Whether JAX's default backend is the CPU: asked on first use (at import it would start the backend, and the
    DataLoader's fork server cannot fork once a backend runs)."""
    return jax.default_backend() == "cpu"


def _true_div(a, b):
    """a / b correctly rounded like PyTorch's: XLA:CPU's float32 division by a broadcast divisor can be off by one
    ulp, so float32 is divided in float64 (exact after rounding back) on the CPU."""
    a, b = jnp.asarray(a), jnp.asarray(b)
    if a.dtype == jnp.float32 and b.dtype == jnp.float32 and _cpu_backend():
        return (a.astype(jnp.float64) / b.astype(jnp.float64)).astype(jnp.float32)
    return a / b


@register("div", tensors=T2, dtype=_div_rule, inplace=True, out=True, aliases=("divide", "true_divide"),
          method_aliases=("divide", "true_divide"), check=_div_check)
def _div(input, other, *, rounding_mode=None):
    if rounding_mode is None:
        return _true_div(input, other)
    if jnp.issubdtype(input.dtype, jnp.integer):
        if rounding_mode == "trunc":
            a, b = jnp.broadcast_arrays(input, jnp.asarray(other, input.dtype))
            return lax.div(a, b)
        return jnp.floor_divide(input, other)
    q = input / other
    return jnp.trunc(q) if rounding_mode == "trunc" else _floor_div_float(input, other)


def _floor_div_float(a, b):
    # Python/torch floor division for floats: floor(a / b) corrected by the remainder's sign (like torch's div_floor)
    mod = jnp.fmod(a, b)
    div = (a - mod) / b
    div = jnp.where((mod != 0) & ((b < 0) != (mod < 0)), div - 1, div)
    floordiv = jnp.floor(div)
    floordiv = jnp.where(div - floordiv > 0.5, floordiv + 1, floordiv)
    return jnp.where(b == 0, a / b, jnp.where(div == 0, jnp.copysign(0.0, a / b), floordiv))


@register("floor_divide", tensors=T2, inplace=True, out=True, grad="NotImplemented", reject=not_for("bc", "div_floor_cpu"),
          check=lambda i, o: _int_zero_div(i, o))
def _floor_divide(input, other):
    if jnp.issubdtype(input.dtype, jnp.integer):
        return jnp.floor_divide(input, other)
    return _floor_div_float(input, other)


def _int_zero_div(i, o):
    if D.result_type(i, o)._category == 1 and (isinstance(o, (int, bool)) and o == 0 or
                                               hasattr(o, "dtype") and _has_zero(o)):
        raise RuntimeError("ZeroDivisionError")


@register("remainder", tensors=T2, inplace=True, out=True, reject=not_for("bc", "remainder_cpu"),
          check=lambda i, o: _int_zero_div(i, o))
def _remainder(input, other):
    return jnp.remainder(input, other)


@register("fmod", tensors=T2, inplace=True, out=True, reject=not_for("bc", "fmod_cpu"),
          check=lambda i, o: _int_zero_div(i, o))
def _fmod(input, other):
    return jnp.fmod(input, other)


def _pow_check(input, exponent):
    d = D.result_type(input, exponent)
    if d is D.bool_ and hasattr(exponent, "_storage"):      # bool ** Python number has a kernel (identity/ones)
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    if d._category == 1:
        neg = (isinstance(exponent, (int,)) and exponent < 0) or \
              (hasattr(exponent, "dtype") and exponent.dtype._category == 1 and bool(np.any(np.asarray(exponent._value()) < 0)))
        if neg:
            raise RuntimeError("Integers to negative integer powers are not allowed.")


@register("pow", tensors=("input", "exponent"), inplace=True, out=True, check=_pow_check)
def _pow(input, exponent):
    if jnp.issubdtype(input.dtype, jnp.integer):
        return lax.integer_pow(input, exponent) if isinstance(exponent, int) else jnp.power(input, exponent)
    return jnp.power(input, exponent)


@register("float_power", tensors=("input", "exponent"), inplace=True, out=True, inplace_exact=True,
          dtype=lambda op, v: ((D.complex128, (D.complex128,)) if D.result_type(v[0], v[1]).is_complex
                               else (D.float64, (D.float64,))))
def _float_power(input, exponent):
    return jnp.power(input, exponent)


@register("atan2", tensors=T2, tensor_only=("other",), dtype="float", inplace=True, out=True, reject=not_for("c", "atan2_cpu"), aliases=("arctan2",), method_aliases=("arctan2",))
def _atan2(input, other):
    return jnp.arctan2(input, other)


@register("hypot", tensors=T2, tensor_only=("other",), inplace=True, out=True, reject=not_for("bic", "hypot_cpu"))
def _hypot(input, other):
    return jnp.hypot(input, other)


@register("copysign", tensors=T2, dtype="float", inplace=True, out=True, reject=not_for("c", "copysign_cpu"))
def _copysign(input, other):
    return jnp.copysign(input, other)


@register("xlogy", tensors=("input", "other"), dtype="float", inplace=True, out=True, reject=not_for("c", "xlogy_cpu"))
def _xlogy(input, other):
    return jnp.where(jnp.isnan(other), other, jnp.where(input == 0, 0.0, input * jnp.log(other))).astype(input.dtype)


@register("maximum", tensors=T2, tensor_only=("other",), out=True, check=lambda i, o: _no_complex("maximum", i, o))
def _maximum(input, other):
    return jnp.maximum(input, other)


@register("minimum", tensors=T2, tensor_only=("other",), out=True, check=lambda i, o: _no_complex("minimum", i, o))
def _minimum(input, other):
    return jnp.minimum(input, other)


@register("fmax", tensors=T2, tensor_only=("other",), out=True,
          reject=unsupported("c", "fmax not implemented for complex tensors.", RuntimeError))
def _fmax(input, other):
    return jnp.fmax(input, other)


@register("fmin", tensors=T2, tensor_only=("other",), out=True,
          reject=unsupported("c", "fmin not implemented for complex tensors.", RuntimeError))
def _fmin(input, other):
    return jnp.fmin(input, other)


def _no_complex(name, *xs):
    for x in xs:
        if getattr(x, "dtype", None) is not None and x.dtype.is_complex:
            raise RuntimeError(f"{name} not implemented for complex tensors.")


@register("lerp", tensors=("input", "end", "weight"), inplace=True, out=True,
          check=lambda i, e, w: _same_dtype("lerp", i, e, w))
def _lerp(input, end, weight):
    w = weight
    return jnp.where(jnp.abs(w) < 0.5, input + w * (end - input), end - (end - input) * (1 - w))


def _same_dtype(name, x, *others):
    if x.dtype._category <= 1:          # lerp has floating/complex kernels only (checked on input's dtype)
        raise NotImplementedError(f'"lerp_kernel_{"tensor" if hasattr(others[-1], "_storage") else "scalar"}" '
                                  f"not implemented for '{scalar_name(x.dtype)}'")
    for o in others:
        if hasattr(o, "dtype") and o.dtype is not x.dtype:
            raise RuntimeError(f"expected dtype {x.dtype} for `end` but got dtype {o.dtype}")


@register("addcmul", tensors=("input", "tensor1", "tensor2"), inplace=True, out=True,
          reject=not_for("b", "addcmul_cpu_out"))
def _addcmul(input, tensor1, tensor2, *, value=1):
    return input + value * tensor1 * tensor2


@register("addcdiv", tensors=("input", "tensor1", "tensor2"), inplace=True, out=True, check=lambda i, a, b, value=1:
          _addcdiv_check(a, b))
def _addcdiv(input, tensor1, tensor2, *, value=1):
    return input + value * tensor1 / tensor2


def _addcdiv_check(a, b):
    if getattr(a, "dtype", D.float32)._category <= 1 and getattr(b, "dtype", D.float32)._category <= 1:
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
                           "for all dtypes.")


@register("where", tensors=("condition", "input", "other"), cast=("input", "other"), method=False, out=True,
          inplace_exact=True,
          check=lambda c, i=None, o=None: _where_check(c))
def _where(condition, input, other):
    return jnp.where(condition, input, other)


def _where_check(c):
    if getattr(c, "dtype", D.bool_) not in (D.bool_, D.uint8):
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{scalar_name(c.dtype)}")


def _clamp_check(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if input.dtype.is_complex:
        raise NotImplementedError("clamp is not supported for complex types")


@register("clamp", tensors=("input", "min", "max"), inplace=True, out=True, aliases=("clip",),
          method_aliases=("clip",), check=_clamp_check,
          grad=lambda v: "ClampBackward0" if hasattr(v[1], "_storage") or hasattr(v[2], "_storage") else "ClampBackward1")
def _clamp(input, min=None, max=None):
    out = input            # where-based so that the gradient at a bound is 1, as torch's
    if min is not None:
        out = jnp.where(out < min, min, out)
    if max is not None:
        out = jnp.where(out > max, max, out)
    return out


_NO_COMPLEX_CLAMP = unsupported("c", "clamp is not supported for complex types")


def _no_complex_clamp_bound(kernel):
    """clamp_min/clamp_max of complex: a tensor bound runs maximum/minimum's kernel, a number clamp's."""
    return unsupported("c", lambda v, d: f'"{kernel}" not implemented for \'{d}\'' if hasattr(v[1], "_storage")
                       else "clamp is not supported for complex types")


@register("clamp_min", tensors=("input", "min"), inplace=True, out=True, reject=_no_complex_clamp_bound("maximum_cpu"))
def _clamp_min(input, min):
    return jnp.where(jnp.isnan(input), input, jnp.maximum(input, min))


@register("clamp_max", tensors=("input", "max"), inplace=True, out=True, reject=_no_complex_clamp_bound("minimum_cpu"))
def _clamp_max(input, max):
    return jnp.where(jnp.isnan(input), input, jnp.minimum(input, max))


# --- comparisons ----------------------------------------------------------------------------------------

for _name, _f, _alias in (("eq", jnp.equal, ()), ("ne", jnp.not_equal, ("not_equal",)),
                          ("lt", jnp.less, ("less",)), ("le", jnp.less_equal, ("less_equal",)),
                          ("gt", jnp.greater, ("greater",)), ("ge", jnp.greater_equal, ("greater_equal",))):
    defop(_name, (lambda f: lambda input, other: f(input, other))(_f), tensors=T2, dtype="compare", inplace=True,
          out=True, differentiable=False, aliases=_alias, method_aliases=_alias,
          reject=not_for("c", _name + "_cpu") if _name in ("lt", "le", "gt", "ge") else ())


def _isclose_check(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{scalar_name(input.dtype)} did not match {scalar_name(other.dtype)}")
    for name, v in (("rtol", rtol), ("atol", atol)):
        if v < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {v}")


@register("isclose", tensors=T2, dtype="compare", differentiable=False, tensor_only=("other",),
          check=_isclose_check)
def _isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return jnp.isclose(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


# --- logical / bitwise ----------------------------------------------------------------------------------

for _name, _f in (("logical_and", jnp.logical_and), ("logical_or", jnp.logical_or),
                  ("logical_xor", jnp.logical_xor)):
    defop(_name, (lambda f: lambda input, other: f(input, other))(_f), tensors=T2, dtype="bool", inplace=True,
          out=True, differentiable=False, tensor_only=("other",))

defop("logical_not", lambda input: jnp.logical_not(input), dtype="bool", inplace=True, out=True,
      differentiable=False)

for _name, _f in (("bitwise_and", jnp.bitwise_and), ("bitwise_or", jnp.bitwise_or),
                  ("bitwise_xor", jnp.bitwise_xor), ("bitwise_left_shift", jnp.left_shift),
                  ("bitwise_right_shift", jnp.right_shift)):
    _shift = _name.endswith("shift")
    defop(_name, (lambda f: lambda input, other: f(input, other))(_f), tensors=T2, inplace=True, out=True,
          differentiable=False, reject=not_for("bfc" if _shift else "fc", (_name[8] + "shift_cpu") if _shift
                                               else _name + "_cpu"))

defop("bitwise_not", lambda input: jnp.invert(input), dtype="same", inplace=True, out=True, differentiable=False,
      reject=not_for("fc", "bitwise_not_cpu"))


# --- unary math -----------------------------------------------------------------------------------------

def _unary(name, f, dtype="float", grad=None, aliases=(), **kw):
    defop(name, (lambda g: lambda input: g(input))(f), dtype=dtype, inplace=True, out=True, grad=grad,
          aliases=aliases, method_aliases=aliases, **kw)


_UNARY_REJECT = {n: not_for("c", n + "_vml_cpu") for n in ("erf", "erfc", "erfinv", "lgamma", "i0")}
_UNARY_REJECT.update(digamma=not_for("c", "digamma"),
                     **{n: unsupported("c", n + " is not supported for complex tensors.", RuntimeError)
                        for n in ("deg2rad", "rad2deg")})

for _name, _f, _alias in (
        ("exp", jnp.exp, ()), ("exp2", jnp.exp2, ()), ("expm1", jnp.expm1, ()), ("log", jnp.log, ()),
        ("log2", jnp.log2, ()), ("log10", jnp.log10, ()), ("log1p", jnp.log1p, ()), ("sqrt", jnp.sqrt, ()),
        ("rsqrt", lax.rsqrt, ()), ("sin", jnp.sin, ()), ("cos", jnp.cos, ()), ("tan", jnp.tan, ()),
        ("asin", jnp.arcsin, ("arcsin",)), ("acos", jnp.arccos, ("arccos",)), ("atan", jnp.arctan, ("arctan",)),
        ("sinh", jnp.sinh, ()), ("cosh", jnp.cosh, ()), ("tanh", jnp.tanh, ()),
        ("asinh", jnp.arcsinh, ("arcsinh",)), ("acosh", jnp.arccosh, ("arccosh",)),
        ("atanh", jnp.arctanh, ("arctanh",)), ("sigmoid", jax.nn.sigmoid, ()),
        ("erf", jax.scipy.special.erf, ()), ("erfc", jax.scipy.special.erfc, ()),
        ("erfinv", jax.scipy.special.erfinv, ()), ("lgamma", jax.scipy.special.gammaln, ()),
        ("digamma", lambda x: jnp.where(x == 0, jnp.copysign(jnp.inf, -x), jax.scipy.special.digamma(x)), ()),
        ("i0", jax.scipy.special.i0, ()),
        ("sinc", jnp.sinc, ()), ("reciprocal", lambda x: 1 / x, ()), ("deg2rad", jnp.deg2rad, ()),
        ("rad2deg", jnp.rad2deg, ())):
    _unary(_name, _f, aliases=_alias, reject=_UNARY_REJECT.get(_name, ()))

def _logit(input, eps=None):
    x = input if eps is None else jnp.clip(input, eps, 1 - eps)
    # torch's gradient is NaN outside [0, 1] (JAX's would be finite there): 0 * sqrt(x (1 - x)) adds NaN only there
    return jax.scipy.special.logit(x) + 0 * jnp.sqrt(x * (1 - x))


defop("logit", _logit,
      dtype="float", inplace=True, out=True, reject=not_for("c", "logit_cpu"))

for _name, _f in (("floor", jnp.floor), ("ceil", jnp.ceil), ("trunc", jnp.trunc), ("frac", lambda x: x - jnp.trunc(x))):
    _unary(_name, (lambda g: lambda x: x if jnp.issubdtype(x.dtype, jnp.integer) else g(x))(_f), dtype="same",
           reject=not_for("bic", "frac_cpu") if _name == "frac" else
           (not_for("b", _name + "_vml_cpu"), unsupported("c", _name + " is not supported for complex inputs")))

defop("fix", lambda input: jnp.trunc(input), dtype="same", inplace=True, out=True, grad="TruncBackward0",
      reject=(not_for("b", "trunc_vml_cpu"), unsupported("c", "trunc is not supported for complex inputs")))


def _round_check(input, decimals=0):
    d = input.dtype
    if d._category in (0, 3) or decimals != 0 and d._category == 1:     # integers round only to 0 decimals
        raise NotImplementedError(f'"round_{"vml_" if decimals == 0 else ""}cpu" not implemented for '
                                  f"'{scalar_name(d)}'")


@register("round", dtype="same", inplace=True, out=True, check=_round_check)
def _round(input, *, decimals=0):
    if jnp.issubdtype(input.dtype, jnp.integer):
        return input
    if decimals == 0:
        return jnp.round(input)
    return jnp.round(input, decimals)


@register("abs", dtype="real", inplace=True, out=True, aliases=("absolute",), method_aliases=("absolute",),
          reject=not_for("b", "abs_cpu"), inplace_reject=unsupported(
              "c", "In-place abs is not supported for complex tensors.", RuntimeError))
def _abs(input):
    if jnp.issubdtype(input.dtype, jnp.floating):
        return input * jnp.sign(input)      # |x| whose gradient at 0 is 0, as torch's (sgn(x))
    return jnp.abs(input)


_unary("neg", jnp.negative, dtype="same", aliases=("negative",),
       check=lambda i: _bool_neg(i))


def _bool_neg(i):
    if i.dtype is D.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert "
                           "a mask, use the `~` or `logical_not()` operator instead.")


def _sign(x):
    """torch's sign: (x > 0) - (x < 0), so NaN and -0.0 give 0 (complex: sgn, x / |x|)."""
    if x.dtype == jnp.bool_:
        return x
    if jnp.issubdtype(x.dtype, jnp.floating):
        return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)
    return jnp.sign(x)


def _square_rule(op, vals):
    d = D.int64 if vals[0].dtype is D.bool_ else vals[0].dtype
    return d, (d,)


def _no_bool_pos(i):
    if i.dtype is D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")


_unary("sign", _sign, dtype="same", reject=unsupported(
    "c", "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn instead."))
_unary("sgn", _sign, dtype="same")
_unary("square", jnp.square, dtype=_square_rule)
defop("positive", lambda input: input, dtype="same", check=_no_bool_pos, method=False,
      function=False)      # torch.positive / Tensor.positive return the input itself (views.positive)
defop("signbit", lambda input: jnp.signbit(input), dtype="bool", out=True, differentiable=False,
      reject=unsupported("c", "signbit is not implemented for complex tensors."))


def _relu_check(i):
    if i.dtype is D.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")


@register("relu", dtype="same", inplace=True, check=_relu_check, reject=_NO_COMPLEX_CLAMP)
def _relu(input):
    # gradient 0 at 0 and NaN kept, as torch
    return jnp.where((input > 0) | jnp.isnan(input), input, jnp.zeros((), input.dtype))


for _name, _f in (("isnan", jnp.isnan), ("isinf", jnp.isinf), ("isfinite", jnp.isfinite),
                  ("isposinf", jnp.isposinf), ("isneginf", jnp.isneginf), ("isreal", jnp.isreal)):
    defop(_name, (lambda g: lambda input: g(input))(_f), dtype="bool", differentiable=False,
          out=_name in ("isposinf", "isneginf"),
          reject=unsupported("c", _name + " does not support complex inputs.", RuntimeError)
          if _name in ("isposinf", "isneginf") else ())


@register("nan_to_num", dtype="same", inplace=True, out=True)
def _nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    if not jnp.issubdtype(input.dtype, jnp.inexact):
        return input
    return jnp.nan_to_num(input, nan=nan, posinf=posinf, neginf=neginf)


def _heaviside_check(i, v):
    if isinstance(v, type(i)) and v.dtype is not i.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")


@register("heaviside", tensors=("input", "values"), tensor_only=("values",), out=True, inplace=True, check=_heaviside_check,
          grad="NotImplemented",
          reject=unsupported("c", "heaviside is not yet implemented for complex tensors.", RuntimeError))
def _heaviside(input, values):
    return jnp.where(input == 0, values, (input > 0).astype(input.dtype))


@register("gcd", tensors=T2, tensor_only=("other",), out=True, inplace=True, differentiable=False, reject=not_for("bfc", "gcd_cpu"))
def _gcd(input, other):
    return jnp.gcd(input, other)


@register("lcm", tensors=T2, tensor_only=("other",), out=True, inplace=True, differentiable=False, reject=not_for("bfc", "lcm_cpu"))
def _lcm(input, other):
    return jnp.lcm(input, other)


@register("conj", dtype="same", method=False, function=False)     # real inputs: views.conj returns them
def _conj(input):
    return jnp.conj(input) if jnp.iscomplexobj(input) else input


defop("conj_physical", lambda input: jnp.conj(input) if jnp.iscomplexobj(input) else input, dtype="same",
      inplace=True, out=True, grad="ConjPhysicalBackward0")


@register("angle", dtype=lambda op, v: ((v[0].dtype, (v[0].dtype.to_real(),)) if v[0].dtype._category >= 2
                                       else (D.get_default_dtype(), (D.get_default_dtype(),))), out=True)
def _angle(input):
    return jnp.angle(input) if jnp.iscomplexobj(input) else jnp.where(jnp.isnan(input), input,
                                                                      jnp.where(input < 0, jnp.pi, 0.0))


# --- casts and copies (internal entries used by Tensor.to / clone / reshape) ----------------------------

@register("_to_copy", dtype="keep", method=False, function=False, grad="ToCopyBackward0")
def _to_copy(input, dtype=None):
    if dtype.np is None:
        raise D.no_storage_error(dtype)
    if dtype._category == 1 and jnp.issubdtype(input.dtype, jnp.floating) and dtype is not D.int64:
        return input.astype(jnp.int64).astype(dtype.np)   # float -> narrow int wraps like torch's C cast
    return input.astype(dtype.np)


@register("clone", dtype="same")
def _clone(input, *, memory_format=None):
    return input


@register("_reshape_copy", dtype="same", method=False, function=False, grad="UnsafeViewBackward0")
def _reshape_copy(input, shape):
    return input.reshape(shape)


@register("contiguous_copy", dtype="same", method=False, function=False, grad="CloneBackward0")
def _contiguous_copy(input):
    return input
