"""Running op-table entries on Tensors: argument handling, devices, autograd recording, in-place and out=."""
from __future__ import annotations

import jax

from .. import _autocast, _device, _trace_state, _dtype as D
from .._tensor import Tensor, as_tensor_arg, from_array
from ..autograd import _graph, grad_mode
from ._registry import OPS, Op, freeze
from . import layout_ops

record = _graph.record
_TRACER_ERRORS = (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError,
                  jax.errors.TracerBoolConversionError, jax.errors.TracerIntegerConversionError)


def _device_of(tensors):
    """The common device of an op's tensors; 0-dim CPU tensors may join tensors of another device (as in torch)."""
    dev, dev_scalar_only = None, True
    for t in tensors:
        d = t._storage.device
        if dev is None or d == dev:
            dev_scalar_only = dev_scalar_only and t._size == () if dev is not None else t._size == ()
            dev = d
        elif d.type == "cpu" and t._size == ():
            continue
        elif dev.type == "cpu" and dev_scalar_only:
            dev, dev_scalar_only = d, t._size == ()
        else:
            raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                               f"{dev} and {d}!")
    return dev or _device.CPU


def _on(t, dev):
    """A tensor's values on `dev` (0-d CPU tensors may take part in ops on another device)."""
    v = t._value()
    if t._storage.device != dev:
        v = jax.device_put(v, _device.jax_device(dev))
    return v


def prepare(op: Op, args, kwargs):
    """Bind and normalise arguments: returns (vals, tensor list)."""
    vals = op.bind(args, kwargs)
    tensors = []
    for i in op.tensor_idx:
        v = vals[i]
        if isinstance(v, Tensor):
            tensors.append(v)
        elif op.names[i] in op.list_params:
            if isinstance(v, Tensor):
                raise TypeError(f"{op.name}(): argument '{op.names[i]}' must be tuple of Tensors, not Tensor")
            v = vals[i] = tuple(as_tensor_arg(x) for x in v)
            tensors.extend(x for x in v if isinstance(x, Tensor))
        elif v is not None:
            v = vals[i] = as_tensor_arg(v)
            if isinstance(v, Tensor):
                tensors.append(v)
    if _autocast.ACTIVE:        # inside a torch.autocast region: PyTorch's per-op cast policy
        tensors = _autocast.apply(op, vals, tensors)
    for i in op.tensor_only:
        if not isinstance(vals[i], Tensor):
            raise TypeError(f"{op.name}(): argument '{op.names[i]}' (position {i + 1}) must be Tensor, "
                            f"not {type(args[i] if i < len(args) else vals[i]).__name__}")
    if op.check is not None:
        try:
            op.check(*vals)     # every bound value positionally, in the entry's parameter order
        except _TRACER_ERRORS:
            pass                # a check that reads values cannot run on traced values (compile, jax.grad)
    return vals, tensors


def call(op, args, kwargs):
    """Run an op out of place and return its Tensor result(s)."""
    if isinstance(op, str):
        op = OPS[op]
    vals, tensors = prepare(op, args, kwargs)
    return run(op, vals, tensors)


