"""Factories: tensor/as_tensor/from_numpy, zeros/ones/full/empty(_like), new_*, eye, arange, linspace, logspace."""
from __future__ import annotations

import functools
import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device, _dtype as D, _layout
from .._size import Size
from .._storage import Storage, device_copy
from .._tensor import Tensor, from_array
from . import scalar_fit


def _size_args(size, kw=None, name="empty"):
    if kw is not None:
        size = (kw,)
    if not size:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"empty(): argument 'size' (position 1) must be tuple of ints, but found element of type "
                            f"{type(s).__name__} at pos 0")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: [{', '.join(map(str, size))}]")
        out.append(int(s))
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _factory(kind, shape, npdtype, dev, extra):
    sharding = jax.sharding.SingleDeviceSharding(_device.jax_device(dev))
    if kind == "full":
        fn = lambda v: jnp.full(shape, v, npdtype)  # noqa: E731
    elif kind == "eye":
        fn = lambda: jnp.eye(shape[0], shape[1], dtype=npdtype)  # noqa: E731
    elif kind == "arange":
        start, step = extra
        fn = lambda: (start + step * jnp.arange(shape[0], dtype=np.float64 if isinstance(step, float) or  # noqa
                                                 isinstance(start, float) else np.int64)).astype(npdtype)
    else:
        raise ValueError(kind)
    return jax.jit(fn, out_shardings=sharding)


def _finish(arr, dtype, dev, requires_grad):
    t = from_array(arr, dtype, dev)
    if requires_grad:
        t.requires_grad = True
    return t


def _resolve(dtype, device, default=None, name="full"):
    dt = D.dtype_arg(dtype, name) if dtype is not None else (default or D.get_default_dtype())
    return dt, _device.canonical(device)


def like_layout(input, t, memory_format):
    """The fresh tensor `t` made for input: given the strides empty_like(input, memory_format=...) gives."""
    if memory_format is None and input._contig:
        return t
    return _layout.restride(t, _layout.preserve_strides(input._size, input.stride(), memory_format))


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None and isinstance(out, Tensor):
        dt, dev = _resolve(out._dtype, device)            # torch fills out in its own dtype
    else:
        dt, dev = _resolve(dtype, device, D.scalar_dtype(fill_value) if dtype is None else None)
    scalar_fit.check(dt, fill_value)
    shape = _size_args((size,))
    arr = _factory("full", shape, dt.np, dev, None)(fill_value)
    return _out(out, _finish(arr, dt, dev, requires_grad), dtype)


def _out(out, t, dtype=None):
    """Write a factory's result into `out=`: an explicit dtype= must be out's (torch's argument parser check)."""
    if out is None:
        return t
    if dtype is not None and isinstance(out, Tensor) and D.to_dtype(dtype) is not out._dtype:
        from .dispatch import scalar_name
        raise RuntimeError(f"dtype {scalar_name(D.to_dtype(dtype))} does not match dtype of out parameter "
                           f"({scalar_name(out._dtype)})")
    from .dispatch import write_out
    return write_out(out, t)


def zeros(*args, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False, size=None):
    D.dtype_arg(dtype, "zeros")
    return full(_size_args(args, size, name="zeros"), 0, out=out, device=device,
                dtype=dtype or (None if isinstance(out, Tensor) else D.get_default_dtype()),
                requires_grad=requires_grad)


def ones(*args, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False, size=None):
    D.dtype_arg(dtype, "ones")
    return full(_size_args(args, size, name="ones"), 1, out=out, device=device,
                dtype=dtype or (None if isinstance(out, Tensor) else D.get_default_dtype()),
                requires_grad=requires_grad)


def empty(*args, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False,
          memory_format=None, size=None):
    t = zeros(_size_args(args, size, name="empty"), out=out, dtype=dtype, device=device, requires_grad=requires_grad)
    if memory_format is not None and memory_format is not _layout.contiguous_format:
        if memory_format is _layout.preserve_format:
            raise RuntimeError("unsupported memory format Preserve")
        _layout.restride(t, _layout.format_strides(t._size, memory_format))
    return t


