"""torch.distributed.fsdp.FullyShardedDataParallel: parameters sharded over a process group. Constructing one needs
an initialised process group (PyTorch's ValueError without one); sharding itself needs a communication backend."""
from __future__ import annotations

from enum import Enum, auto

from ...nn.modules.module import Module
from .. import distributed_c10d as dist
from .api import (  # noqa: F401
    BackwardPrefetch, CPUOffload, FullOptimStateDictConfig, FullStateDictConfig, LocalOptimStateDictConfig,
    LocalStateDictConfig, MixedPrecision, OptimStateDictConfig, ShardedOptimStateDictConfig, ShardedStateDictConfig,
    ShardingStrategy, StateDictConfig, StateDictSettings, StateDictType,
)


class OptimStateKeyType(Enum):
    PARAM_NAME = auto()
    PARAM_ID = auto()


class FullyShardedDataParallel(Module):
    def __init__(self, module, process_group=None, sharding_strategy=None, cpu_offload=None, auto_wrap_policy=None,
                 backward_prefetch=BackwardPrefetch.BACKWARD_PRE, mixed_precision=None, ignored_modules=None,
                 param_init_fn=None, device_id=None, sync_module_states=False, forward_prefetch=False,
                 limit_all_gathers=True, use_orig_params=False, ignored_states=None, device_mesh=None):
        super().__init__()
        from ... import cuda
        if not cuda.is_available():
            raise RuntimeError("FSDP needs a non-CPU accelerator device, but no accelerator device is detected.")
        group = dist._get_default_group() if process_group is None else process_group
        raise RuntimeError(f"FullyShardedDataParallel: the process group {group} has no communication backend to "
                           "shard parameters with")
