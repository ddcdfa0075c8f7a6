"""torch._dynamo._trace_wrapped_higher_order_op: TransformGetItemToIndex (transformers imports it at load time).

In PyTorch it is a TorchFunctionMode that turns `tensor[scalar_tensor]` into `torch.index_select` so that vmap can
trace it; torchlike's indexing with a 0-d tensor already works under torch.func.vmap (JAX), so the mode has nothing
to rewrite."""
from __future__ import annotations


class TransformGetItemToIndex:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __torch_function__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))