def _like(fn):
    def like(input, *args, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None, **kw):
        if "out" in kw:
            raise TypeError(f"{fn.__name__}_like() got an unexpected keyword argument 'out'")
        t = fn(input._size, *args, dtype=dtype or input.dtype, device=device or input.device,
               requires_grad=requires_grad, **kw)
        return like_layout(input, t, memory_format)
    like.__name__ = fn.__name__ + "_like"
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
full_like = _like(full)


def _new(fn):
    def new(self, *args, size=None, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
        if size is not None:  # new_ones(size=(2, 3)), as PyTorch's signature names the size argument
            if args:
                raise TypeError(f"new_{fn.__name__}() got multiple values for argument 'size'")
            args = (size,)
        return fn(*args, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)
    new.__name__ = "new_" + fn.__name__
    return new


new_zeros = _new(zeros)
new_ones = _new(ones)
new_empty = _new(empty)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
                      "sourceTensor.clone().detach().requires_grad_(True), rather than "
                      "tensor.new_tensor(sourceTensor).", UserWarning, stacklevel=2)
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    m = n if m is None else m
    dt, dev = _resolve(dtype, device)
    return _out(out, _finish(_factory("eye", (n, m), dt.np, dev, None)(), dt, dev, requires_grad), dtype)


def _num(v):
    return v.item() if isinstance(v, Tensor) else v


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, pin_memory=False,
           requires_grad=False):
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start:g} -> {end:g}")
    is_float = any(isinstance(v, float) for v in (start, end, step))
    dt, dev = _resolve(dtype if dtype is not None or not isinstance(out, Tensor) else out._dtype, device,
                       D.get_default_dtype() if is_float else D.int64, "arange")      # out=: computed in its dtype
    if dt is D.bool_:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = int(math.ceil((end - start) / step))
    if dt._category <= 1 and not is_float:
        arr = jnp.arange(start, end, step, dtype=dt.np)
        arr = jax.device_put(arr, _device.jax_device(dev))
    else:
        arr = _factory("arange", (n,), dt.np, dev, (start, step))()
    return _out(out, _finish(arr, dt, dev, requires_grad), dtype)


def range_(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    dt, dev = _resolve(dtype, device)
    n = int(math.floor((end - start) / step)) + 1
    arr = (start + step * np.arange(n, dtype=np.float64)).astype(dt.np)
    return _out(out, _finish(jax.device_put(arr, _device.jax_device(dev)), dt, dev, requires_grad))


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False):
    start, end = _num(start), _num(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt, dev = _resolve(dtype if dtype is not None or not isinstance(out, Tensor) else out._dtype, device)
    if dt is D.bool_:
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    # torch computes the first half from start and the second half from end (symmetric rounding)
    n = int(steps)
    if n == 1:
        vals = np.array([start], np.float64)
    else:
        step = (end - start) / max(n - 1, 1)
        i = np.arange(n, dtype=np.float64)
        half = n // 2
        vals = np.where(i < half, start + step * i, end - step * (n - 1 - i))
    if dt._category <= 1:
        vals = np.trunc(vals)
    arr = jax.device_put(vals.astype(dt.np if dt is not D.float32 else np.float32), _device.jax_device(dev)) \
        if dt is not D.float32 else _linspace_f32(start, end, n, dev)
    return _out(out, _finish(arr, dt, dev, requires_grad), dtype)


def _linspace_f32(start, end, n, dev):
    """float32 linspace computed in float32 like torch's CPU kernel."""
    if n == 1:
        vals = np.array([start], np.float32)
    else:
        step = np.float32((np.float32(end) - np.float32(start)) / np.float32(n - 1))
        i = np.arange(n, dtype=np.float32)
        half = n // 2
        vals = np.where(np.arange(n) < half, np.float32(start) + step * i,
                        np.float32(end) - step * np.float32(n - 1 - np.arange(n))).astype(np.float32)
    return jax.device_put(vals, _device.jax_device(dev))


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False):
    dt, dev = _resolve(dtype, device)
    lin = linspace(start, end, steps, dtype=D.float64)._value()
    arr = jnp.power(base, lin).astype(dt.np)
    return _out(out, _finish(jax.device_put(arr, _device.jax_device(dev)), dt, dev, requires_grad), dtype)


