"""DistributedDataParallel's gradient reducer and coalesced broadcast.

Parameters are grouped into buckets (reverse registration order, one dtype and device per bucket, up to a byte cap).
A post-accumulate-grad hook marks a parameter ready; buckets are all-reduced strictly in order (every rank issues
the same collectives in the same order) as soon as they and the buckets before them are ready, each as ONE
all_reduce of its gradients flattened into one buffer (async: JAX runs it while backward goes on). A callback queued
on the autograd engine finishes the pass: buckets holding unused parameters are reduced then (with
find_unused_parameters a used-flag per parameter travels in the same buffer, so a parameter no rank used keeps
grad None, as in PyTorch), and the averaged gradients are written back into each parameter's .grad."""
from __future__ import annotations

import jax.numpy as jnp

from ...autograd import _engine
from ...autograd import grad_mode
from ...distributed import distributed_c10d as dist


def torch_is_grad_enabled():
    return grad_mode.is_grad_enabled()


def _groups(tensors, cap_bytes):
    """Consecutive runs of tensors with one dtype and device, each up to cap_bytes (at least one tensor)."""
    out, cur, size = [], [], 0
    for t in tensors:
        nbytes = t.numel() * t.element_size()
        if cur and (t.dtype != cur[0].dtype or t.device != cur[0].device or size + nbytes > cap_bytes):
            out.append(cur)
            cur, size = [], 0
        cur.append(t)
        size += nbytes
    if cur:
        out.append(cur)
    return out


def _flat(values):
    return jnp.concatenate([v.reshape(-1) for v in values]) if len(values) > 1 else values[0].reshape(-1)


def broadcast_coalesced(tensors, group, src=0):
    """Broadcast rank src's values of `tensors` (one collective per dtype) and write them in place."""
    from ..._tensor import from_array
    by_dtype = {}
    for t in tensors:
        by_dtype.setdefault((t.dtype, t.device), []).append(t)
    for ts in by_dtype.values():
        buf = from_array(_flat([t.detach()._value() for t in ts]))
        dist.broadcast(buf, src, group=group)
        value, start = buf._value(), 0
        for t in ts:
            n = t.numel()
            t.detach()._assign(value[start:start + n].reshape(tuple(t.shape)))
            start += n


class Reducer:
    def __init__(self, params, group, cap_bytes, find_unused, sync_enabled):
        self.group, self.find_unused, self.sync_enabled = group, find_unused, sync_enabled
        self.world = dist.get_world_size(group)
        self.buckets = _groups(list(reversed(params)), cap_bytes)
        self.where = {}
        for b, bucket in enumerate(self.buckets):
            for p in bucket:
                self.where[id(p)] = b
        self._reset()
        for p in params:
            p.register_post_accumulate_grad_hook(self._ready)

    def _reset(self):
        self.pending = [{id(p) for p in bucket} for bucket in self.buckets]
        self.used = set()
        self.works = [None] * len(self.buckets)
        self.next = 0
        self.active = False

    def _ready(self, param):
        if not self.sync_enabled():
            return
        if not self.active:
            self.active = True
            _engine.queue_callback(self._finish)
        b = self.where[id(param)]
        self.pending[b].discard(id(param))
        self.used.add(id(param))
        while self.next < len(self.buckets) and not self.pending[self.next]:
            self._launch(self.next)
            self.next += 1

    def _launch(self, b):
        from ..._tensor import from_array
        bucket = self.buckets[b]
        parts = []
        for p in bucket:
            g = p.grad
            parts.append(jnp.zeros(tuple(p.shape), p._dtype.np)
                         if g is None else g._value())
        flat = _flat(parts) / self.world                   # PyTorch divides before summing
        if self.find_unused:
            flags = jnp.asarray([1.0 if id(p) in self.used else 0.0 for p in bucket], flat.dtype)
            flat = jnp.concatenate([flat, flags])
        buf = from_array(flat.astype(parts[0].dtype))
        self.works[b] = (buf, dist.all_reduce(buf, group=self.group, async_op=True))

    def _finish(self):
        from ..._tensor import from_array
        try:
            while self.next < len(self.buckets):
                self._launch(self.next)
                self.next += 1
            for b, bucket in enumerate(self.buckets):
                buf, work = self.works[b]
                work.wait()
                value, start = buf._value(), 0
                flags = value[-len(bucket):] if self.find_unused else None
                for i, p in enumerate(bucket):
                    n = p.numel()
                    g = value[start:start + n].reshape(tuple(p.shape))
                    start += n
                    if flags is not None and float(flags[i]) == 0 and p.grad is None:
                        continue                           # no rank used it: grad stays None
                    if p.grad is None:
                        p.grad = from_array(g, p.dtype, p.device)
                    else:
                        p.grad._assign(g)
        finally:
            self._reset()
