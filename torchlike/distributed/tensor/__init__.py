"""torch.distributed.tensor: DTensor and its placements. A DTensor lives on a DeviceMesh, which needs an initialised
process group (see torchlike/distributed/device_mesh.py); the class and placements exist for programs that check
for them (isinstance) or describe sharding."""
from __future__ import annotations

from ..._tensor import Tensor
from ..device_mesh import DeviceMesh, init_device_mesh  # noqa: F401
from . import placement_types  # noqa: F401
from .placement_types import Partial, Placement, Replicate, Shard  # noqa: F401

__all__ = ["DTensor", "distribute_tensor", "distribute_module", "Shard", "Replicate", "Partial", "Placement"]


def _mesh(device_mesh):
    return device_mesh if device_mesh is not None else init_device_mesh("cpu", (1,))


class DTensor(Tensor):
    """A tensor distributed over a DeviceMesh."""

    # as PyTorch's DTensor (which works below __torch_function__): defining the class does not switch the
    # protocol on for every op of the process
    from ..._torch_function import _disabled_torch_function_impl as __torch_function__

    @classmethod
    def from_local(cls, local_tensor, device_mesh=None, placements=None, *, run_check=False, shape=None,
                   stride=None):
        _mesh(device_mesh)
        raise RuntimeError("DTensor: no communication backend is available to distribute tensors")


def distribute_tensor(tensor, device_mesh=None, placements=None, *, src_data_rank=0):
    return DTensor.from_local(tensor, _mesh(device_mesh), placements)


def distribute_module(module, device_mesh=None, partition_fn=None, input_fn=None, output_fn=None):
    _mesh(device_mesh)
    raise RuntimeError("distribute_module: no communication backend is available to distribute modules")
