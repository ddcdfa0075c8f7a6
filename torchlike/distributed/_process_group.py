"""The 'gloo' (and, with a JAX CUDA plugin, 'nccl') process group: PyTorch's c10d collectives on JAX's distributed
runtime (_jax_runtime). Collectives write their results into the given tensors in place, as PyTorch's do; each
returns a Work (JAX dispatches asynchronously, so `async_op=True` overlaps with the caller until `wait()`)."""
from __future__ import annotations

import pickle
import time
from datetime import timedelta

import jax.numpy as jnp
import numpy as np

from . import _jax_runtime as R
from .distributed_c10d import ProcessGroup, ReduceOp

_OPS = {ReduceOp.RedOpType.SUM: "sum", ReduceOp.RedOpType.AVG: "avg", ReduceOp.RedOpType.PRODUCT: "product",
        ReduceOp.RedOpType.MIN: "min", ReduceOp.RedOpType.MAX: "max", ReduceOp.RedOpType.BAND: "band",
        ReduceOp.RedOpType.BOR: "bor", ReduceOp.RedOpType.BXOR: "bxor"}


class Work:
    """A collective in flight: wait() blocks until its results are in the output tensors."""

    def __init__(self, outputs=(), arrays=(), on_wait=None, ready=None):
        self._outputs, self._arrays, self._on_wait, self._ready = list(outputs), list(arrays), on_wait, ready
        self._done = False

    def wait(self, timeout=None):
        if not self._done:
            if self._on_wait is not None:
                self._on_wait()
            for a in self._arrays:
                a.block_until_ready()
            self._done = True
        return True

    def is_completed(self):
        if self._done:
            return True
        if self._ready is not None:
            return bool(self._ready())
        return all(a.is_ready() for a in self._arrays)

    def is_success(self):
        return self.is_completed()

    def exception(self):
        return None

    def result(self):
        self.wait()
        return self._outputs

    def synchronize(self):
        self.wait()


def _shape(t):
    return "(" + ", ".join(str(s) for s in t.shape) + ")"


def _op_name(op):
    op = op.op if isinstance(op, ReduceOp) else ReduceOp.RedOpType(int(op))
    if op not in _OPS:
        raise ValueError(f"Cannot use {op} with Gloo")
    return _OPS[op]


def _bytes_of(obj):
    return np.frombuffer(pickle.dumps(obj), np.uint8)


