"""default_collate / default_convert: turn a list of samples into a batch (torch.utils.data._utils.collate).

Type rules follow PyTorch: tensors are stacked; NumPy arrays and NumPy scalars become tensors; Python floats a
float64 tensor; Python ints (and bools) `torch.tensor(batch)`; str/bytes stay a list; mappings, namedtuples and
sequences are collated field by field.
"""
from __future__ import annotations

import collections
import copy
import re

import numpy as np

__all__ = ["collate", "default_collate", "default_convert", "default_collate_fn_map", "default_collate_err_msg_format",
           "collate_tensor_fn", "collate_numpy_array_fn", "collate_numpy_scalar_fn", "collate_float_fn",
           "collate_int_fn", "collate_str_fn"]

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                                  "found {}")


def _torch():
    import torchlike
    return torchlike


def default_convert(data):
    """NumPy arrays (also inside mappings and sequences) become tensors; everything else is left as it is."""
    torch = _torch()
    elem_type = type(data)
    if isinstance(data, torch.Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if elem_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        if isinstance(data, np.generic):   # keeps its dtype (np.float64 -> float64), as in PyTorch
            return torch.tensor(np.asarray(data))
        return torch.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def collate(batch, *, collate_fn_map=None):
    """Collate a batch, dispatching leaf types through `collate_fn_map` (exact type first, then isinstance)."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(fields)
                return clone
            return elem_type(fields)
        except TypeError:
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        fields = [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
        if isinstance(elem, tuple):
            return fields
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, f in enumerate(fields):
                    clone[i] = f
                return clone
            return elem_type(fields)
        except TypeError:
            return fields
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    torch = _torch()
    from ._worker import get_worker_info
    if get_worker_info() is not None:
        out = _stack_on_host(batch)
        if out is not None:
            return out
    return torch.stack(batch, 0)


def _stack_on_host(batch):
    """In a worker: stack same-shape, same-dtype CPU tensors with NumPy (no XLA compile), else None."""
    from ..._storage import Storage
    from ..._tensor import Tensor
    from ..._storage import contiguous_strides
    from ... import _device
    first = batch[0]
    if any(t.dtype is not first.dtype or t._size != first._size or t.device.type != "cpu" or t.requires_grad
           for t in batch):
        return None
    arr = np.stack([np.asarray(t.detach()._value()) for t in batch])
    size = arr.shape
    return Tensor._wrap(Storage(None, _device.CPU, first.dtype, np_buffer=arr.reshape(-1)), size,
                        contiguous_strides(size), 0, first.dtype, contig=True)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    torch = _torch()
    return collate([torch.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return _torch().as_tensor(np.asarray(batch) if batch and isinstance(batch[0], np.generic) else batch)


def collate_float_fn(batch, *, collate_fn_map=None):
    torch = _torch()
    return torch.tensor(batch, dtype=torch.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return _torch().tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


def _default_map():
    torch = _torch()
    return {torch.Tensor: collate_tensor_fn, np.ndarray: collate_numpy_array_fn,
            (np.bool_, np.number, np.object_): collate_numpy_scalar_fn, float: collate_float_fn, int: collate_int_fn,
            str: collate_str_fn, bytes: collate_str_fn}


default_collate_fn_map = _default_map()


def default_collate(batch):
    """Stack a list of samples into a batch (see the module docstring for the type rules)."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
