"""torch.distributed._composable.fsdp: the older import path of FSDP2 (torch.distributed.fsdp)."""
from ...fsdp import (  # noqa: F401
    CPUOffloadPolicy, FSDPModule, MixedPrecisionPolicy, OffloadPolicy, fully_shard, register_fsdp_forward_method,
)
