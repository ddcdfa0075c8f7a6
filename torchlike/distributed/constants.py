"""torch.distributed.constants: default process-group timeouts (NCCL's is None on a build without NCCL)."""
from datetime import timedelta

__all__ = ["default_pg_timeout", "default_pg_nccl_timeout"]

default_pg_timeout = timedelta(minutes=30)
default_pg_nccl_timeout = None
