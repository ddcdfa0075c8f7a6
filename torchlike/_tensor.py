"""Tensor: PyTorch metadata (sizes, strides, offset, dtype) over a shared Storage of JAX values."""
from __future__ import annotations

import math
import operator

import jax
import jax.numpy as jnp
import numpy as np

from . import _device, _torch_function, _trace_state, _dtype as D
from ._size import Size
from ._storage import Storage, contiguous_strides, numpy_view, read_view, write_view
from .autograd import grad_mode

__all__ = ["Tensor", "from_array", "as_tensor_arg", "scalar_types"]

_host_copy = jax.jit(lambda a: a)      # NumPy -> jax.Array on the CPU

scalar_types = (bool, int, float, complex, np.number, np.bool_)


class Tensor:
    """torch.Tensor. Values live in `_storage`; this object is a view (size, stride, offset) of it."""

    __slots__ = ("_storage", "_size", "_stride", "_offset", "_dtype", "_contig", "_base", "_cache",
                 "_requires_grad", "_grad_fn", "_grad", "_out_nr", "_retains_grad", "_hooks", "_version_at",
                 "__dict__", "__weakref__")
    __array_priority__ = 1000
    is_sparse = False
    is_quantized = False
    is_meta = False
    layout = "torch.strided"

    # -- construction -------------------------------------------------------------------------------
    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _torch_function.subclass_defined(cls)      # an enabled __torch_function__ switches the protocol on

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """The default handler: run `func` with subclass dispatch off and re-wrap Tensor results into `cls`."""
        if kwargs is None:
            kwargs = {}
        if not all(issubclass(cls, t) for t in types):
            return NotImplemented
        with _torch_function.DisableTorchFunctionSubclass():
            ret = func(*args, **kwargs)
            if func in _default_nowrap_functions():
                return ret
            return _convert(ret, cls)

    def as_subclass(self, cls):
        """A `cls` instance aliasing this tensor's data, attached to the autograd graph (AliasBackward0)."""
        if not (isinstance(cls, type) and issubclass(cls, Tensor)):
            raise TypeError(f"as_subclass(): argument 'cls' must be a subclass of Tensor, not "
                            f"{type(cls).__name__}")
        from ._ops.views import make_view
        r = make_view(self, self._size, self._stride, self._offset, "AliasBackward0", _alias_pure)
        try:
            r.__class__ = cls
            return r
        except TypeError:                 # a subclass with its own __slots__: copy the fields into a new object
            out = object.__new__(cls)
            for k in _SLOTS:
                object.__setattr__(out, k, getattr(r, k))
            return out

    def __init__(self, *args, device=None, dtype=None):
        """torch.Tensor(data) copies data as the default dtype (an ndarray of that dtype is shared, as in PyTorch);
        torch.Tensor(2, 3) is uninitialised."""
        from ._ops import creation
        dtype = D.to_dtype(dtype) or D.get_default_dtype()
        if len(args) == 1 and not isinstance(args[0], (int, Size)) or (len(args) == 1 and isinstance(args[0], Tensor)):
            src = args[0]
            if isinstance(src, Tensor) and src.dtype is dtype:
                t = src
            elif isinstance(src, np.ndarray):
                t = creation.as_tensor(src, dtype=dtype, device=device)
            else:
                t = creation.tensor(src, dtype=dtype, device=device)
        else:
            size = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list, Size)) else args
            t = creation.empty(*size, dtype=dtype, device=device)
        _init_like(self, t)

    @classmethod
    def _wrap(cls, storage, size, stride, offset, dtype, base=None, contig=None):
        t = object.__new__(cls)
        t._storage = storage
        t._size = size
        t._stride = stride
        t._offset = offset
        t._dtype = dtype
        # _contig: exactly row-major strides (one element counts too); is_contiguous() also accepts c10's other
        # contiguous strides (size-1 and empty dimensions), which elementwise results do not treat alike
        t._contig = contig if contig is not None else (stride == contiguous_strides(size) or math.prod(size) == 1)
        t._base = base
        t._cache = None
        t._requires_grad = False
        t._grad_fn = None
        t._grad = None
        t._out_nr = 0
        t._retains_grad = False
        t._hooks = None
        t._version_at = None
        return t

    # -- values ---------------------------------------------------------------------------------------
    def _value(self):
        """This tensor's values as a jax.Array of its shape and dtype."""
        st = self._storage
        data = st._data
        if data is not None:
            if self._contig and self._offset == 0 and data.shape == self._size:
                return data
            c = self._cache
            if c is not None and c[0] == st.version and c[1] is data and _trace_state.current is None:
                return c[2]
            v = read_view(data, self._size, self._stride, self._offset)
            if _trace_state.current is None:
                self._cache = (st.version, data, v)
            return v
        tr = _trace_state.current
        if tr is not None:           # compile: a NumPy-shared storage is read as a lifted input
            return tr.read_numpy_storage(self)
        flat = st._np
        if self._contig and self._offset == 0 and flat.size == math.prod(self._size):
            view = flat.reshape(self._size)
        else:
            view = numpy_view(flat, self._size, self._stride, self._offset)
        if st.device.type == "cpu":     # a private host copy (jit reads its NumPy arguments only when it runs, so
            return _host_copy(np.array(view, order="C"))    # the user's buffer must not be handed to it), then
            #                                               jit's C++ path (device_put costs ~25 us per call)
        return jax.device_put(np.array(view, order="C"), _device.jax_device(st.device))

    def _assign(self, value):
        """Write `value` (broadcastable to this tensor's shape) through the storage: every alias sees it."""
        st = self._storage
        value = jnp.asarray(value)
        if value.dtype != self._dtype.np:
            value = value.astype(self._dtype.np)
        if st._np is not None and _trace_state.current is not None:
            _trace_state.current.detach_numpy(st)      # compile: the write becomes a lifted output
        if st._np is not None:
            if isinstance(value, jax.core.Tracer):
                raise RuntimeError("cannot write a traced value into a tensor shared with NumPy")
            numpy_view(st._np, self._size, self._stride, self._offset)[...] = np.asarray(value)
        elif self._contig and self._offset == 0 and st._data.shape == self._size:
            if value.shape != self._size:
                value = jnp.broadcast_to(value, self._size)
            st._data = value
        else:
            st._data = write_view(st._data, value, self._size, self._stride, self._offset)
        st.version += 1

    def _numpy_copy(self):
        v = self._value()
        return np.asarray(v)

    # -- metadata -------------------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def shape(self):
        return Size._of(self._size)

    def size(self, dim=None):
        if dim is None:
            return Size._of(self._size)
        return self._size[_wrap_dim(dim, len(self._size))]

    def stride(self, dim=None):
        if dim is None:
            return self._stride
        return self._stride[_wrap_dim(dim, len(self._size))]

    def storage_offset(self):
        return self._offset

    def dim(self):
        return len(self._size)

    ndimension = dim

    @property
    def ndim(self):
        return len(self._size)

    def numel(self):
        return math.prod(self._size)

    nelement = numel

    def element_size(self):
        return self._dtype.itemsize

    @property
    def itemsize(self):
        return self._dtype.itemsize

    @property
    def nbytes(self):
        return self.numel() * self._dtype.itemsize

    def is_contiguous(self, memory_format=None):
        from ._layout import is_contiguous_as
        if memory_format is None:
            return self._contig or is_contiguous_as(self._size, self._stride, None)
        return is_contiguous_as(self._size, self.stride(), memory_format)

    def is_floating_point(self):
        return self._dtype.is_floating_point

    def is_complex(self):
        return self._dtype.is_complex

    def is_signed(self):
        return self._dtype.is_signed

    @property
    def device(self):
        return self._storage.device

    @property
    def is_cuda(self):
        return self._storage.device.type == "cuda"

    @property
    def is_cpu(self):
        return self._storage.device.type == "cpu"

    def get_device(self):
        d = self._storage.device
        return -1 if d.type == "cpu" else d.index

    def data_ptr(self):
        """A stable identity for the first element (storage identity + offset), like a pointer."""
        st = self._storage
        return id(getattr(st, "_src", st)) * 64 + self._offset * self._dtype.itemsize     # (_src: complex_views)

    def untyped_storage(self):
        from ._untyped_storage import UntypedStorage
        return UntypedStorage(self._storage)

    storage = untyped_storage

    def _is_view(self):
        return self._base is not None

    # -- autograd metadata ----------------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if self._grad_fn is not None and not flag:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        if flag and not (self._dtype.is_floating_point or self._dtype.is_complex):
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self):
        if self._version_at is not None and self._version_at != self._storage.version:
            from .autograd._views import refresh_view
            refresh_view(self)
        return self._grad_fn

    @property
    def is_leaf(self):
        return self._grad_fn is None

    @property
    def grad(self):
        if _trace_state.current is not None:
            _trace_state.grad_event(self, "read")
        return self._grad

    @grad.setter
    def grad(self, g):
        if g is not None:
            if not isinstance(g, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(g).__name__}")
            if g.dtype is not self._dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if g._size != self._size:
                raise RuntimeError("assigned grad has data of a different size")
        if _trace_state.current is not None:
            _trace_state.grad_event(self, "set")
        self._grad = g

    @property
    def data(self):
        t = Tensor._wrap(self._storage, self._size, self._stride, self._offset, self._dtype, base=None)
        return t

    @data.setter
    def data(self, other):
        _init_like(self, other, keep_grad=True)

    @property
    def _version(self):
        return self._storage.version

    def detach(self):
        return Tensor._wrap(self._storage, self._size, self._stride, self._offset, self._dtype, contig=self._contig)

    def detach_(self):
        self._grad_fn = None
        self._requires_grad = False
        return self

    # -- Python protocol ------------------------------------------------------------------------------
    def __repr__(self, *, tensor_contents=None):
        from . import _tensor_str
        v = self._value()
        if self._dtype is D.bfloat16:
            v = v.astype(jnp.float32)
        dev = str(self.device) if self.device.type != "cpu" else "cpu"
        gf = self._grad_fn
        return _tensor_str.format_tensor(np.asarray(v), self._dtype.name,
                                         default_dtype_name=D.get_default_dtype().name, device=dev,
                                         requires_grad=self._requires_grad and gf is None,
                                         grad_fn_name=type(gf).__name__ if gf is not None else None)

    __str__ = __repr__

    def __format__(self, spec):
        """f'{t}' / format(t, spec): a 0-d tensor formats as its Python number (as torch's), others as str(t)."""
        if not self._size and type(self) is Tensor:
            return self.detach().item().__format__(spec)
        return object.__format__(self, spec)

    def __len__(self):
        if not self._size:
            raise TypeError("len() of a 0-d tensor")
        return self._size[0]

    def __iter__(self):
        if not self._size:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __bool__(self):
        if _trace_state.to_python is not None:      # torch.jit.trace records the value
            return _trace_state.to_python(self, "boolean", Tensor.__bool__)
        n = self.numel()
        if n != 1:
            raise RuntimeError("Boolean value of Tensor with " + ("no values" if n == 0 else "more than one value")
                               + " is ambiguous")
        return bool(self.item())

    def item(self):
        if _trace_state.to_python is not None:
            return _trace_state.to_python(self, "number", Tensor.item)
        n = self.numel()
        if n != 1:
            raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
        v = self._numpy_copy()
        if self._dtype is D.bfloat16 or self._dtype is D.float16:
            v = v.astype(np.float64)
        return v.reshape(()).item()

    def __float__(self):
        if _trace_state.to_python is not None:
            return _trace_state.to_python(self, "float", Tensor.__float__)
        return float(_scalar_for_conversion(self, "double"))

    def __int__(self):
        if _trace_state.to_python is not None:
            return _trace_state.to_python(self, "integer", Tensor.__int__)
        return int(_scalar_for_conversion(self, "int64_t"))

    def __complex__(self):
        return complex(_scalar_for_conversion(self))

    def __index__(self):
        if not self._dtype.is_integral or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def tolist(self):
        if _trace_state.to_python is not None:
            return _trace_state.to_python(self, "list", Tensor.tolist)
        v = self._numpy_copy()
        if self._dtype in (D.bfloat16, D.float16):
            v = v.astype(np.float64)
        return v.tolist()

    def numpy(self, *, force=False):
        if _trace_state.to_python is not None:
            return _trace_state.to_python(self, "NumPy array", Tensor.numpy, force=force)
        if force:
            return self.detach().cpu().resolve_conj().numpy() if hasattr(self, "resolve_conj") else self.detach().cpu().numpy()
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if self.device.type != "cpu":
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to copy the "
                            "tensor to host memory first.")
        if self._dtype is D.bfloat16:
            raise TypeError("Got unsupported ScalarType BFloat16")
        flat = self._storage.flat_numpy()
        return numpy_view(flat, self._size, self._stride, self._offset)

    def __array__(self, dtype=None, copy=None):
        a = self.numpy() if self.device.type == "cpu" and self._dtype is not D.bfloat16 else self._numpy_copy()
        return a if dtype is None else a.astype(dtype, copy=False)

    def __array_wrap__(self, array, context=None, return_scalar=False):
        from ._ops.creation import from_numpy
        if array.ndim == 0 and return_scalar:
            return array[()]
        return from_numpy(np.ascontiguousarray(array))

    def __reduce_ex__(self, proto):
        from ._ops.creation import _rebuild_tensor
        return (_rebuild_tensor, (self._numpy_copy() if self._dtype is not D.bfloat16 else
                                  np.asarray(self._value().astype(jnp.float32)), self._dtype.name,
                                  str(self.device), self._requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        with grad_mode.no_grad():
            new = self.clone()
        new = type(self)._from_tensor(new) if type(self) is not Tensor and hasattr(type(self), "_from_tensor") else new
        new._requires_grad = self._requires_grad
        _trace_state.grad_event(self, "read")
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        new.__dict__.update(__import__("copy").deepcopy(self.__dict__, memo))
        memo[id(self)] = new
        return new

    # -- conversions ----------------------------------------------------------------------------------
    def type(self, dtype=None, non_blocking=False, **kwargs):
        from ._legacy import type_string, parse_type
        if dtype is None:
            return type_string(self._dtype, self.device)
        d, dev = parse_type(dtype)
        out = self.to(dtype=d)
        if dev is not None and dev != out.device.type:
            out = out.to(dev)
        return out

    def to(self, *args, **kwargs):
        fmt = kwargs.pop("memory_format", None)
        dev, dt, copy = _parse_to(args, kwargs)
        out = _to(self, dev, dt, copy)
        if fmt is not None:
            from ._layout import to_format
            out = to_format(self, out, fmt)
        return out

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        return _to(self, _device.device("cuda", device if isinstance(device, int) else None)
                   if not isinstance(device, (str, _device.device)) else _device.device(device), None, False)

    def cpu(self, memory_format=None):
        return _to(self, _device.CPU, None, False)

    def float(self, memory_format=None):
        return _to(self, None, D.float32, False)

    def double(self, memory_format=None):
        return _to(self, None, D.float64, False)

    def half(self, memory_format=None):
        return _to(self, None, D.float16, False)

    def bfloat16(self, memory_format=None):
        return _to(self, None, D.bfloat16, False)

    def long(self, memory_format=None):
        return _to(self, None, D.int64, False)

    def int(self, memory_format=None):
        return _to(self, None, D.int32, False)

    def short(self, memory_format=None):
        return _to(self, None, D.int16, False)

    def char(self, memory_format=None):
        return _to(self, None, D.int8, False)

    def byte(self, memory_format=None):
        return _to(self, None, D.uint8, False)

    def bool(self, memory_format=None):
        return _to(self, None, D.bool_, False)

    def cfloat(self, memory_format=None):
        return _to(self, None, D.complex64, False)

    def cdouble(self, memory_format=None):
        return _to(self, None, D.complex128, False)

    def type_as(self, other):
        return _to(self, None, other.dtype, False)

    def __jax_array__(self):
        return self._value()


_SLOTS = tuple(s for s in Tensor.__slots__ if s not in ("__dict__", "__weakref__"))
_torch_function.S.tensor = Tensor


def _alias_pure(x):
    return x


def _default_nowrap_functions():
    """torch.overrides.get_default_nowrap_functions(): field reads whose results are not re-wrapped."""
    return {Tensor._base.__get__, Tensor.grad.__get__, Tensor._grad.__get__}


def _convert(ret, cls):
    """torch._tensor._convert: Tensor results (also inside tuples/lists) become `cls` instances."""
    if cls is Tensor:
        return ret
    if isinstance(ret, Tensor) and not isinstance(ret, cls):
        return ret.as_subclass(cls)
    if isinstance(ret, (tuple, list)):
        items = [_convert(r, cls) for r in ret]
        return type(ret)(*items) if hasattr(ret, "_fields") else type(ret)(items)
    return ret


def _wrap_dim(dim, ndim):
    if dim is None:
        raise TypeError("dim must be an int")
    dim = operator.index(dim)
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _scalar_for_conversion(t, target=None):
    """The value behind int(t)/float(t)/complex(t): one element (torch's ValueError otherwise); a complex value
    does not convert to a real type (torch's overflow error)."""
    if t.numel() != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    v = t.item()
    if target is not None and isinstance(v, complex):
        raise RuntimeError(f"value cannot be converted to type {target} without overflow")
    return v


def _init_like(self, t, keep_grad=False):
    """Make `self` an alias of tensor `t` (used by Tensor(...) construction and `.data = ...`)."""
    if not keep_grad:
        self._requires_grad = False
        self._grad_fn = None
        self._grad = None
        self._out_nr = 0
        self._retains_grad = False
        self._hooks = None
        self._version_at = None
    self._storage, self._size, self._stride, self._offset = t._storage, t._size, t._stride, t._offset
    self._dtype, self._contig, self._base, self._cache = t._dtype, t._contig, t._base, None


def from_array(arr, dtype=None, device=None, requires_grad=False):
    """A new tensor that owns the jax array `arr` (placed on `device`, cast to `dtype`)."""
    if dtype is None:
        dtype = D.from_numpy_dtype(arr.dtype)
    elif arr.dtype != dtype.np:
        arr = arr.astype(dtype.np)
    if device is None:
        device = _device.CPU if not hasattr(arr, "devices") or isinstance(arr, jax.core.Tracer) \
            else _array_device(arr)
    shape = arr.shape
    t = Tensor._wrap(Storage(arr, device, dtype), shape, contiguous_strides(shape), 0, dtype, contig=True)
    if requires_grad:
        t.requires_grad = True
    return t


def _array_device(arr):
    try:
        devs = arr.devices()
    except Exception:   # tracers
        return _device.CPU
    return _device.from_jax_device(next(iter(devs)))


def as_tensor_arg(v):
    """Convert an op argument that should be a tensor (ndarray, list) to a Tensor; numbers stay numbers."""
    if isinstance(v, Tensor) or v is None or isinstance(v, (bool, int, float, complex)):
        return v
    if isinstance(v, (np.number, np.bool_)):
        return v.item()
    from ._ops.creation import tensor, as_tensor
    if isinstance(v, np.ndarray):
        return as_tensor(v)
    if isinstance(v, (list, tuple)):
        return tensor(v)
    if isinstance(v, jax.Array):
        return from_array(v)
    raise TypeError(f"expected Tensor as element but got {type(v).__name__}")


def _parse_to(args, kwargs):
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got unexpected {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, D.dtype):
            dt = a
        elif isinstance(a, (str, _device.device, int)) and not isinstance(a, bool):
            dev = a
        elif isinstance(a, bool):
            pass   # non_blocking / copy passed positionally
        elif a is None:
            pass
        else:
            dt = D.to_dtype(a)
    return dev, (D.to_dtype(dt) if dt is not None else None), copy


def _to(t, dev, dt, copy):
    from ._ops import dispatch
    target_dev = _device.canonical(dev) if dev is not None else t.device
    target_dt = dt or t._dtype
    if target_dev == t.device and target_dt is t._dtype and not copy:
        return t
    out = t
    if target_dt is not t._dtype:
        out = dispatch.call("_to_copy", (t,), {"dtype": target_dt})
    elif copy:
        out = t.clone()
    if target_dev != t.device:
        out = dispatch.move_to_device(out, target_dev)
    return out
