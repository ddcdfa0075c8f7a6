"""Which op-table results follow an input's memory layout, and how (TensorIterator's rule for elementwise ops,
empty_like's preserve_format rule for copies). Dispatch calls `relayout` only when some input is not contiguous
(or a copy names a memory_format)."""
from __future__ import annotations

from .. import _layout
from .._tensor import Tensor

# elementwise (TensorIterator) ops: the result's strides follow the operands' stride order
_ELEMENTWISE = set("""
add sub mul div floor_divide remainder fmod pow float_power atan2 hypot copysign xlogy maximum minimum fmax fmin
lerp addcmul addcdiv where clamp clamp_min clamp_max eq ne lt le gt ge isclose logical_and logical_or logical_xor
logical_not bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift bitwise_not exp exp2 expm1 log
log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh sigmoid erf erfc erfinv
lgamma digamma i0 sinc reciprocal deg2rad rad2deg logit floor ceil trunc frac fix round abs neg sign sgn square
signbit relu isnan isinf isfinite isposinf isneginf isreal heaviside gcd lcm angle
hardtanh leaky_relu elu selu celu gelu silu mish hardsigmoid hardswish softplus softshrink hardshrink threshold prelu
logaddexp logaddexp2 ldexp frexp nextafter polygamma complex polar conj_physical
special_airy_ai special_bessel_j0 special_bessel_j1 special_bessel_y0 special_bessel_y1 special_modified_bessel_i0
special_modified_bessel_i1 special_modified_bessel_k0 special_modified_bessel_k1 special_scaled_modified_bessel_k0
special_scaled_modified_bessel_k1 special_spherical_bessel_j0 special_entr special_erfcx special_i0e special_i1
special_i1e special_log_ndtr special_ndtri special_ndtr special_round special_xlog1py special_zeta
mse_loss smooth_l1_loss huber_loss binary_cross_entropy soft_margin_loss
""".split())
_REVERSED = {"rsub"}                  # rsub(a, b) is sub(b, a): b's layout decides ties
_COPIES = {"clone", "_to_copy", "nan_to_num"}       # empty_like(input, memory_format) then a copy / kernel
# results allocated empty_like(input) (preserve_format), or a clone of the input written into
_LIKE = {"flip", "fliplr", "flipud", "sort", "argsort", "msort", "index_fill", "put"}
_CAT = {"roll"}                 # built by cat of slices: the input's suggested memory format (channels-last) survives
# ops whose Python-number arguments become 0-d operands of the TensorIterator (wrapped scalars); others (clamp,
# pow, lerp ...) take them as kernel constants
_WRAPPED_SCALARS = set("""add sub mul div floor_divide remainder fmod copysign xlogy eq ne lt le gt ge rsub where
bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift""".split())


def mark(ops):
    for name, op in ops.items():
        if name in _ELEMENTWISE:
            op.layout = "ew"
        elif name in _REVERSED:
            op.layout = "rev"
        elif name in _COPIES:
            op.layout = "copy"
        elif name in _LIKE:
            op.layout = "like"
        elif name in _CAT:
            op.layout = "cat"
        elif name == "diff":
            op.layout = "diff"


def relayout(op, vals, tensors, out):
    """Give the fresh result(s) `out` of `op` the strides PyTorch gives them."""
    first = out[0] if isinstance(out, tuple) else out
    if not isinstance(first, Tensor):
        return out
    if op.layout == "copy":
        src = tensors[0]
        fmt = vals[op.index["memory_format"]] if "memory_format" in op.index else None
        if fmt is None and src._stride == first._stride:
            return out
        stride = _layout.preserve_strides(src._size, src._stride, fmt)
    elif op.layout == "like":
        stride = _layout.preserve_strides(tensors[0]._size, tensors[0]._stride)
    elif op.layout == "cat":
        if vals[op.index["dims"]] in (None, (), []):
            return out                  # flattened, rolled, viewed back: contiguous
        stride = _layout.format_strides(first._size, _layout.suggest_memory_format(first._size, tensors[0]._stride))
    elif op.layout == "diff":
        stride = _diff_strides(op, vals, tensors) if vals[op.index["n"]] else \
            _layout.preserve_strides(tensors[0]._size, tensors[0]._stride)          # n=0: a clone
    else:
        shape = first._size
        operands = tuple((t._size, t._stride) for t in (reversed(tensors) if op.layout == "rev" else tensors))
        if any(s != shape and len(s) > len(shape) for s, _ in operands):
            return out                 # not an elementwise result of these operands (a reduced loss ...)
        scalars = op.name in _WRAPPED_SCALARS and any(
            not isinstance(vals[i], (Tensor, tuple)) and vals[i] is not None for i in op.tensor_idx)
        stride = _layout.elementwise_strides(shape, operands, scalars)
    for o in (out if isinstance(out, tuple) else (out,)):
        if isinstance(o, Tensor) and o._size == first._size:
            _layout.restride(o, stride)
    return out


def follow(fresh, result):
    """Give the fresh contiguous tensor `fresh` (result's values) result's strides when they are dense."""
    if _layout.is_non_overlapping_and_dense(result._size, result._stride):
        _layout.restride(fresh, result._stride)
    return fresh


def _diff_strides(op, vals, tensors):
    """torch.diff: cat(prepend, input, append) when given, then n rounds of narrow(1..) - narrow(..-1): each an
    elementwise result of two views with the strides of the previous result."""
    x = vals[0]
    n, dim = vals[op.index["n"]], vals[op.index["dim"]] % max(x.dim(), 1)
    size = list(x._size)
    extra = [t for t in tensors[1:] if t is not None]
    if extra:
        for t in extra:
            size[dim] += t._size[dim] if t.dim() else 1
        fmt = {_layout.suggest_memory_format(t._size, t._stride) for t in tensors}
        stride = _layout.format_strides(tuple(size), fmt.pop() if len(fmt) == 1 else None)
    else:
        stride = x._stride
    for _ in range(n):
        if size[dim] == 0:
            break
        size[dim] -= 1
        shape = tuple(size)
        stride = _layout.elementwise_strides(shape, ((shape, tuple(stride)), (shape, tuple(stride))))
    return stride
