"""The op table and the generated torch.* functions and Tensor methods."""
from __future__ import annotations

from .. import _autocast, _torch_function
from .._tensor import Tensor
from . import creation, dispatch, views, complex_views  # noqa: F401
from . import out_checks
from ._registry import OPS
from . import pointwise, reduction, sorting, linalg, indexing, joining, linalg_ops, contractions, spectral, index_ops  # noqa: F401  (fill the table)
from . import nn_conv, nn_pool, nn_norm, nn_misc, nn_activation, nn_loss, nn_rnn  # noqa: F401
from . import extra_ops, linalg_extra  # noqa: F401
from . import breadth_ops  # noqa: F401  (issue 14's census: windows, igamma, *_copy, ...)
from . import complex_ops  # noqa: F401
from . import special  # noqa: F401  (torch.special's special_* entries)
from . import signal, nn_ctc  # noqa: F401  (stft / istft, ctc_loss)

__all__ = ["OPS", "FUNCTIONS", "install"]

FUNCTIONS: dict = {}


def _make_function(op):
    if op.out:
        def fn(*args, out=None, **kwargs):
            if _ON[0]:
                r = _tf.handle(fn, args, kwargs if out is None else dict(kwargs, out=out))
                if r is not _NOT_HANDLED:
                    return r
            if out is not None and op.returns and not isinstance(out, (tuple, list)):
                # torch's argument parser: a named-tuple op's out= is a tuple, checked before anything runs
                raise TypeError(f"{op.name}(): argument 'out' must be tuple of Tensors, not {type(out).__name__}")
            if out is not None and op.dtype_from_out and kwargs.get("dtype") is None \
                    and isinstance(out, Tensor):
                kwargs = dict(kwargs, dtype=out.dtype)     # torch's sum/prod out= overloads compute in out's dtype
            try:
                with dispatch.cast_checked_first(out, op, args, kwargs):
                    r = dispatch.call(op, args, kwargs) if out is None or not _autocast.ACTIVE else \
                        _autocast.call_exact(dispatch.call, op, args, kwargs)     # out=: no autocast (as torch)
            except TypeError:
                return _foreign(fn, args, kwargs)
            if out is None:
                return r
            if op.out_check is not None:        # torch's per-op dtype rules for out= (see out_checks)
                out_checks.run(op, (r[0] if isinstance(r, tuple) else r).dtype, out, args, kwargs)
            return dispatch.write_out_named(out, r, op.name, exact=op.inplace_exact)
    else:
        def fn(*args, **kwargs):
            if _ON[0]:
                r = _tf.handle(fn, args, kwargs)
                if r is not _NOT_HANDLED:
                    return r
            try:
                return dispatch.call(op, args, kwargs)
            except TypeError:
                return _foreign(fn, args, kwargs)
    fn.__name__ = fn.__qualname__ = op.name
    fn.__module__ = "torchlike"
    fn.__doc__ = op.__doc__
    fn._tf_aware = True
    return fn


# __torch_function__: each generated function checks `_ON[0]` (one list read) before anything else; an argument
# the op rejects with a TypeError may be a non-Tensor Tensor-like (it then gets the call), see _torch_function.
_ON, _NOT_HANDLED, _tf = _torch_function.ON, _torch_function.NOT_HANDLED, _torch_function


def _foreign(fn, args, kwargs):
    r = _tf.foreign(fn, args, kwargs)
    if r is _NOT_HANDLED:
        raise
    return r


def _make_method(op):
    def method(self, *args, **kwargs):
        if _ON[0]:
            r = _tf.handle(method, (self,) + args, kwargs)
            if r is not _NOT_HANDLED:
                return r
        try:
            return dispatch.call(op, (self,) + args, kwargs)
        except TypeError:
            return _foreign(method, (self,) + args, kwargs)
    method.__name__ = method.__qualname__ = op.name
    method._tf_aware = True
    return method


def _make_inplace(op):
    def method(self, *args, **kwargs):
        if _ON[0]:
            r = _tf.handle(method, (self,) + args, kwargs)
            if r is not _NOT_HANDLED:
                return r
        try:
            return dispatch.inplace(op, self, args, kwargs)
        except TypeError:
            return _foreign(method, (self,) + args, kwargs)
    method.__name__ = method.__qualname__ = op.name + "_"
    method._tf_aware = True
    return method


def install():
    from . import layout_ops
    layout_ops.mark(OPS)
    out_checks.mark(OPS)
    for op in OPS.values():
        if op.function:
            f = _make_function(op)
            for n in (op.name,) + op.aliases:
                FUNCTIONS.setdefault(n, f)
        if op.method:
            m = _make_method(op)
            for n in (op.name,) + op.method_aliases:
                if n not in Tensor.__dict__:
                    setattr(Tensor, n, m)
        if op.inplace:
            m = _make_inplace(op)
            for n in (op.name,) + op.method_aliases:
                if n + "_" not in Tensor.__dict__:
                    setattr(Tensor, n + "_", m)
            if op.function:                      # torch.relu_(x), torch.sigmoid_(x) ...
                for n in (op.name,) + op.aliases:
                    FUNCTIONS.setdefault(n + "_", m)
    for name, (fn, method, function) in views.VIEWS.items():
        if method and name not in Tensor.__dict__:
            setattr(Tensor, name, fn)
        if function:
            FUNCTIONS.setdefault(name, _torch_function.dispatchable(fn, python=False))
    for name, fn in views.PROPERTIES.items():
        setattr(Tensor, name, property(fn))
    for name in ("new_zeros", "new_ones", "new_empty", "new_full", "new_tensor"):
        setattr(Tensor, name, getattr(creation, name))


install()
