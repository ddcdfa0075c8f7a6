"""torch.distributed.tensor: DTensor and its placements. A DTensor lives on a DeviceMesh, which needs an initialised
process group (see torchlike/distributed/device_mesh.py); the class and placements exist for programs that check
for them (isinstance) or describe sharding."""
from __future__ import annotations

from ..._tensor import Tensor
from ..device_mesh import DeviceMesh, init_device_mesh  # noqa: F401

__all__ = ["DTensor", "distribute_tensor", "distribute_module", "Shard", "Replicate", "Partial", "Placement"]


class Placement:
    def is_shard(self, dim=None):
        return False

    def is_replicate(self):
        return False

    def is_partial(self, reduce_op=None):
        return False


class Shard(Placement):
    def __init__(self, dim):
        self.dim = dim

    def is_shard(self, dim=None):
        return dim is None or dim == self.dim

    def __eq__(self, other):
        return isinstance(other, Shard) and other.dim == self.dim

    def __hash__(self):
        return hash(("Shard", self.dim))

    def __repr__(self):
        return f"Shard(dim={self.dim})"

    def __str__(self):
        return f"S({self.dim})"


class Replicate(Placement):
    def is_replicate(self):
        return True

    def __eq__(self, other):
        return isinstance(other, Replicate)

    def __hash__(self):
        return hash("Replicate")

    def __repr__(self):
        return "Replicate()"

    def __str__(self):
        return "R"


class Partial(Placement):
    def __init__(self, reduce_op="sum"):
        self.reduce_op = reduce_op

    def is_partial(self, reduce_op=None):
        return reduce_op is None or reduce_op == self.reduce_op

    def __eq__(self, other):
        return isinstance(other, Partial) and other.reduce_op == self.reduce_op

    def __hash__(self):
        return hash(("Partial", self.reduce_op))

    def __repr__(self):
        return f"Partial({self.reduce_op})"

    def __str__(self):
        return f"P({self.reduce_op})"


def _mesh(device_mesh):
    return device_mesh if device_mesh is not None else init_device_mesh("cpu", (1,))


class DTensor(Tensor):
    """A tensor distributed over a DeviceMesh."""

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
