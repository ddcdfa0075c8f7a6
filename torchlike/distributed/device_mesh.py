"""torch.distributed.device_mesh: a DeviceMesh is built over the default process group, which it initialises (env://)
when none exists, as in PyTorch; without a communication backend that raises PyTorch's rendezvous/backend errors."""
from __future__ import annotations

from . import distributed_c10d as c10d

__all__ = ["init_device_mesh", "DeviceMesh"]


class DeviceMesh:
    def __init__(self, device_type, mesh, *, mesh_dim_names=None, backend_override=None, _init_backend=True):
        if not c10d.is_initialized():
            c10d.init_process_group()
        import numpy as np
        self.device_type = device_type
        self.mesh = np.asarray(mesh.tolist() if hasattr(mesh, "tolist") else mesh, dtype=np.int64)
        self.mesh_dim_names = tuple(mesh_dim_names) if mesh_dim_names else None
        if self.mesh.size != c10d.get_world_size():
            raise RuntimeError(f"DeviceMesh of size {self.mesh.size} does not match the world size "
                               f"{c10d.get_world_size()}")

    @property
    def ndim(self):
        return self.mesh.ndim

    @property
    def shape(self):
        return tuple(self.mesh.shape)

    def size(self, mesh_dim=None):
        return int(self.mesh.size if mesh_dim is None else self.mesh.shape[mesh_dim])

    def get_rank(self):
        return c10d.get_rank()

    def get_coordinate(self):
        """This rank's coordinates in the mesh (None when it is not part of it)."""
        import numpy as np
        where = np.argwhere(self.mesh == c10d.get_rank())
        return [int(c) for c in where[0]] if len(where) else None

    def get_group(self, mesh_dim=None):
        return c10d.GroupMember.WORLD

    def _get_root_mesh(self):
        return self

    def __repr__(self):
        names = f", mesh_dim_names={self.mesh_dim_names}" if self.mesh_dim_names else ""
        return f"DeviceMesh('{self.device_type}', {self.mesh.tolist()}{names})"


def init_device_mesh(device_type, mesh_shape, *, mesh_dim_names=None, backend_override=None):
    import numpy as np
    if not c10d.is_initialized():
        c10d.init_process_group()
    return DeviceMesh(device_type, np.arange(int(np.prod(mesh_shape))).reshape(mesh_shape),
                      mesh_dim_names=mesh_dim_names)

