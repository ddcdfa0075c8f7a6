"""torch.nn.parallel.DistributedDataParallel: replicas in several processes kept in sync. It needs a process group
(the default one unless given): without init_process_group it raises PyTorch's ValueError. It broadcasts rank 0's
parameters and buffers at construction (and the buffers before each training forward with broadcast_buffers), and
averages the gradients across the group during backward: they are gathered into buckets (~bucket_cap_mb each, in
reverse parameter order as PyTorch), and a bucket is flattened and all-reduced as soon as its gradients are all
accumulated, so communication overlaps the rest of the backward pass (_reducer)."""
from __future__ import annotations

from ...distributed import distributed_c10d as dist
from ...distributed.algorithms.join import Join, Joinable, JoinHook
from ..modules.module import Module
from ._reducer import Reducer, broadcast_coalesced, torch_is_grad_enabled


class DistributedDataParallel(Module, Joinable):
    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True, init_sync=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None,
                 skip_all_reduce_unused_params=False, **kwargs):
        super().__init__()
        Joinable.__init__(self)
        if (delay_all_reduce_named_params is not None) != (param_to_hook_all_reduce is not None):
            raise ValueError("delay_all_reduce_named_params and param_to_hook_all_reduce need to be set at the same "
                             "time.")
        if process_group and device_mesh is not None:
            raise RuntimeError("Cannot specify both process_group and device_mesh arguments.")
        if process_group is None and device_mesh is None:
            self.process_group = dist._get_default_group()
        elif device_mesh is None:
            self.process_group = process_group
        else:
            self.device_mesh = device_mesh
            self.process_group = device_mesh.get_group(mesh_dim=0)
        if not any(p.requires_grad for p in module.parameters()):
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter that "
                               "requires a gradient.")
        self.module = module
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters, self.static_graph = find_unused_parameters, static_graph
        self.require_backward_grad_sync = True
        if init_sync:
            self._sync_module_states()
        self._world_size = dist.get_world_size(self.process_group)
        cap = 25 if bucket_cap_mb is None else bucket_cap_mb
        self.reducer = Reducer([p for p in module.parameters() if p.requires_grad], self.process_group,
                               int(cap * 1024 * 1024), find_unused_parameters, lambda: self.require_backward_grad_sync)

    def _sync_module_states(self):
        broadcast_coalesced(list(self.module.parameters()) + list(self.module.buffers()), self.process_group)

    def forward(self, *inputs, **kwargs):
        if self.broadcast_buffers and torch_is_grad_enabled() and self.require_backward_grad_sync:
            buffers = list(self.module.buffers())
            if buffers:
                broadcast_coalesced(buffers, self.process_group)
        return self.module(*inputs, **kwargs)

    def no_sync(self):
        """Context manager: gradients accumulate locally, without synchronisation, inside it."""
        import contextlib

        @contextlib.contextmanager
        def ctx():
            old = self.require_backward_grad_sync
            self.require_backward_grad_sync = False
            try:
                yield
            finally:
                self.require_backward_grad_sync = old
        return ctx()

    def join_hook(self, **kwargs):
        return JoinHook()

    @property
    def join_device(self):
        return next(self.module.parameters()).device

    @property
    def join_process_group(self):
        return self.process_group

    def join(self, divide_by_initial_world_size=True, enable=True, throw_on_early_termination=False):
        return Join([self], enable, throw_on_early_termination)