# --- from Python data / NumPy --------------------------------------------------------------------------

def _infer_dtype(data):
    """torch.tensor's dtype inference over nested sequences of numbers / tensors / arrays."""
    kind = 0  # 0 bool, 1 int, 2 float, 3 complex
    seen = False
    found = None
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, Tensor):
            found = x.dtype if found is None else D.promote_types(found, x.dtype)
            continue
        if isinstance(x, (np.ndarray, np.generic)):       # NumPy scalars keep their dtype, like 0-d arrays
            d = D.from_numpy_dtype(x.dtype)
            found = d if found is None else D.promote_types(found, d)
            continue
        if isinstance(x, (list, tuple)):
            stack.extend(x)
            continue
        seen = True
        if isinstance(x, (bool, np.bool_)):
            k = 0
        elif isinstance(x, (int, np.integer)):
            k = 1
        elif isinstance(x, (float, np.floating)):
            k = 2
        elif isinstance(x, (complex, np.complexfloating)):
            k = 3
        else:
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        kind = max(kind, k)
    if found is not None and not seen:
        return found
    if found is None and not seen:
        return D.get_default_dtype()     # torch.tensor([]) is float32
    scal = [D.bool_, D.int64, D.get_default_dtype(), D.default_complex()][kind]
    if found is None:
        return scal
    return found if found._category >= kind else scal


