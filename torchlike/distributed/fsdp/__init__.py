"""torch.distributed.fsdp (see fully_sharded_data_parallel.py)."""
from .api import (  # noqa: F401
    BackwardPrefetch, CPUOffload, FullOptimStateDictConfig, FullStateDictConfig, LocalOptimStateDictConfig,
    LocalStateDictConfig, MixedPrecision, OptimStateDictConfig, ShardedOptimStateDictConfig, ShardedStateDictConfig,
    ShardingStrategy, StateDictConfig, StateDictSettings, StateDictType,
)
from .fully_sharded_data_parallel import FullyShardedDataParallel, OptimStateKeyType  # noqa: F401


class FSDPModule:
    """The class fully_shard mixes into a module (FSDP2); modules become instances only through fully_shard."""


def fully_shard(module, *, mesh=None, reshard_after_forward=None, shard_placement_fn=None, mp_policy=None,
                offload_policy=None, ignored_params=None):
    from ..device_mesh import init_device_mesh
    mesh = mesh if mesh is not None else init_device_mesh("cpu", (dist_world_size(),))
    raise RuntimeError("fully_shard: the device mesh has no communication backend to shard parameters with")


def dist_world_size():
    from .. import distributed_c10d
    return distributed_c10d.get_world_size()
