"""torch.distributed._functional_collectives: out-of-place collectives (the input is left unmodified, a new tensor is
returned) and their autograd variants, over the c10d layer. The group may be a ProcessGroup, a DeviceMesh, or a
(DeviceMesh, mesh_dim) pair, as in PyTorch. The work is done by the group's backend through distributed_c10d;
collectives here complete before returning, so `wait_tensor` has nothing left to wait for."""
from __future__ import annotations

import warnings

from . import distributed_c10d as c10d

__all__ = ["wait_tensor", "broadcast", "all_reduce", "all_gather_tensor", "all_gather_tensor_autograd",
           "reduce_scatter_tensor", "reduce_scatter_tensor_autograd", "all_to_all_single",
           "all_to_all_single_autograd", "all_reduce_coalesced", "all_gather_into_tensor_coalesced",
           "reduce_scatter_tensor_coalesced"]

_REDUCE_OPS = {"sum": "SUM", "avg": "AVG", "product": "PRODUCT", "min": "MIN", "max": "MAX", "band": "BAND",
               "bor": "BOR", "bxor": "BXOR", "premul_sum": "PREMUL_SUM"}


def _torch():
    import torchlike
    return torchlike


def _resolve_group(group, tag=""):
    """The ProcessGroup a collective runs on: PyTorch's accepted group forms; anything else is a ValueError."""
    from .device_mesh import DeviceMesh
    if isinstance(group, c10d.ProcessGroup):
        return group
    if isinstance(group, str):
        for pg in c10d._world.pg_map:
            if pg.group_name == group:
                return pg
        raise RuntimeError(f"Could not resolve the process group registered under the name {group}")
    if isinstance(group, DeviceMesh):
        if group.ndim != 1:
            raise AssertionError("Only 1D mesh is supported, pass in (DeviceMesh, int) together if mesh > 1D")
        return group.get_group()
    if isinstance(group, tuple):
        if len(group) == 2 and isinstance(group[0], DeviceMesh) and isinstance(group[1], int):
            return group[0].get_group(group[1])
        raise ValueError("Invalid tuple for group must be (DeviceMesh, int). Instead got "
                         f"{(type(group[0]), type(group[1]))}")
    if isinstance(group, list):
        warnings.warn("The combination of ranks + tag as process group identifier has been deprecated. Please "
                      "switch to using ProcessGroup, DeviceMesh, or group name instead.", FutureWarning, stacklevel=3)
        return c10d.new_group(group)
    raise ValueError(f"Unsupported group type: {type(group)}, {group}")


def _op(reduce_op):
    name = _REDUCE_OPS.get(str(reduce_op).lower())
    if name is None:
        raise ValueError(f"Unrecognized reduce operation {reduce_op}")
    return getattr(c10d.ReduceOp, name)


def _group_size(pg):
    return c10d.get_world_size(pg)


def wait_tensor(tensor):
    """Wait on a tensor returned by a functional collective: these complete eagerly, so it is returned as is."""
    return tensor


def broadcast(self, src, group, tag=""):
    pg = _resolve_group(group, tag)
    out = self.clone()
    c10d.broadcast(out, src, group=pg)
    return out


def all_reduce(self, reduceOp, group, tag=""):
    pg = _resolve_group(group, tag)
    out = self.clone()
    c10d.all_reduce(out, op=_op(reduceOp), group=pg)
    return out


def all_gather_tensor(self, gather_dim, group, tag=""):
    """Every rank's tensor concatenated along gather_dim (in rank order)."""
    torch = _torch()
    pg = _resolve_group(group, tag)
    n = _group_size(pg)
    src = self.contiguous()
    out = torch.empty((n * src.shape[0],) + tuple(src.shape[1:]), dtype=src.dtype, device=src.device)
    c10d.all_gather_into_tensor(out, src, group=pg)
    if gather_dim != 0:
        out = torch.cat(torch.chunk(out, n, dim=0), dim=gather_dim)
    return out