def _to_numpy_data(data):
    if isinstance(data, Tensor):
        return np.asarray(data._value())
    if isinstance(data, (list, tuple)):
        if any(isinstance(x, Tensor) for x in data):
            data = [_to_numpy_data(x) for x in data]
        return np.array(data) if data else np.zeros((0,))
    return np.asarray(data)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """torch.tensor: always copies."""
    dtype = D.dtype_arg(dtype, "tensor")
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
                      "sourceTensor.clone().detach().requires_grad_(True), rather than "
                      "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
        dt = D.to_dtype(dtype) or data.dtype
        arr = data._value().astype(dt.np)
        dev = _device.canonical(device) if device is not None else data.device
        return like_layout(data, _finish(jax.device_put(arr, _device.jax_device(dev)), dt, dev, requires_grad), None)
    if isinstance(data, np.ndarray):
        dt = D.to_dtype(dtype) or D.from_numpy_dtype(data.dtype)
        _check_strides(data)
        nd = data
    elif isinstance(data, jax.Array):
        dt = D.to_dtype(dtype) or D.from_numpy_dtype(data.dtype)
        nd = data
    else:
        dt = D.to_dtype(dtype) or _infer_dtype(data)
        nd = _to_numpy_data(data)
        if nd.dtype == object:
            raise ValueError("expected sequence of length %d at dim 1 (got %d)" % _ragged(data))
    dev = _device.canonical(device)
    if dt is D.bfloat16:
        arr = device_copy(nd, dev, np.float32).astype(dt.np)
    else:
        if dt._category <= 1 and isinstance(nd, np.ndarray) and nd.dtype.kind == "f":
            nd = np.trunc(nd)
        arr = device_copy(nd, dev, dt.np)      # owns its values: `nd` may be the caller's array
    t = _finish(arr, dt, dev, requires_grad)
    strides = tuple(x // nd.itemsize for x in nd.strides) if isinstance(nd, np.ndarray) else None
    if strides is not None and nd.ndim > 1 and (nd.size == 0 or strides != t._stride):
        # as PyTorch (from_numpy, then a copy in preserve_format): a dense permuted layout (a transpose, Fortran
        # order, even a size-1 dimension's stride NumPy left as it was) or an empty array's strides are kept;
        # anything else comes out contiguous
        t = _layout.restride(t, strides if nd.size == 0 else _layout.preserve_strides(t._size, strides))
    return t


def _ragged(data):
    try:
        return len(data[0]), len(data[1])
    except Exception:
        return 0, 0


def _check_strides(a):
    if any(s < 0 for s in a.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative strides "
                         "are not currently supported. (You can probably work around this by making a copy of your "
                         "array  with array.copy().) ")


def from_numpy(a):
    """torch.from_numpy: the tensor shares `a`'s memory, both ways."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(a).__name__})")
    dt = D.from_numpy_dtype(a.dtype)
    item = a.itemsize
    _check_strides(a)
    if any(s % item for s in a.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. Copy the numpy array "
                         "to reallocate the memory.")
    if not a.flags.writeable:
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. "
                      "This means writing to this tensor will result in undefined behavior. You may want to copy "
                      "the array to protect its data or make it writable before converting it to a tensor. This "
                      "type of warning will be suppressed for the rest of this program.", UserWarning, stacklevel=2)
    strides = tuple(s // item for s in a.strides)
    span = 1 + sum((n - 1) * s for n, s in zip(a.shape, strides)) if a.size else 0
    flat = np.lib.stride_tricks.as_strided(a, shape=(span,), strides=(item,)) if a.ndim else a.reshape(1)
    st = Storage(None, _device.CPU, dt, np_buffer=flat)
    return Tensor._wrap(st, tuple(a.shape), strides, 0, dt)


def as_tensor(data, dtype=None, device=None):
    dt = D.to_dtype(dtype)
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dt) if (dt or device) else data
    if isinstance(data, np.ndarray) and _numpy_shareable(data, dt, device):
        return from_numpy(data)
    return tensor(data, dtype=dt, device=device)


def _numpy_shareable(a, dt, device):
    """as_tensor shares the array's memory when neither the dtype nor the device changes (else tensor() copies)."""
    return (a.dtype in D._BY_NP and D._BY_NP[a.dtype].np == a.dtype and (dt is None or dt.np == a.dtype)
            and (device is None or _device.canonical(device).type == "cpu"))


def _cpp_name(dt):
    return dt._legacy[:-len("Tensor")]        # FloatTensor -> Float, as c10::ScalarType prints


def _check_alias(obj, dt, device):
    """asarray(copy=False): PyTorch's errors when `obj` cannot be shared as it is (it copies a 0-d array anyway)."""
    if isinstance(obj, np.ndarray) and obj.ndim == 0:
        return
    if isinstance(obj, np.generic):
        raise RuntimeError("can't alias NumPy scalars. Either remove copy=False or transform it in a ndarray. ")
    if isinstance(obj, np.ndarray):
        src_dt, src_dev = D.from_numpy_dtype(obj.dtype), _device.CPU
    elif isinstance(obj, Tensor):
        src_dt, src_dev = obj.dtype, obj.device
    else:
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    if device is not None and _device.canonical(device) != src_dev:
        raise ValueError(f"can't alias tensor from device '{src_dev}' to '{_device.canonical(device)}'.")
    if dt is not None and dt is not src_dt:
        raise ValueError(f"can't alias tensor with dtype '{_cpp_name(src_dt)}' into dtype '{_cpp_name(dt)}'.")


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """torch.asarray: shares `obj`'s memory when it can (copy=None), always copies (copy=True), or refuses to copy
    (copy=False: ValueError where sharing is impossible)."""
    dt = D.to_dtype(dtype)
    if copy is False:
        _check_alias(obj, dt, device)
    if copy and isinstance(obj, Tensor):
        t = obj.to(device=device, dtype=dt, copy=True)      # a clone: keeps obj's graph, as PyTorch
    elif copy or isinstance(obj, np.ndarray) and obj.ndim == 0:      # PyTorch copies 0-d arrays like NumPy scalars
        t = tensor(obj, dtype=dt, device=device)
    else:
        t = as_tensor(obj, dtype=dt, device=device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    return full((), s, dtype=dtype or D.get_default_dtype(), device=device, requires_grad=requires_grad)


def _rebuild_tensor(values, dtype_name, device, requires_grad):
    t = tensor(values, dtype=D.to_dtype(dtype_name))
    if device != "cpu":
        try:
            t = t.to(device)
        except AssertionError:
            pass
    if requires_grad:
        t.requires_grad_(True)
    return t
