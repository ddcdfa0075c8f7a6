"""torch.distributed for a single process: PyTorch's API surface with its CPU-build semantics before a process group
exists (`is_available()` True, `is_initialized()` False, calls needing the default group raise PyTorch's ValueError).
No communication backend is built in yet; see distributed_c10d for how one registers. docs/guide.md, "Distributed"."""
from . import distributed_c10d
from ._store import HashStore, Store
from .distributed_c10d import (  # noqa: F401
    Backend, DistBackendError, DistError, DistNetworkError, DistStoreError, GroupMember, ProcessGroup, ReduceOp,
    all_gather, all_gather_into_tensor, all_gather_object, all_reduce, all_to_all, all_to_all_single, barrier,
    broadcast, broadcast_object_list, default_pg_timeout, destroy_process_group, gather, gather_object,
    get_backend, get_default_backend_for_device, get_global_rank, get_group_rank, get_node_local_rank, get_pg_count,
    get_process_group_ranks, get_rank, get_world_size, group, init_process_group, irecv, is_backend_available,
    is_gloo_available, is_initialized, is_mpi_available, is_nccl_available, is_torchelastic_launched,
    is_ucc_available, is_xccl_available, isend, monitored_barrier, new_group, recv, reduce, reduce_op,
    reduce_scatter, reduce_scatter_tensor, scatter, scatter_object_list, send,
)


def is_available():
    """True: the torch.distributed package is part of this build (as in PyTorch's CPU wheels)."""
    return True