def run(op, vals, tensors):
    dev = _device_of(tensors)
    cast, outd = op.dtype_rule(op, vals)
    if op.reject:
        try:
            reject(op, cast, vals, tensors)
        except NotImplementedError as e:
            e.result_dtype = outd[0] if outd else cast       # an out=/in-place target is checked first (torch's order)
            raise
    statics = tuple([freeze(vals[i]) for i in op.static_idx])
    dyn = []
    needs_grad = False
    plain = True                # every tensor operand contiguous: the result is too (no layout work)
    for i in op.tensor_idx:
        v = vals[i]
        if isinstance(v, Tensor):
            needs_grad = needs_grad or v._requires_grad
            if not v._contig:
                plain = False
            v = v._value() if v._storage.device is dev else _on(v, dev)
        elif isinstance(v, tuple):
            needs_grad = needs_grad or any(isinstance(x, Tensor) and x._requires_grad for x in v)
            v = tuple(_on(x, dev) if isinstance(x, Tensor) else x for x in v)
        dyn.append(v)
    if not (needs_grad and op.differentiable and grad_mode.is_grad_enabled()):
        out = _wrap(op, _forward(op, statics, cast, outd, dyn, tensors), outd, dev)
        if op.layout is not None and (not plain or op.layout == "copy"):
            out = layout_ops.relayout(op, vals, tensors, out)
        return out
    mask = tuple(_wants_grad(vals[i], op.names[i] in op.nondiff) for i in op.tensor_idx)
    diff = [d for d, m in zip(dyn, mask) if m]
    rest = [d for d, m in zip(dyn, mask) if not m]
    k = op.kernel(statics, cast, outd, mask)
    if op.recompute:            # the plain forward now; the backward recomputes from the saved inputs
        res = _forward(op, statics, cast, outd, dyn, tensors)
        vjp = _graph.InputVJP(k, diff, rest)
    else:
        res, vjp = k(diff, rest)
    out = _wrap(op, res, outd, dev)
    if op.layout is not None and (not plain or op.layout == "copy"):
        out = layout_ops.relayout(op, vals, tensors, out)
    inputs = [vals[i] for i, m in zip(op.tensor_idx, mask) if m]
    gname = op.grad_name
    if not isinstance(gname, str):          # the name depends on the overload torch picks (ClampBackward0/1 ...)
        gname = gname(vals)
    if gname == "NotImplemented":            # torch has no derivative for this op: backward raises
        vjp = _NoDerivative(op.name)
    elif op.no_derivative:                   # ... or none for some of its inputs (igamma's input, zeta's x)
        bad = [op.no_derivative[n] for n, m in zip(op.tensor_params, mask) if m and n in op.no_derivative]
        if bad:
            vjp = _NoDerivative(op.name, NotImplementedError(f"the derivative for '{bad[0]}' is not implemented."))
    node = record(gname, out, inputs, vjp)
    node._fwd = (_op_recompute, (op, statics, cast, outd, mask, k, rest))     # resolved only by create_graph
    saves = _SAVES.get(op.name, "inputs")
    if saves == "inputs":
        _graph.save_versions(node, [t for t in _flat(inputs) if t is not None])
    elif saves == "all":
        _graph.save_versions(node, [t for t in tensors if t._dtype._category >= 2])
    elif saves == "cross":      # a*b: b is saved for a's gradient and a for b's (torch's mul/mm rule)
        a, b = vals[op.tensor_idx[-2]], vals[op.tensor_idx[-1]]
        _graph.save_versions(node, [t for t, o in ((a, b), (b, a)) if isinstance(t, Tensor) and
                                    getattr(o, "_requires_grad", False) and t._dtype._category >= 2])
    elif saves == "output":
        _graph.save_versions(node, (), [(0, out if not isinstance(out, tuple) else out[0])])
    return out


def reject(op, cast, vals, tensors, rules=None):
    """Raise torch's error for a dtype the op has no kernel for (the op's `reject=` rules, on the dtype it computes
    in: the promoted dtype, else its first tensor's)."""
    d = cast if cast is not None else (tensors[0]._dtype if tensors else None)
    if d is None:
        return
    for cats, exc, message in rules or op.reject:
        if d._category in cats:
            name = scalar_name(d)
            m = message(vals, name) if callable(message) else message.format(dtype=name)
            raise m if isinstance(m, Exception) else exc(m)


def _forward(op, statics, cast, outd, dyn, tensors):
    """The op's plain jitted kernel on the argument arrays (inlined while compile traces a program)."""
    k = op.kernel(statics, cast, outd, None)
    if _trace_state.current is not None:
        k = k.__wrapped__
    try:
        return k(*dyn)
    except (ValueError, TypeError) as e:
        raise _kernel_error(op, cast, e, tensors) from None


_JAX_DTYPE_ERRORS = ("does not accept dtype", "not well defined for complex", "complex-valued", "complex value",
                     "must be integers", "not supported for complex", "requires real", "does not support complex")


def _kernel_error(op, cast, e, tensors):
    """A JAX error from a kernel, as PyTorch reports it: shapes that do not broadcast, or a dtype the kernel does
    not support (torch's NotImplementedError, never JAX's TypeError/ValueError)."""
    b = _broadcast_error(e, tensors)
    if b is not e:
        return b
    msg = str(e)
    if not isinstance(e, _TRACER_ERRORS) and any(m in msg for m in _JAX_DTYPE_ERRORS):
        d = cast if cast is not None and cast._category in (0, 3) else next(
            (t._dtype for t in tensors if t._dtype._category in (0, 3)), cast or (tensors[0]._dtype if tensors else None))
        if d is not None:
            return NotImplementedError(f'"{op.name}_cpu" not implemented for \'{scalar_name(d)}\'')
    return e


