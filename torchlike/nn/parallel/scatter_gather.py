"""Split inputs across devices (scatter) and bring outputs back to one device (gather), recursing through tuples,
lists and dicts as torch.nn.parallel.scatter_gather does."""
from __future__ import annotations

from ..._tensor import Tensor


def _device(d):
    from ..._device import device
    if isinstance(d, int):
        return device("cuda", d)
    return device(d)


def scatter(inputs, target_gpus, dim=0):
    """Chunks of each tensor along dim, one per target device; other objects are repeated."""
    def scatter_map(obj):
        if isinstance(obj, Tensor):
            return tuple(c.to(_device(d)) for c, d in zip(obj.chunk(len(target_gpus), dim), target_gpus))
        if isinstance(obj, tuple) and len(obj) > 0:
            if hasattr(obj, "_fields"):
                return [type(obj)(*args) for args in zip(*map(scatter_map, obj))]
            return list(zip(*map(scatter_map, obj)))
        if isinstance(obj, list) and len(obj) > 0:
            return [list(i) for i in zip(*map(scatter_map, obj))]
        if isinstance(obj, dict) and len(obj) > 0:
            return [type(obj)(i) for i in zip(*map(scatter_map, obj.items()))]
        return [obj for _ in target_gpus]
    return scatter_map(inputs)


def scatter_kwargs(inputs, kwargs, target_gpus, dim=0):
    scattered_inputs = scatter(inputs, target_gpus, dim) if inputs else []
    scattered_kwargs = scatter(kwargs, target_gpus, dim) if kwargs else []
    if len(scattered_inputs) < len(scattered_kwargs):
        scattered_inputs.extend(() for _ in range(len(scattered_kwargs) - len(scattered_inputs)))
    elif len(scattered_kwargs) < len(scattered_inputs):
        scattered_kwargs.extend({} for _ in range(len(scattered_inputs) - len(scattered_kwargs)))
    return tuple(scattered_inputs), tuple(scattered_kwargs)


def gather(outputs, target_device, dim=0):
    """Concatenate per-device outputs along dim on target_device (-1: the CPU)."""
    from ... import cat

    def gather_map(outs):
        out = outs[0]
        if isinstance(out, Tensor):
            dev = _device("cpu") if target_device == -1 else _device(target_device)
            return cat([o.to(dev) for o in outs], dim)
        if out is None:
            return None
        if isinstance(out, dict):
            if not all(len(out) == len(d) for d in outs):
                raise ValueError("All dicts must have the same number of keys")
            return type(out)((k, gather_map([d[k] for d in outs])) for k in out)
        return type(out)(map(gather_map, zip(*outs)))
    return gather_map(outputs)
