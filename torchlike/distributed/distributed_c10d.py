"""torch.distributed's process-group layer (c10d), single process.

What exists: the names, types and checks of PyTorch's API; `is_initialized()` is False and every call that needs the
default process group raises PyTorch's ValueError, exactly as PyTorch does before `init_process_group`. No
communication backend is built into torchlike yet (gloo/nccl/mpi/ucc/xccl all report unavailable, as on a PyTorch
build without them), so `init_process_group` raises PyTorch's "doesn't have <backend> built in" RuntimeError. A
backend (e.g. on jax.distributed) plugs in by registering a ProcessGroup factory with `Backend.register_backend`: the
collectives below resolve their group and call its methods, nothing here fakes a result.
"""
from __future__ import annotations

import enum
import os
import warnings

from .constants import default_pg_timeout

_NOT_INITIALIZED = "Default process group has not been initialized, please make sure to call init_process_group."


class DistError(RuntimeError):
    pass


class DistBackendError(DistError):
    pass


class DistNetworkError(DistError):
    pass


class DistStoreError(DistError):
    pass


class Backend(str):
    """A backend name: Backend('GLOO') == 'gloo'. Unknown names raise ValueError as in PyTorch."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    XCCL = "xccl"
    UCC = "ucc"
    MPI = "mpi"
    FAKE = "fake"
    backend_list = [UNDEFINED, GLOO, NCCL, XCCL, UCC, MPI, FAKE]
    default_device_backend_map = {"cpu": GLOO, "cuda": NCCL, "xpu": XCCL}
    backend_capability = {GLOO: ["cpu", "cuda"], NCCL: ["cuda"], XCCL: ["xpu"], UCC: ["cpu", "cuda"], MPI: ["cpu", "cuda"]}
    _plugins: dict = {}

    def __new__(cls, name: str):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        if value == Backend.UNDEFINED:
            value = name.lower()
        return super().__new__(cls, value)

    @classmethod
    def register_backend(cls, name, func, extended_api=False, devices=None):
        """Register a process-group factory `func(store, rank, world_size, timeout)` for backend `name`."""
        setattr(Backend, name.upper(), name.lower())
        cls.backend_list.append(name.lower())
        for d in ([devices] if isinstance(devices, str) else devices or ["cpu", "cuda"]):
            cls.default_device_backend_map.setdefault(d, name.lower())
        cls.backend_capability[name.lower()] = list([devices] if isinstance(devices, str) else devices or ["cpu", "cuda"])
        cls._plugins[name.upper()] = func


class ReduceOp:
    """Reduction operations: ReduceOp.SUM, ... (members of ReduceOp.RedOpType, as in PyTorch)."""

    class RedOpType(enum.IntEnum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7
        PREMUL_SUM = 8
        UNUSED = 9

        def __repr__(self):
            return f"<RedOpType.{self.name}: {self.value}>"

        def __str__(self):
            return f"RedOpType.{self.name}"

    def __init__(self, op=None):
        self.op = ReduceOp.RedOpType(0 if op is None else op)

    def __eq__(self, other):
        return self.op == (other.op if isinstance(other, ReduceOp) else other)

    def __hash__(self):
        return hash(self.op)

    def __repr__(self):
        return repr(self.op)


for _m in ReduceOp.RedOpType:
    if _m.name != "UNUSED":
        setattr(ReduceOp, _m.name, _m)


class _reduce_op:
    """Deprecated torch.distributed.reduce_op."""

    def __init__(self):
        for m in ReduceOp.RedOpType:
            if m.name not in ("AVG", "PREMUL_SUM", "UNUSED"):
                object.__setattr__(self, m.name, m)

    def __getattribute__(self, key):
        warnings.warn("`torch.distributed.reduce_op` is deprecated, please use `torch.distributed.ReduceOp` instead",
                      FutureWarning, stacklevel=2)
        return object.__getattribute__(self, key)


reduce_op = _reduce_op()


class ProcessGroup:
    """A group of ranks. A backend subclasses it and implements the collectives (allreduce, broadcast, ...)."""

    def __init__(self, store=None, rank=0, size=1):
        self._store, self._rank, self._size = store, rank, size
        self._group_name = ""

    def rank(self):
        return self._rank

    def size(self):
        return self._size

    @property
    def group_name(self):
        return self._group_name

    def name(self):
        return type(self).__name__


class GroupMember:
    WORLD = None
    NON_GROUP_MEMBER = -100


class group:
    WORLD = None


_group_class = group


class _World:
    """The default group and its bookkeeping (one per process)."""
    default_pg = None
    pg_map: dict = {}
    pg_group_ranks: dict = {}
    group_count = 0


_world = _World()


def _get_default_group():
    if not is_initialized():
        raise ValueError(_NOT_INITIALIZED)
    return _world.default_pg


def _group_or_default(group):
    return _get_default_group() if group is None or group is GroupMember.WORLD else group


def _rank_not_in_group(group):
    if group is None:
        return False
    return group == GroupMember.NON_GROUP_MEMBER


# ---------------------------------------------------------------- availability (a build with no backend compiled in)

def is_mpi_available():
    return False


def is_nccl_available():
    return "NCCL" in Backend._plugins


def is_gloo_available():
    return "GLOO" in Backend._plugins


def is_ucc_available():
    return False


def is_xccl_available():
    return False


def is_backend_available(backend):
    if backend.upper() in Backend._plugins:
        return True
    available = getattr(__import__(__name__, fromlist=["x"]), f"is_{backend.lower()}_available", None)
    return available() if available is not None else False


def is_initialized():
    return _world.default_pg is not None


def is_torchelastic_launched():
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def get_default_backend_for_device(device):
    dev = str(device).split(":")[0]
    if dev not in Backend.default_device_backend_map:
        raise ValueError(f"Default backend not registered for device : {device}")
    return Backend.default_device_backend_map[dev]


# ---------------------------------------------------------------- process groups

def _env_rendezvous_check(rank, world_size):
    """PyTorch's env:// rendezvous needs these variables (rank/world size unless passed)."""
    needed = (["RANK"] if rank == -1 else []) + (["WORLD_SIZE"] if world_size == -1 else []) + \
        ["MASTER_ADDR", "MASTER_PORT"]
    for var in needed:
        if var not in os.environ:
            raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: environment variable "
                             f"{var} expected, but not set")


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    if is_initialized():
        raise ValueError("trying to initialize the default process group twice!")
    if store is None and (init_method is None or init_method.startswith("env://")):
        _env_rendezvous_check(rank, world_size)
    if init_method and "?" in init_method:          # tcp://host:port?rank=0&world_size=2
        from urllib.parse import parse_qs
        query = parse_qs(init_method.split("?", 1)[1])
        rank = int(query.get("rank", [rank])[0])
        world_size = int(query.get("world_size", [world_size])[0])
    name = Backend(backend) if backend else Backend.GLOO
    factory = Backend._plugins.get(name.upper())
    if factory is None:
        built = {"gloo": "Gloo", "nccl": "NCCL", "mpi": "MPI", "xccl": "XCCL", "ucc": "UCC"}
        if name in built:
            raise RuntimeError(f"Distributed package doesn't have {built[name]} built in")
        raise RuntimeError(f"Invalid backend: '{backend}'")
    if world_size == -1:
        world_size = int(os.environ.get("WORLD_SIZE", 1))
    if rank == -1:
        rank = int(os.environ.get("RANK", 0))
    if store is None:
        from ._jax_runtime import env_address
        from ._store import CoordinatorStore
        store = CoordinatorStore(env_address(init_method))
        if timeout is not None:
            store.set_timeout(timeout)
    pg = factory(store, rank, world_size, timeout or default_pg_timeout)
    _world.default_pg = pg
    _world.pg_map[pg] = (name, store)
    _world.pg_group_ranks[pg] = {i: i for i in range(world_size)}
    GroupMember.WORLD = _group_class.WORLD = pg