def _op_recompute(op, statics, cast, outd, mask, k, rest):
    return (op.name, statics, tuple(map(type, statics)), cast, outd, mask), k.masked_pure, rest


def _flat(slots):
    for s in slots:
        if isinstance(s, tuple):
            yield from (x for x in s if isinstance(x, Tensor))
        else:
            yield s


# Which values an op's backward reads (torch's SavedVariables), for the "modified by an inplace operation" check.
# Default: its differentiable inputs. Linear ops read none; these read their output.
_SAVES = dict.fromkeys(
    "add sub rsub neg positive sum mean nansum cat stack hstack vstack dstack column_stack clone contiguous "
    "index_select gather scatter scatter_add masked_fill masked_scatter where flip fliplr flipud roll repeat tile "
    "tril triu diag diag_embed cumsum real imag conj resolve_conj resolve_neg trace take take_along_dim "
    "index_put index_add index_copy index_fill put reshape flatten pad narrow_copy movedim expand_copy "
    "lerp_ to_copy _to_copy type_as".split(), "none")
# indexing reads and writes: the backward needs the indices (never modified by these writes) and shapes only, so
# `b[b > 0] *= 2` on a tensor in the graph is fine, as in torch (IndexBackward0 / IndexPutBackward0 / PutBackward0)
_SAVES.update(dict.fromkeys("_index _index_put put _copy _fill".split(), "none"))
_SAVES.update(dict.fromkeys("exp exp2 expm1 sigmoid tanh relu sqrt rsqrt softmax log_softmax".split(), "output"))
_SAVES.update(dict.fromkeys("mul div true_divide matmul mm bmm mv dot addmm baddbmm addmv".split(), "cross"))
_SAVES.update(dict.fromkeys("atan2 maximum minimum".split(), "all"))


def _broadcast_error(e, tensors):
    """JAX's broadcasting failure, as PyTorch words it; any other error passes through unchanged."""
    if "Incompatible shapes for broadcasting" not in str(e) and "incompatible shapes" not in str(e).lower():
        return e
    shapes = [t._size for t in tensors]
    n = max(len(s) for s in shapes)
    for d in range(n):
        sizes = [s[len(s) - n + d] if len(s) - n + d >= 0 else 1 for s in shapes]
        big = [x for x in sizes if x != 1]
        if len(set(big)) > 1:
            a, b = big[0], next(x for x in big if x != big[0])
            return RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                                f"non-singleton dimension {d}")
    return e


def _wants_grad(v, nondiff):
    if nondiff:
        return False
    if isinstance(v, Tensor):
        return v._requires_grad
    if isinstance(v, tuple):
        return any(isinstance(x, Tensor) and x._requires_grad for x in v)
    return False


def _wrap(op, res, outd, dev):
    if isinstance(res, tuple):
        outs = tuple(from_array(r, None, dev) for r in res)
        if op.returns:
            return return_type(op.name, op.returns)(*outs)
        return outs
    return from_array(res, outd[0] if outd else None, dev)


_RETURN_TYPES = {}


def return_type(name, fields):
    """torch.return_types.<name>: a named tuple printing like PyTorch's structseq."""
    key = (name, fields)
    cls = _RETURN_TYPES.get(key)
    if cls is None:
        import collections
        base = collections.namedtuple(name, fields)

        def __repr__(self):
            body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
            return f"torch.return_types.{name}(\n{body})"
        cls = type(name, (base,), {"__repr__": __repr__, "__str__": __repr__, "__slots__": (),
                                   "__module__": "torch.return_types"})
        _RETURN_TYPES[key] = cls
    return cls


# --- in-place and out= ---------------------------------------------------------------------------------

def can_cast(src: D.dtype, dst: D.dtype) -> bool:
    """c10::canCast: no complex -> real, no floating -> integral, no non-bool -> bool."""
    if src._category == 3 and dst._category != 3:
        return False
    if src._category == 2 and dst._category <= 1:
        return False
    if src is not D.bool_ and dst is D.bool_:
        return False
    return True


_TORCH_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
                "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def scalar_name(d):
    return _TORCH_NAMES[d.name]


