"""Joining processes into one JAX runtime (jax.distributed) and running collectives as JAX programs across them.

Each process contributes its local array as one row of a global array sharded over a mesh with one device per
process; a jitted function of that global array (a sum over the rows, a row, a transpose of rows ...) whose output
is replicated or sharded is compiled by XLA into the matching collective (all-reduce, broadcast, all-gather,
reduce-scatter, all-to-all), run by gloo on the CPU and NCCL on GPUs. Nothing here opens a socket of its own: the
rendezvous, barriers and point-to-point bytes go through the JAX coordinator's key-value store.
"""
from __future__ import annotations

import functools
import importlib.util
import os
import sys
from datetime import timedelta

import jax
import jax.numpy as jnp
import numpy as np

_state = {"client": None, "world": 1, "rank": 0}


def cuda_plugin_installed():
    """True where a JAX CUDA plugin is installed (NCCL available), found without starting a JAX backend."""
    return any(importlib.util.find_spec(m) is not None for m in ("jax_cuda12_plugin", "jax_cuda13_plugin"))


def _backends_started():
    from jax._src import xla_bridge
    return bool(xla_bridge.backends_are_initialized())


def initialize(address, world_size, rank, timeout):
    """jax.distributed.initialize for this process (a no-op for a world of one)."""
    _state.update(world=world_size, rank=rank)
    if world_size == 1:
        return
    if _backends_started():
        raise RuntimeError("init_process_group: JAX's runtime has already started in this process (a tensor or JAX "
                           "computation ran before init_process_group); call init_process_group first")
    try:
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    except Exception:                              # pragma: no cover - option absent in an older jax
        pass
    seconds = int(timeout.total_seconds()) if isinstance(timeout, timedelta) else int(timeout)
    jax.distributed.initialize(coordinator_address=address, num_processes=world_size, process_id=rank,
                               initialization_timeout=max(seconds, 1))
    from jax._src import distributed
    _state["client"] = distributed.global_state.client
    jax.devices()               # start the backend now: the processes exchange their topologies (the rendezvous)
    _install_failure_exit()


def _install_failure_exit():
    """A rank failing with an uncaught exception exits at once with status 1, as a PyTorch worker does, instead of
    waiting in jax.distributed's exit barrier for ranks that may be blocked in a collective with it."""
    previous = sys.excepthook

    def hook(kind, value, tb):
        previous(kind, value, tb)
        exit_now(1)
    sys.excepthook = hook


def exit_now(code):
    """End a process that is still in a multi-process group without the runtime's exit barrier."""
    if _state["client"] is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def shutdown():
    if _state["client"] is not None:
        _state["client"] = None
        jax.distributed.shutdown()
    _state.update(world=1, rank=0)


def client():
    return _state["client"]


def key_value_set(key, value: bytes):
    _state["client"].key_value_set_bytes(key, value)


def key_value_get(key, timeout_ms):
    return _state["client"].blocking_key_value_get_bytes(key, timeout_ms)


def key_value_try_get(key):
    try:
        return _state["client"].key_value_try_get_bytes(key)
    except Exception:       # not there yet
        return None


def key_value_delete(key):
    _state["client"].key_value_delete(key)


def wait_at_barrier(name, timeout_ms):
    if _state["client"] is not None:
        _state["client"].wait_at_barrier(name, timeout_ms)


# ---------------------------------------------------------------- the mesh: one device per process

@functools.lru_cache(maxsize=None)
def _mesh(platform):
    from jax.sharding import Mesh
    firsts = {}
    for d in jax.devices(platform):
        firsts.setdefault(d.process_index, d)
    devices = [firsts[p] for p in sorted(firsts)]
    return Mesh(np.array(devices), ("r",))


def _local_device(platform):
    return _mesh(platform).devices[_state["rank"]] if _state["world"] > 1 else jax.local_devices(backend=platform)[0]


@functools.lru_cache(maxsize=None)
def _program(fn, platform, out_sharded):
    from jax.sharding import NamedSharding, PartitionSpec as P
    mesh = _mesh(platform)
    return jax.jit(fn, out_shardings=NamedSharding(mesh, P("r") if out_sharded else P()))


def run(local, fn, out_sharded=False):
    """fn applied to the global array whose row r is rank r's `local`: the replicated result, or (out_sharded) this
    rank's row of it. `fn` must be a hashable, module-level function or functools.partial."""
    platform = next(iter(local.devices())).platform if hasattr(local, "devices") else "cpu"
    if _state["world"] == 1:
        out = fn(jnp.asarray(local)[None])
        return out[0] if out_sharded else out
    from jax.sharding import NamedSharding, PartitionSpec as P
    mesh = _mesh(platform)
    row = jax.device_put(jnp.asarray(local)[None], _local_device(platform))
    glob = jax.make_array_from_single_device_arrays((_state["world"],) + tuple(local.shape),
                                                     NamedSharding(mesh, P("r")), [row])
    out = _program(fn, platform, out_sharded)(glob).addressable_data(0)
    return out[0] if out_sharded else out


# ---------------------------------------------------------------- the functions of the global array

def _acc(x):
    return x.astype(jnp.int32) if x.dtype == jnp.bool_ else x


def reduce_rows(x, op):
    """Reduce over the ranks (axis 0): op is 'sum', 'avg', 'product', 'min', 'max', 'band', 'bor', 'bxor'."""
    if op == "sum":
        r = _acc(x).sum(0)
    elif op == "avg":
        r = x.sum(0) / x.shape[0] if jnp.issubdtype(x.dtype, jnp.inexact) else x.sum(0) // x.shape[0]
    elif op == "product":
        r = _acc(x).prod(0)
    elif op == "min":
        r = x.min(0)
    elif op == "max":
        r = x.max(0)
    elif op == "band":
        r = functools.reduce(jnp.bitwise_and, list(x))
    elif op == "bor":
        r = functools.reduce(jnp.bitwise_or, list(x))
    else:
        r = functools.reduce(jnp.bitwise_xor, list(x))
    return r.astype(x.dtype)


def take_row(x, src):
    return x[src]


def identity(x):
    return x


def transpose_rows(x):
    """x[sender, receiver, ...] -> [receiver, sender, ...] (all-to-all)."""
    return jnp.swapaxes(x, 0, 1)


def reducer(op):
    return functools.partial(reduce_rows, op=op)


def row_taker(src):
    return functools.partial(take_row, src=src)


def env_address(init_method):
    """host:port of the coordinator from init_method ('tcp://host:port' or 'env://') or MASTER_ADDR/MASTER_PORT."""
    if init_method and init_method.startswith("tcp://"):
        return init_method[len("tcp://"):].split("?")[0].rstrip("/")
    if init_method and init_method.startswith("file://"):
        raise RuntimeError("init_method='file://...' is not supported by torchlike's backend; use env:// or tcp://")
    addr, port = os.environ.get("MASTER_ADDR"), os.environ.get("MASTER_PORT")
    if addr is None or port is None:
        return None
    return f"{addr}:{port}"
