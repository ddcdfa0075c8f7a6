"""torch.fx.passes.shape_prop: ShapeProp runs a GraphModule and records each node's TensorMetadata."""
from __future__ import annotations

from typing import NamedTuple

from ..interpreter import Interpreter
from ..node import map_aggregate

__all__ = ["TensorMetadata", "ShapeProp"]


class TensorMetadata(NamedTuple):
    shape: object
    dtype: object
    requires_grad: bool
    stride: tuple
    memory_format: object
    is_quantized: bool
    qparams: dict


def _extract_tensor_metadata(result, include_contiguity=True):
    import torchlike
    memory_format = None
    if include_contiguity:
        for mf in (torchlike.contiguous_format, torchlike.channels_last, torchlike.channels_last_3d):
            if result.is_contiguous(memory_format=mf):
                memory_format = mf
                break
    return TensorMetadata(result.shape, result.dtype, result.requires_grad, result.stride(), memory_format,
                          result.is_quantized if hasattr(result, "is_quantized") else False, {})


class ShapeProp(Interpreter):
    """`ShapeProp(gm).propagate(*inputs)`: after it, node.meta['tensor_meta'] holds each tensor-valued node's
    TensorMetadata (shape, dtype, requires_grad, stride, memory_format, ...) and node.meta['type'] its type."""

    def __init__(self, gm, fake_mode=None):
        super().__init__(gm)
        self.fake_mode = fake_mode

    def run_node(self, n):
        import torchlike
        result = super().run_node(n)
        found = [False]

        def extract(obj):
            if isinstance(obj, torchlike.Tensor):
                found[0] = True
                return _extract_tensor_metadata(obj)
            return obj
        meta = map_aggregate(result, extract)
        if found[0]:
            n.meta["tensor_meta"] = meta
        n.meta["type"] = type(result)
        return result

    def propagate(self, *args):
        return super().run(*args)