def destroy_process_group(group=None):
    pg = group or GroupMember.WORLD
    assert pg is not None, "Process group cannot be None"
    if pg is _world.default_pg:
        if hasattr(pg, "_shutdown"):
            pg._shutdown()
        _world.default_pg = None
        _world.pg_map.clear()
        _world.pg_group_ranks.clear()
        GroupMember.WORLD = _group_class.WORLD = None
    else:
        _world.pg_map.pop(pg, None)
        _world.pg_group_ranks.pop(pg, None)


def get_rank(group=None):
    pg = _group_or_default(group)
    return pg.rank()


def get_world_size(group=None):
    pg = _group_or_default(group)
    return pg.size()


def get_backend(group=None):
    pg = _group_or_default(group)
    return Backend(_world.pg_map[pg][0])


def get_process_group_ranks(group):
    return list(_world.pg_group_ranks[_group_or_default(group)].keys())


def get_global_rank(group, group_rank):
    for g, r in _world.pg_group_ranks[_group_or_default(group)].items():
        if r == group_rank:
            return g
    raise ValueError(f"Group rank {group_rank} is not part of group {group}")


def get_group_rank(group, global_rank):
    ranks = _world.pg_group_ranks[_group_or_default(group)]
    if global_rank not in ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return ranks[global_rank]


