"""torch.distributed.rpc on a build without the RPC framework: `is_available()` is False and the module holds only
that, exactly as PyTorch's rpc package on builds compiled without it (libraries check is_available() or hasattr)."""

__all__ = ["is_available"]


def is_available():
    """False: no RPC agent (TensorPipe) exists on this backend."""
    return False