def check_inplace(self, result):
    if not can_cast(result.dtype, self._dtype):
        raise RuntimeError(f"result type {scalar_name(result.dtype)} can't be cast to the desired output type "
                           f"{scalar_name(self._dtype)}")
    if result._size != self._size:
        raise RuntimeError(f"output with shape [{', '.join(map(str, self._size))}] doesn't match the broadcast "
                           f"shape [{', '.join(map(str, result._size))}]")


_OVERLAP_DEPRECATED = frozenset({"masked_fill"})     # torch still writes these into expanded tensors (warning)


def assert_no_internal_overlap(t):
    """torch's refusal to write into a tensor whose elements share memory (an expanded tensor: stride 0)."""
    st = t._stride
    if 0 in st and 0 not in t._size and any(s == 0 and n > 1 for s, n in zip(st, t._size)):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a single "
                           "memory location. Please clone() the tensor before performing the operation.")


def check_leaf_inplace(self):
    if not grad_mode.is_grad_enabled():
        return
    if self._requires_grad and self._grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    b = self._base
    if b is not None and b._requires_grad and b._grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")


def inplace(op, self, args, kwargs):
    """`self.op_(...)`: compute out of place, check castability and shape, write through the storage."""
    if isinstance(op, str):
        op = OPS[op]
    check_leaf_inplace(self)
    if op.name in _OVERLAP_DEPRECATED:
        if 0 in self._stride and any(s == 0 and n > 1 for s, n in zip(self._stride, self._size)):
            import warnings
            warnings.warn(f"Use of {op.name}_ on expanded tensors is deprecated. Please clone() the tensor before "
                          "performing this operation. This also applies to advanced indexing e.g. tensor[mask] = "
                          "scalar", UserWarning, stacklevel=3)
    if op.inplace_reject:
        reject(op, self._dtype, (), (), op.inplace_reject)
    overlap = op.name not in _OVERLAP_DEPRECATED
    try:
        with cast_checked_first(self):
            result = call(op, (self,) + tuple(args), kwargs) if not _autocast.ACTIVE else \
                _autocast.call_exact(call, op, (self,) + tuple(args), kwargs)      # in-place: no autocast
    except TypeError:                   # argument parsing comes before torch's memory-overlap check
        raise
    except Exception:
        if overlap:
            assert_no_internal_overlap(self)
        raise
    if overlap:
        assert_no_internal_overlap(self)
    if isinstance(result, tuple):
        result = result[0]
    if op.inplace_exact and result.dtype is not self._dtype:
        raise RuntimeError(f"the base given to {op.name}_ has dtype {scalar_name(self._dtype)} but the operation's "
                           f"result requires dtype {scalar_name(result.dtype)}")
    check_inplace(self, result)
    commit_inplace(self, result)
    return self


def commit_inplace(self, result):
    """Store `result` in `self` (an in-place update), rebasing autograd history if needed."""
    self._assign(result._value())
    gf = result._grad_fn
    if gf is not None:
        _graph.refresh_saved(gf, self)      # the op read `self` before this write: not a modification
    if (gf is not None or self._grad_fn is not None) and grad_mode.is_grad_enabled():
        base = self._base
        if base is not None and grad_mode.is_grad_enabled() and (base._requires_grad or result._requires_grad):
            from ..autograd import _views
            _views.copy_slices(base, self, result)
        else:
            _graph.rebase_inplace(self, result)


class cast_checked_first:
    """Around a call writing into `target` (in-place, out=): torch checks that the result type casts to the target
    before it finds the kernel missing, so a dtype rejection becomes the cast error when the cast fails."""

    __slots__ = ("target", "op", "args", "kwargs")

    def __init__(self, target, op=None, args=(), kwargs=None):
        self.target, self.op, self.args, self.kwargs = target, op, args, kwargs

    def __enter__(self):
        return self

    def __exit__(self, et, e, tb):
        d = getattr(e, "result_dtype", None) if et is NotImplementedError else None
        if d is None and et is NotImplementedError and self.op is not None and self.target is not None:
            d = _result_dtype(self.op, self.args, self.kwargs)      # raised by the op's check function
        if d is not None and self.op is not None and self.target is not None:     # the op's own out= dtype rule
            from . import out_checks
            out_checks.run(self.op, d, self.target, self.args, self.kwargs or {}, failed=True)
        targets = self.target if isinstance(self.target, (tuple, list)) else (self.target,)
        if d is not None and targets and isinstance(targets[0], Tensor) and not can_cast(d, targets[0]._dtype):
            raise RuntimeError(f"result type {scalar_name(d)} can't be cast to the desired output type "
                               f"{scalar_name(targets[0]._dtype)}") from None
        return False