def get_node_local_rank(fallback_rank=None):
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError("LOCAL_RANK is not in the environment. Consider passing fallback_rank to allow "
                       "`get_node_local_rank` to work, assuming you are not running in a multi-device context and "
                       "want the code to run locally instead.")


def get_pg_count():
    return len(_world.pg_map)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    default = _get_default_group()
    world = default.size()
    if ranks is not None and sorted(ranks) != list(range(world)):
        raise RuntimeError("new_group: torchlike's process groups span every rank (subgroups of some ranks are not "
                           "supported)")
    if not hasattr(default, "_subgroup"):
        raise RuntimeError("new_group: the process group backend cannot create subgroups")
    _world.group_count += 1
    pg = default._subgroup(str(_world.group_count), timeout)
    _world.pg_map[pg] = _world.pg_map[default]
    _world.pg_group_ranks[pg] = {i: i for i in range(world)}
    return pg


# ---------------------------------------------------------------- collectives: resolve the group, call its backend

def _collective(method):
    def call(*args, group=None, async_op=False, **kwargs):
        pg = _group_or_default(group)
        if _rank_not_in_group(pg):
            return None
        work = getattr(pg, method)(*args, **kwargs)
        if async_op:
            return work
        if work is not None:
            work.wait()
        return None
    call.__name__ = method
    return call


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    return _collective("allreduce")(tensor, op=op, group=group, async_op=async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    return _collective("reduce")(tensor, dst if group_dst is None else group_dst, op=op, group=group, async_op=async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    return _collective("broadcast")(tensor, src if group_src is None else group_src, group=group, async_op=async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    return _collective("allgather")(tensor_list, tensor, group=group, async_op=async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    return _collective("allgather_into_tensor")(output_tensor, input_tensor, group=group, async_op=async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    return _collective("gather")(tensor, gather_list, dst if group_dst is None else group_dst, group=group,
                                 async_op=async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    return _collective("scatter")(tensor, scatter_list, src if group_src is None else group_src, group=group,
                                  async_op=async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    return _collective("reduce_scatter")(output, input_list, op=op, group=group, async_op=async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    return _collective("reduce_scatter_tensor")(output, input, op=op, group=group, async_op=async_op)


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    return _collective("alltoall")(output_tensor_list, input_tensor_list, group=group, async_op=async_op)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None, async_op=False):
    return _collective("alltoall_base")(output, input, output_split_sizes, input_split_sizes, group=group,
                                        async_op=async_op)


def barrier(group=None, async_op=False, device_ids=None):
    return _collective("barrier")(group=group, async_op=async_op)


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    return _collective("monitored_barrier")(timeout, wait_all_ranks, group=group)


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    _collective("send")(tensor, dst if group_dst is None else group_dst, tag, group=group)


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    _collective("recv")(tensor, src if group_src is None else group_src, tag, group=group)
    return src


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    return _collective("send")(tensor, dst if group_dst is None else group_dst, tag, group=group, async_op=True)


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    return _collective("recv")(tensor, src if group_src is None else group_src, tag, group=group, async_op=True)


def all_gather_object(object_list, obj, group=None):
    return _collective("allgather_object")(object_list, obj, group=group)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    return _collective("broadcast_object_list")(object_list, src if group_src is None else group_src, group=group)


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    return _collective("gather_object")(obj, object_gather_list, dst if group_dst is None else group_dst, group=group)


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    return _collective("scatter_object_list")(scatter_object_output_list, scatter_object_input_list,
                                              src if group_src is None else group_src, group=group)
