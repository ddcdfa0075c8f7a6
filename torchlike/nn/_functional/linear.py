"""nn.functional: linear and bilinear.

F.linear is the hot op of every MLP: it runs as one op-table entry (one XLA kernel, one VJP). PyTorch picks
addmm / mm / matmul+add / flattened addmm by shape and layout, which shows in `grad_fn`: F.linear runs the one
entry under the backward name PyTorch's dispatch would show (variants share the entry's kernel cache).
"""
from __future__ import annotations

import copy
import math

import jax.numpy as jnp

from ... import _autocast, _dtype as D
from ..._ops import dispatch
from ..._ops._registry import OPS, Op
from ..._tensor import Tensor

__all__ = ["linear", "bilinear"]

_C10 = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
        "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
        "bool": "bool", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _linear_fn(input, weight, bias=None):
    out = jnp.matmul(input, weight.T)
    if bias is not None:
        out = out + bias
    return out


def _bilinear_fn(input1, input2, weight, bias=None):
    out = jnp.einsum("...i,oij,...j->...o", input1, weight, input2)
    if bias is not None:
        out = out + bias
    return out


def _same(op, vals):
    d = vals[op.tensor_idx[0]].dtype
    return d, (d,)


def _entry(name, fn, tensors):
    op = OPS.get(name)
    if op is None:
        op = OPS[name] = Op(name, fn, tensors=tensors, dtype=_same, method=False, function=False)
    return op


def _variant(op, grad):
    """The entry recorded under another grad_fn name; the copy shares the entry's kernel cache."""
    v = copy.copy(op)
    v.grad_name = grad
    return v


_LINEAR = _entry("_nn_linear", _linear_fn, ("input", "weight", "bias"))
_ADDMM = _variant(_LINEAR, "AddmmBackward0")                 # 2-D input with bias
_MM = _variant(_LINEAR, "MmBackward0")                       # 2-D input, no bias
_VIEW = _variant(_LINEAR, "ViewBackward0")                   # other ranks, 1-D bias: flattened addmm
_UNSAFE_VIEW = _variant(_LINEAR, "UnsafeViewBackward0")      # >2-D input, no bias: folded mm
_SQUEEZE = _variant(_LINEAR, "SqueezeBackward4")             # 1-D input, no bias
_ADD = _variant(_LINEAR, "AddBackward0")                     # matmul then add_ (non-contiguous input...)
_BILINEAR = _entry("_nn_bilinear", _bilinear_fn, ("input1", "input2", "weight", "bias"))
_BIL_ADD = _variant(_BILINEAR, "AddBackward0")
_BIL_VIEW = _variant(_BILINEAR, "ViewBackward0")


def _arg_check(name, fname, pos, v, optional=False):
    if not isinstance(v, Tensor) and not (optional and v is None):
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be Tensor, not {type(v).__name__}")


def _expand_check(bias, target):
    """bias.expand(target) as addmm does it: PyTorch's message when it cannot."""
    bs = bias._size
    if len(bs) > len(target):
        raise RuntimeError(f"The expanded size of the tensor ({len(target)}) must be greater or equal to the number "
                           f"of dimensions in the tensor ({len(bs)})")
    for k in range(1, len(bs) + 1):
        if bs[-k] != 1 and bs[-k] != target[-k]:
            raise RuntimeError(f"The expanded size of the tensor ({target[-k]}) must match the existing size "
                               f"({bs[-k]}) at non-singleton dimension {len(target) - k}.  Target sizes: "
                               f"[{', '.join(map(str, target))}].  Tensor sizes: [{', '.join(map(str, bs))}]")


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias (torch.nn.functional.linear)."""
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor) or \
            (bias is not None and not isinstance(bias, Tensor)):
        _arg_check("input", "linear", 1, input)
        _arg_check("weight", "linear", 2, weight)
        _arg_check("bias", "linear", 3, bias, optional=True)
    if _autocast.ACTIVE:        # autocast region: PyTorch's policy (lower precision) before the dtype checks
        input, weight, bias = _autocast.cast("linear", input, weight, bias)
    nd, wd = len(input._size), len(weight._size)
    if nd == 0 or wd == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {nd}D and {wd}D")
    if wd != 2:
        out = input.matmul(weight.t())
        return out if bias is None else out + bias
    k = input._size[-1]
    m = math.prod(input._size[:-1])
    if k != weight._size[1]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and "
                           f"{weight._size[1]}x{weight._size[0]})")
    dt = input._dtype
    if weight._dtype is not dt:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_C10[dt.name]} != "
                           f"{_C10[weight._dtype.name]}")
    if dt is D.bool_:
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
    if bias is None:
        op = _MM if nd == 2 else (_SQUEEZE if nd == 1 else _UNSAFE_VIEW)
    else:
        if bias._dtype is not dt:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got {dispatch.scalar_name(bias._dtype)} "
                               f"and {dispatch.scalar_name(dt)}")
        if nd == 2:
            _expand_check(bias, (m, weight._size[0]))
            op = _ADDMM
        elif len(bias._size) == 1 and input._contig:
            _expand_check(bias, (m, weight._size[0]))
            op = _VIEW
        else:
            out_shape = input._size[:-1] + (weight._size[0],)
            try:
                full = jnp.broadcast_shapes(out_shape, bias._size)
            except ValueError:
                full = None
            if full != out_shape:
                return input.matmul(weight.t()).add_(bias)   # PyTorch's broadcast / in-place shape error
            op = _ADD
        return dispatch.run(op, [input, weight, bias], [input, weight, bias])
    return dispatch.run(op, [input, weight, None], [input, weight])


def bilinear(input1, input2, weight, bias=None):
    """y = x1^T A x2 + b over the last dims (torch.nn.functional.bilinear)."""
    _arg_check("input1", "bilinear", 1, input1)
    _arg_check("input2", "bilinear", 2, input2)
    _arg_check("weight", "bilinear", 3, weight)
    _arg_check("bias", "bilinear", 4, bias, optional=True)
    if _autocast.ACTIVE:
        input1, input2, weight, bias = _autocast.cast("bilinear", input1, input2, weight, bias)
    ts = [input1, input2, weight] + ([bias] if bias is not None else [])
    if any(t._dtype is not input1._dtype for t in ts):
        names = ["input1", "input2", "weight", "bias"]
        raise RuntimeError("All tensors must have the same dtype, got " +
                           ", ".join(f"{n}: {_C10[t._dtype.name]}" for n, t in zip(names, ts)))
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}")
    for i in range(input1.dim() - 1):
        if input1._size[i] != input2._size[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got {input1._size[i]} and "
                               f"{input2._size[i]}")
    if input1.size(-1) != weight.size(1):
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.size(-1)} but "
                           f"expected {weight.size(1)}")
    if input2.size(-1) != weight.size(2):
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.size(-1)} but "
                           f"expected {weight.size(2)}")
    if bias is not None and bias.size(0) != weight.size(0):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.size(0)} but expected "
                           f"{weight.size(0)}")
    if bias is None:
        return dispatch.run(_BIL_VIEW, [input1, input2, weight, None], [input1, input2, weight])
    return dispatch.run(_BIL_ADD, [input1, input2, weight, bias], ts)