def _result_dtype(op, args, kwargs):
    """The dtype `op` would return for these arguments (its dtype rule), or None when it cannot be told."""
    try:
        vals = op.bind(args, kwargs or {})
        vals = [as_tensor_arg(v) if i in op.tensor_idx and not isinstance(v, (Tensor, tuple, list)) and v is not None
                else v for i, v in enumerate(vals)]
        cast, outd = op.dtype_rule(op, vals)
    except Exception:  # noqa: BLE001 - only an error message depends on it
        return None
    d = outd[0] if outd else cast
    return d if isinstance(d, D.dtype) else None


def write_out(out, result):
    """The `out=` contract: resize `out` if needed, check the cast, write the values."""
    if isinstance(out, (tuple, list)):
        for o, r in zip(out, result):
            write_out(o, r)
        return out
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    assert_no_internal_overlap(out)
    if not can_cast(result.dtype, out._dtype):
        raise RuntimeError(f"result type {scalar_name(result.dtype)} can't be cast to the desired output type "
                           f"{scalar_name(out._dtype)}")
    if out._requires_grad and grad_mode.is_grad_enabled() and (result._requires_grad or out._requires_grad):
        raise RuntimeError(f"{getattr(result.grad_fn, 'name', lambda: 'op')()}(): functions with out=... arguments "
                           "don't support automatic differentiation, but one of the arguments requires grad.")
    if out._size != result._size:
        if out.numel() != 0:
            import warnings
            warnings.warn(f"An output with one or more elements was resized since it had shape "
                          f"[{', '.join(map(str, out._size))}], which does not match the required output shape "
                          f"[{', '.join(map(str, result._size))}]. This behavior is deprecated, and in a future "
                          "PyTorch release outputs will not be resized unless they have zero elements. You can "
                          "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
                          "t.resize_(0).", UserWarning, stacklevel=3)
        fresh = from_array(result._value().astype(out._dtype.np), out._dtype, out.device)
        if not result._contig:          # a resized out= takes the strides the fresh result has (TensorIterator)
            layout_ops.follow(fresh, result)
        out._storage, out._size, out._stride, out._offset = fresh._storage, fresh._size, fresh._stride, 0
        out._contig, out._cache, out._base = fresh._contig, fresh._cache, None
        return out
    out._assign(result._value())
    return out


def write_out_named(out, result, name, exact=False):
    """write_out, returning torch.return_types.<name>_out(...) over the out tensors for a named-tuple result;
    exact: the op's out tensors must have the result's dtypes (no casting)."""
    if exact:
        pairs = zip(out, result) if isinstance(out, (tuple, list)) and isinstance(result, tuple) else ((out, result),)
        for o, r in pairs:
            if isinstance(o, Tensor) and isinstance(r, Tensor) and o._dtype is not r._dtype:
                raise RuntimeError(f"Expected out tensor to have dtype {_CPP_NAMES[r._dtype.name]}, but got "
                                   f"{_CPP_NAMES[o._dtype.name]} instead")
    out = write_out(out, result)
    fields = getattr(result, "_fields", None)
    if fields and isinstance(out, (tuple, list)):
        return return_type(name + "_out", fields)(*out)
    return out


def move_to_device(t, dev):
    arr = jax.device_put(t._value(), _device.jax_device(dev))
    out = from_array(arr, t._dtype, dev)
    if t._requires_grad and grad_mode.is_grad_enabled():
        record("ToCopyBackward0", out, [t], _DeviceVJP(t.device))
    return out


class _DeviceVJP(_graph.PyVJP):
    """The backward of a device copy: move the gradient back."""

    __slots__ = ("dev",)

    def __init__(self, dev):
        self.dev = dev

    def __call__(self, ct):
        return (jax.device_put(ct, _device.jax_device(self.dev)),)

    def graph(self, cts):
        return [cts[0].to(self.dev)]


class _NoDerivative(_graph.PyVJP):
    __slots__ = ("name", "error")

    def __init__(self, name, error=None):
        self.name, self.error = name, error

    def __call__(self, ct):
        if self.error is not None:
            raise type(self.error)(*self.error.args)
        raise RuntimeError(f"derivative for aten::{self.name} is not implemented")