class ProcessGroupJax(ProcessGroup):
    """One process per rank, every rank of the world in the group."""

    def __init__(self, store, rank, size, timeout, backend="gloo"):
        super().__init__(store, rank, size)
        self._timeout = timeout
        self._backend_name = backend
        self._sent, self._received, self._barriers = {}, {}, 0

    def name(self):
        return self._backend_name

    def _subgroup(self, name, timeout=None):
        pg = ProcessGroupJax(self._store, self._rank, self._size, timeout or self._timeout, self._backend_name)
        pg._group_name = name
        return pg

    def _shutdown(self):
        R.shutdown()

    def _timeout_ms(self):
        t = self._timeout
        return int((t.total_seconds() if isinstance(t, timedelta) else float(t)) * 1000)

    def _check_root(self, kind, root):
        if root is None or not 0 <= root < self._size:
            raise RuntimeError(f"ProcessGroupGloo::{kind}: invalid root rank: {root}")

    def _done(self, outputs, arrays):
        return Work(outputs, arrays)

    # ------------------------------------------------------------ reductions and copies
    def allreduce(self, tensor, op=ReduceOp.SUM):
        out = R.run(tensor._value(), R.reducer(_op_name(op)))
        tensor._assign(out)
        return self._done([tensor], [out])

    def reduce(self, tensor, dst, op=ReduceOp.SUM):
        self._check_root("reduce", dst)
        out = R.run(tensor._value(), R.reducer(_op_name(op)))
        if self._rank == dst:
            tensor._assign(out)
        return self._done([tensor], [out])

    def broadcast(self, tensor, src):
        self._check_root("broadcast", src)
        out = R.run(tensor._value(), R.row_taker(src))
        tensor._assign(out)
        return self._done([tensor], [out])

    def _gathered(self, tensor):
        return R.run(tensor._value(), R.identity)

    def allgather(self, tensor_list, tensor):
        if len(tensor_list) != self._size:
            raise RuntimeError(f"ProcessGroupGloo::allgather: invalid output tensor list at index 0 (expected length "
                               f"{self._size}, got {len(tensor_list)})")
        for i, t in enumerate(tensor_list):
            if tuple(t.shape) != tuple(tensor.shape):
                raise RuntimeError(f"ProcessGroupGloo::allgather: invalid tensor size at index {i} (expected "
                                   f"{_shape(tensor)}, got {_shape(t)})")
        out = self._gathered(tensor)
        for i, t in enumerate(tensor_list):
            t._assign(out[i])
        return self._done(tensor_list, [out])

    def allgather_into_tensor(self, output, input):
        if output.numel() != input.numel() * self._size:
            want = (input.shape[0] * self._size,) + tuple(input.shape[1:]) if input.dim() else (self._size,)
            raise RuntimeError(f"ProcessGroupGloo::allgather: invalid tensor size at index 0 (expected "
                               f"({', '.join(map(str, want))}), got {_shape(output)})")
        out = self._gathered(input)
        output._assign(out.reshape(tuple(output.shape)))
        return self._done([output], [out])

    def gather(self, tensor, gather_list, dst):
        self._check_root("gather", dst)
        if self._rank == dst:
            n = len(gather_list or [])
            if n != self._size:
                raise RuntimeError(f"ProcessGroupGloo::gather: Incorrect output list size {n}. Output list size "
                                   f"should be {self._size}, same as size of the process group.")
        elif gather_list:
            raise RuntimeError("ProcessGroupGloo::gather: Argument ``gather_list`` must NOT be specified on "
                               "non-destination ranks.")
        out = self._gathered(tensor)
        if self._rank == dst:
            for i, t in enumerate(gather_list):
                t._assign(out[i])
        return self._done(gather_list or [], [out])

    def scatter(self, tensor, scatter_list, src):
        self._check_root("scatter", src)
        if self._rank == src:
            if not scatter_list:
                raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
            if len(scatter_list) != self._size:
                raise RuntimeError(f"ProcessGroupGloo::scatter: Incorrect input list size {len(scatter_list)}. "
                                   f"Input list size should be {self._size}, same as size of the process group.")
            rows = jnp.stack([t._value().astype(tensor._dtype.np) for t in scatter_list])
        else:
            if scatter_list:
                raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
            rows = jnp.zeros((self._size,) + tuple(tensor.shape), tensor._dtype.np)
        out = R.run(rows, R.row_taker(src), out_sharded=True)
        tensor._assign(out)
        return self._done([tensor], [out])

    def reduce_scatter(self, output, input_list, op=ReduceOp.SUM):
        if len(input_list) != self._size:
            raise RuntimeError("invalid input tensor list size, must be world size")
        rows = jnp.stack([t._value() for t in input_list])
        out = R.run(rows, R.reducer(_op_name(op)), out_sharded=True)
        output._assign(out.reshape(tuple(output.shape)))
        return self._done([output], [out])

    def reduce_scatter_tensor(self, output, input, op=ReduceOp.SUM):
        if input.numel() != output.numel() * self._size:
            raise ValueError("input tensor must be the same size as output size times world size")
        rows = input._value().reshape((self._size,) + tuple(output.shape))
        out = R.run(rows, R.reducer(_op_name(op)), out_sharded=True)
        output._assign(out)
        return self._done([output], [out])

    # ------------------------------------------------------------ all-to-all (chunks of any size, padded)
    def _exchange(self, chunks):
        """chunks[r] goes to rank r; returns the flat chunks received from every rank."""
        counts = np.array([int(np.prod(c.shape)) for c in chunks], np.int32)
        sizes = np.asarray(R.run(jnp.asarray(counts), R.identity))          # [sender, receiver]
        width = max(int(sizes.max()), 1)
        buf = jnp.stack([jnp.pad(c.ravel(), (0, width - c.size)) for c in chunks])
        got = R.run(buf, R.transpose_rows, out_sharded=True)                 # [sender, width]
        return [got[s, :int(sizes[s, self._rank])] for s in range(self._size)]

    def alltoall(self, output_list, input_list):
        if len(output_list) != self._size or len(input_list) != self._size:
            raise RuntimeError("ProcessGroupGloo::alltoall: Number of tensors in input and output lists must equal "
                               "the world size")
        got = self._exchange([t._value() for t in input_list])
        for t, g in zip(output_list, got):
            if g.size != t.numel():
                raise RuntimeError(f"ProcessGroupGloo::alltoall: received {g.size} elements for an output tensor "
                                   f"of {t.numel()}")
            t._assign(g.reshape(tuple(t.shape)).astype(t._dtype.np))
        return self._done(output_list, got)

    def _split(self, n, sizes, what):
        if not sizes:
            if n % self._size:
                raise RuntimeError(f"Tensor's dim 0 does not divide equally across group size")
            return [n // self._size] * self._size
        if len(sizes) != self._size or sum(sizes) != n:
            raise RuntimeError(f"Split sizes doesn't match total dim 0 size")
        return list(sizes)

    def alltoall_base(self, output, input, output_split_sizes=None, input_split_sizes=None):
        rest = tuple(input.shape[1:])
        ins = self._split(input.shape[0], input_split_sizes, "input")
        outs = self._split(output.shape[0], output_split_sizes, "output")
        value, starts = input._value(), np.cumsum([0] + ins)
        got = self._exchange([value[starts[i]:starts[i] + ins[i]] for i in range(self._size)])
        pieces = [g.reshape((outs[i],) + rest) for i, g in enumerate(got)]
        out = jnp.concatenate(pieces) if pieces else value[:0]
        output._assign(out.reshape(tuple(output.shape)))
        return self._done([output], got)

    # ------------------------------------------------------------ synchronisation
    def barrier(self):
        self._barriers += 1
        R.wait_at_barrier(f"torchlike/barrier/{self._group_name}/{self._barriers}", self._timeout_ms())
        return Work()

    def monitored_barrier(self, timeout=None, wait_all_ranks=False):
        self._barriers += 1
        t = self._timeout if timeout is None else timeout
        ms = int((t.total_seconds() if isinstance(t, timedelta) else float(t)) * 1000)
        R.wait_at_barrier(f"torchlike/barrier/{self._group_name}/{self._barriers}", ms)
        return Work()

    # ------------------------------------------------------------ point to point: bytes through the coordinator
    def send(self, tensor, dst, tag=0):
        if dst == self._rank:
            raise ValueError("Invalid destination rank: destination rank should not be the same as the rank of the "
                             "current process.")
        n = self._sent.get((dst, tag), 0)
        self._sent[(dst, tag)] = n + 1
        key = f"torchlike/p2p/{self._group_name}/{self._rank}/{dst}/{tag}/{n}"
        R.key_value_set(key, np.asarray(tensor._value()).tobytes())
        return Work([tensor])

    def recv(self, tensor, src, tag=0):
        if src == self._rank:
            raise ValueError("Invalid source rank: source rank should not be the same as the rank of the current "
                             "process.")

        def key(s):
            return f"torchlike/p2p/{self._group_name}/{s}/{self._rank}/{tag}/{self._received.get((s, tag), 0)}"

        def fetch():
            if src is not None:
                data = R.key_value_get(key(src), self._timeout_ms())
                s = src
            else:
                deadline = time.monotonic() + self._timeout_ms() / 1000
                while True:
                    found = [(s, R.key_value_try_get(key(s))) for s in range(self._size) if s != self._rank]
                    found = [(s, d) for s, d in found if d is not None]
                    if found:
                        s, data = found[0]
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError("recv: timed out waiting for a message from any rank")
                    time.sleep(0.001)
            R.key_value_delete(key(s))
            self._received[(s, tag)] = self._received.get((s, tag), 0) + 1
            arr = np.frombuffer(data, tensor._dtype.np)
            if arr.size != tensor.numel():
                raise RuntimeError(f"recv: received {arr.size} elements for a tensor of {tensor.numel()}")
            tensor._assign(jnp.asarray(arr.reshape(tuple(tensor.shape))))
            work._source = s

        work = Work([tensor], on_wait=fetch,
                    ready=lambda: src is not None and R.key_value_try_get(key(src)) is not None)
        work._source = src
        return work

    # ------------------------------------------------------------ Python objects: pickled into uint8 rows
    def _all_bytes(self, data):
        sizes = np.asarray(R.run(jnp.asarray([data.size], jnp.int32), R.identity))[:, 0]
        width = max(int(sizes.max()), 1)
        rows = np.asarray(R.run(jnp.asarray(np.pad(data, (0, width - data.size))), R.identity))
        return [rows[r, :sizes[r]].tobytes() for r in range(self._size)]

    def allgather_object(self, object_list, obj):
        if len(object_list) < self._size:
            raise IndexError("list assignment index out of range")
        for r, b in enumerate(self._all_bytes(_bytes_of(obj))):
            object_list[r] = pickle.loads(b)
        return Work()

    def gather_object(self, obj, object_gather_list, dst):
        self._check_root("gather", dst)
        got = self._all_bytes(_bytes_of(obj))
        if self._rank == dst:
            if object_gather_list is None or len(object_gather_list) < self._size:
                raise ValueError("Argument ``object_gather_list`` must be specified on destination rank.")
            for r, b in enumerate(got):
                object_gather_list[r] = pickle.loads(b)
        return Work()

    def broadcast_object_list(self, object_list, src):
        self._check_root("broadcast", src)
        mine = [_bytes_of(o) for o in object_list] if self._rank == src else [np.zeros(0, np.uint8)] * len(object_list)
        sizes = np.asarray(R.run(jnp.asarray([b.size for b in mine], jnp.int32), R.row_taker(src)))
        payload = np.concatenate(mine) if self._rank == src and mine else np.zeros(int(sizes.sum()), np.uint8)
        data = np.asarray(R.run(jnp.asarray(payload), R.row_taker(src))).tobytes()
        start = 0
        for i, n in enumerate(sizes):
            object_list[i] = pickle.loads(data[start:start + int(n)])
            start += int(n)
        return Work()

    def scatter_object_list(self, output_list, input_list, src):
        self._check_root("scatter", src)
        if self._rank == src and (input_list is None or len(input_list) != self._size):
            raise ValueError("Argument ``scatter_object_input_list`` must be specified on source rank.")
        objs = list(input_list) if self._rank == src else [None] * self._size
        self.broadcast_object_list(objs, src)
        output_list[0] = objs[self._rank]
        return Work()


def create(store, rank, world_size, timeout, backend="gloo"):
    """The backend factory registered for 'gloo' (and 'nccl'): joins the JAX runtime, then makes the group."""
    address = getattr(store, "address", None) or R.env_address(None)
    if world_size > 1 and address is None:
        raise ValueError("torchlike's process group needs the coordinator's address: pass init_method='tcp://host:"
                         "port' or set MASTER_ADDR and MASTER_PORT")
    R.initialize(address, world_size, rank, timeout)
    return ProcessGroupJax(store, rank, world_size, timeout, backend)


def create_nccl(store, rank, world_size, timeout):
    return create(store, rank, world_size, timeout, "nccl")