def reduce_scatter_tensor(self, reduceOp, scatter_dim, group, tag=""):
    """The reduction over ranks of `self`, split along scatter_dim; this rank keeps its piece."""
    torch = _torch()
    pg = _resolve_group(group, tag)
    n = _group_size(pg)
    if self.size(scatter_dim) % n != 0:
        raise AssertionError(f"input dimension 0 ({self.size(0)} must be a multiple of group_size {n})")
    src = self
    if scatter_dim != 0:
        src = torch.cat(torch.chunk(self, n, dim=scatter_dim), dim=0)
    src = src.contiguous()
    out = torch.empty((src.shape[0] // n,) + tuple(src.shape[1:]), dtype=src.dtype, device=src.device)
    c10d.reduce_scatter_tensor(out, src, op=_op(reduceOp), group=pg)
    return out


def all_to_all_single(self, output_split_sizes, input_split_sizes, group, tag=""):
    """Rank r's i-th input split goes to rank i, which receives them concatenated in rank order (dim 0)."""
    torch = _torch()
    pg = _resolve_group(group, tag)
    src = self.contiguous()
    rows = src.shape[0] if output_split_sizes is None else sum(int(s) for s in output_split_sizes)
    out = torch.empty((rows,) + tuple(src.shape[1:]), dtype=src.dtype, device=src.device)
    c10d.all_to_all_single(out, src, None if output_split_sizes is None else list(output_split_sizes),
                           None if input_split_sizes is None else list(input_split_sizes), group=pg)
    return out


def all_reduce_coalesced(self, reduceOp, group, tag=""):
    return [all_reduce(t, reduceOp, group, tag) for t in self]


def all_gather_into_tensor_coalesced(self, group, tag=""):
    return [all_gather_tensor(t, 0, group, tag) for t in self]


def reduce_scatter_tensor_coalesced(inputs, reduceOp, scatter_dim, group, tag=""):
    return [reduce_scatter_tensor(t, reduceOp, d, group, tag) for t, d in zip(inputs, scatter_dim)]


# ---------------------------------------------------------------- autograd variants: backward is the dual collective

def _function(forward, backward):
    from ..autograd import Function

    class _Collective(Function):
        @staticmethod
        def forward(ctx, x, *args):
            ctx.args = args
            return forward(x, *args)

        @staticmethod
        def backward(ctx, grad):
            return (backward(grad, *ctx.args),) + (None,) * len(ctx.args)

    return _Collective


def _all_gather_backward(grad, gather_dim, group, tag):
    return reduce_scatter_tensor(grad, "sum", gather_dim, group, tag)


def _reduce_scatter_backward(grad, reduceOp, scatter_dim, group, tag):
    if str(reduceOp).lower() != "sum":
        raise RuntimeError(f"Only sum is supported for the backward of reduce_scatter_tensor, got {reduceOp}")
    return all_gather_tensor(grad, scatter_dim, group, tag)


def _all_to_all_backward(grad, output_split_sizes, input_split_sizes, group, tag):
    return all_to_all_single(grad, input_split_sizes, output_split_sizes, group, tag)


def all_gather_tensor_autograd(self, gather_dim, group, tag=""):
    """all_gather_tensor whose gradient is the reduce-scatter (sum) of the output's gradient."""
    return _function(all_gather_tensor, _all_gather_backward).apply(self, gather_dim, group, tag)


def reduce_scatter_tensor_autograd(self, reduceOp, scatter_dim, group, tag=""):
    """reduce_scatter_tensor whose gradient is the all-gather of the output's gradient (sum only)."""
    return _function(reduce_scatter_tensor, _reduce_scatter_backward).apply(self, reduceOp, scatter_dim, group, tag)


def all_to_all_single_autograd(self, output_split_sizes, input_split_sizes, group, tag=""):
    """all_to_all_single whose gradient is the all-to-all of the output's gradient with the split sizes swapped."""
    return _function(all_to_all_single, _all_to_all_backward).apply(self, output_split_sizes, input_split_sizes,
                                                                   group, tag)
