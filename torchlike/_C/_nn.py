"""torch._C._nn: `_parse_to` (Module.to's argument parser), as PyTorch's."""
from __future__ import annotations


def _parse_to(*args, **kwargs):
    """(device, dtype, non_blocking, memory_format) from Tensor.to/Module.to-style arguments:
    to(device=None, dtype=None, non_blocking=False, copy=False, *, memory_format=None), to(dtype, ...),
    to(tensor, ...)."""
    from .._device import device as Device
    from .._dtype import dtype as DType
    from .._tensor import Tensor
    non_blocking = kwargs.pop("non_blocking", False)
    memory_format = kwargs.pop("memory_format", None)
    kwargs.pop("copy", None)
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got unexpected keyword argument "
                        f"'{next(iter(kwargs))}'")
    args = list(args)
    if args and isinstance(args[0], Tensor):
        t = args.pop(0)
        dev, dt = t.device, t.dtype
    elif args and isinstance(args[0], DType):
        dt = args.pop(0)
    elif args and (isinstance(args[0], (str, Device, int)) or args[0] is None):
        d = args.pop(0)
        dev = d
        if args and isinstance(args[0], DType):
            dt = args.pop(0)
    if args and isinstance(args[0], bool):
        non_blocking = args.pop(0)
    if args and isinstance(args[0], bool):
        args.pop(0)           # copy
    if dev is not None and not isinstance(dev, Device):
        if isinstance(dev, int) and not isinstance(dev, bool):
            from .. import cuda
            if cuda.device_count() == 0:
                raise RuntimeError("Cannot access accelerator device when none is available.")
            dev = Device("cuda", dev)
        else:
            dev = Device(dev)
    return dev, dt, bool(non_blocking), memory_format
