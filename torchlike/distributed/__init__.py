"""torch.distributed on JAX's distributed runtime: `init_process_group('gloo')` joins the processes with
jax.distributed.initialize and the collectives run as JAX programs across them (_process_group, _jax_runtime). Before
a process group exists the API behaves as PyTorch's (calls needing the default group raise its ValueError).
docs/guide.md, "Distributed"."""
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
from . import _jax_runtime as _rt, _process_group as _pg

Backend._plugins["GLOO"] = _pg.create               # collectives on JAX's distributed runtime (gloo on the CPU)
if _rt.cuda_plugin_installed():
    Backend._plugins["NCCL"] = _pg.create_nccl      # ... and NCCL where JAX has its CUDA plugin


def is_available():
    """True: the torch.distributed package is part of this build (as in PyTorch's CPU wheels)."""
    return True
