"""FSDP2 (torch.distributed.fsdp.fully_shard): its policy dataclasses and the FSDPModule type. fully_shard builds its
DeviceMesh over the default process group (initialising it from env:// when none exists, as in PyTorch); sharding
parameters then needs a communication backend, which torchlike does not have yet."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CPUOffloadPolicy", "DataParallelMeshDims", "FSDPModule", "fully_shard", "MixedPrecisionPolicy",
           "OffloadPolicy", "register_fsdp_forward_method", "UnshardHandle", "share_comm_ctx"]


@dataclass(frozen=True)
class MixedPrecisionPolicy:
    """Module-level mixed precision: the dtype of unsharded parameters, of gradient reduction, of outputs."""
    param_dtype: object = None
    reduce_dtype: object = None
    output_dtype: object = None
    cast_forward_inputs: bool = True


@dataclass
class OffloadPolicy:
    """No offloading (the default offload_policy)."""


@dataclass
class CPUOffloadPolicy(OffloadPolicy):
    """Sharded parameters, gradients and optimizer state live on CPU (pinned when pin_memory)."""
    pin_memory: bool = True


@dataclass
class DataParallelMeshDims:
    """The mesh dimension names FSDP shards over and replicates over (HSDP/DDP)."""
    shard: object = None
    replicate: object = None

    def __post_init__(self):
        if self.shard is None and self.replicate is None:
            raise ValueError("At least one of shard or replicate must be set in DataParallelMeshDims")

    @staticmethod
    def _names(value):
        return () if value is None else (value,) if isinstance(value, str) else tuple(value)

    @property
    def shard_names(self):
        return self._names(self.shard)

    @property
    def replicate_names(self):
        return self._names(self.replicate)


class FSDPModule:
    """The class fully_shard mixes into a module; modules become instances only through fully_shard."""


class UnshardHandle:
    """A handle to wait on FSDPModule.unshard."""

    def wait(self):
        return


def fully_shard(module, *, mesh=None, reshard_after_forward=None, shard_placement_fn=None, mp_policy=None,
                offload_policy=None, ignored_params=None):
    from .. import distributed_c10d
    from ..device_mesh import init_device_mesh
    if mesh is None:  # the default mesh spans the default group, initialised from env:// when absent
        if not distributed_c10d.is_initialized():
            distributed_c10d.init_process_group()
        mesh = init_device_mesh("cpu", (distributed_c10d.get_world_size(),))
    raise RuntimeError("fully_shard: the device mesh has no communication backend to shard parameters with")


def register_fsdp_forward_method(module, method_name):
    """A no-op for a module that is not an FSDPModule (as in PyTorch)."""
    if not isinstance(module, FSDPModule):
        return
    if not hasattr(module, method_name):
        raise ValueError(f"{type(module)} does not have a method {method_name}")


def share_comm_ctx(modules):
    for module in modules:
        if not isinstance(module, FSDPModule):
            raise ValueError(f"Expects list of FSDPModules but got {module}")


for _cls in (CPUOffloadPolicy, DataParallelMeshDims, FSDPModule, fully_shard, MixedPrecisionPolicy, OffloadPolicy,
             register_fsdp_forward_method, UnshardHandle, share_comm_ctx):
    _cls.__module__ = "torch.distributed.fsdp"
del _cls
