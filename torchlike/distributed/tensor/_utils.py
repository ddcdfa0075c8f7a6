"""torch.distributed.tensor._utils: the shape arithmetic of sharding (no communication)."""
from __future__ import annotations


def _chunk(n, parts, index):
    """Size and offset of chunk `index` when n elements split like torch.chunk into `parts` pieces."""
    full = -(-n // parts) if parts else 0
    offset = min(full * index, n)
    return max(0, min(full, n - offset)), offset


def compute_local_shape_and_global_offset(global_shape, mesh, placements, skip_offset=False):
    """This rank's (local_shape, global_offset) of a tensor of global_shape sharded over mesh by placements."""
    coordinate = mesh.get_coordinate()
    if coordinate is None:
        return (0,), ()
    local, offset = list(global_shape), [0] * len(global_shape)
    for mesh_dim, placement in enumerate(placements):
        if placement.is_shard():
            d = placement.dim
            size, off = _chunk(local[d], mesh.size(mesh_dim), coordinate[mesh_dim])
            local[d] = size
            offset[d] += off
    return tuple(local), tuple(offset)
