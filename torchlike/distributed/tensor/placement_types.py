"""torch.distributed.tensor.placement_types: how a DTensor is laid out over one DeviceMesh dimension (Shard,
_StridedShard, Replicate, Partial). Placements are immutable values with PyTorch's equality, hashing and printed
forms, plus the chunk arithmetic of sharding (torch.chunk semantics); moving data between placements needs a
communication backend and lives with DTensor."""
from __future__ import annotations

from enum import IntEnum

__all__ = ["Placement", "Shard", "Replicate", "Partial"]


def _chunk_size_and_offset(size, num_chunks, index):
    """(size, offset) of piece `index` when `size` elements are split like torch.chunk into num_chunks pieces."""
    full = -(-size // num_chunks)
    start = min(full * index, size)
    return max(0, min(size, start + full) - start), start


class Placement:
    """The base of all placements."""
    __slots__ = ()

    def is_shard(self, dim=None):
        return False

    def is_replicate(self):
        return False

    def is_partial(self, reduce_op=None):
        return False


class Shard(Placement):
    """Shard(dim): each rank of the mesh dimension holds the torch.chunk piece of tensor dimension `dim`."""
    __slots__ = ("_dim",)

    def __init__(self, dim=0):
        self._dim = int(dim)

    @property
    def dim(self):
        return self._dim

    def is_shard(self, dim=None):
        return dim is None or dim == self._dim

    @staticmethod
    def local_shard_size_and_offset(curr_local_size, num_chunks, rank):
        """(size, offset) of rank's shard of a dimension of curr_local_size elements split into num_chunks."""
        return _chunk_size_and_offset(curr_local_size, num_chunks, rank)

    def _local_shard_size_and_offset(self, curr_local_size, num_chunks, rank):
        return Shard.local_shard_size_and_offset(curr_local_size, num_chunks, rank)

    def __eq__(self, other):
        return type(other) is type(self) and other._dim == self._dim

    def __hash__(self):
        return hash(self._dim)

    def __repr__(self):
        return f"Shard(dim={self._dim})"

    def __str__(self):
        return f"S({self._dim})"


class _StridedShardOffsetMode(IntEnum):
    FIRST = 0
    ALL = 1
    NONE = 2


class _StridedShard(Placement):
    """Right-to-left sharding of one dimension (FSDP2 over tensor parallelism): the dimension is first split into
    split_factor pieces, and this mesh dimension shards each piece; a rank holds its part of every piece."""
    __slots__ = ("_dim", "_split_factor")

    def __init__(self, dim, *, split_factor=1, sf=None):
        if sf is not None:
            if split_factor != 1:
                raise TypeError("_StridedShard received both split_factor and sf")
            split_factor = sf
        self._dim = int(dim)
        self._split_factor = int(split_factor)

    @property
    def dim(self):
        return self._dim

    @property
    def split_factor(self):
        return self._split_factor

    def local_shard_size_and_offset(self, curr_local_size, num_chunks, rank,
                                    offset_mode=_StridedShardOffsetMode.FIRST):
        """(size, offsets) of rank's indices: FIRST gives the first index (-1 when empty), ALL the list of them,
        NONE no offsets."""
        offset_mode = _StridedShardOffsetMode(offset_mode)
        indices = []
        for piece in range(self._split_factor):
            plen, pstart = _chunk_size_and_offset(curr_local_size, self._split_factor, piece)
            slen, sstart = _chunk_size_and_offset(plen, num_chunks, rank)
            indices.extend(range(pstart + sstart, pstart + sstart + slen))
        if offset_mode is _StridedShardOffsetMode.NONE:
            return len(indices), None
        if offset_mode is _StridedShardOffsetMode.FIRST:
            return len(indices), (indices[0] if indices else -1)
        return len(indices), indices

    def _local_shard_size_and_offset(self, curr_local_size, num_chunks, rank,
                                     offset_mode=_StridedShardOffsetMode.FIRST):
        return self.local_shard_size_and_offset(curr_local_size, num_chunks, rank, offset_mode)

    def __eq__(self, other):
        return (isinstance(other, _StridedShard) and self._dim == other._dim
                and self._split_factor == other._split_factor)

    def __hash__(self):
        return hash((self._dim, self._split_factor))

    def __repr__(self):
        return f"_StridedShard(dim={self._dim}, sf={self._split_factor})"

    def __str__(self):
        return f"_S({self._dim}, {self._split_factor})"


class Replicate(Placement):
    """Every rank of the mesh dimension holds the whole tensor."""
    __slots__ = ()

    def is_replicate(self):
        return True

    def __eq__(self, other):
        return isinstance(other, Replicate)

    def __hash__(self):
        return -1

    def __repr__(self):
        return "Replicate()"

    def __str__(self):
        return "R"


class Partial(Placement):
    """Every rank holds a partial value; the tensor is their reduction by reduce_op ("sum", "avg", ...)."""
    __slots__ = ("_reduce_op",)
    LINEAR_REDUCE_OPS = ("sum", "avg")
    ALL_REDUCE_OPS = ("sum", "avg", "min", "max", "product")

    def __init__(self, reduce_op="sum"):
        self._reduce_op = "sum" if reduce_op is None else reduce_op

    @property
    def reduce_op(self):
        return self._reduce_op

    def is_partial(self, reduce_op=None):
        return reduce_op is None or reduce_op == self._reduce_op

    def __eq__(self, other):
        return isinstance(other, Partial) and other._reduce_op == self._reduce_op

    def __hash__(self):
        return 1 + hash(self._reduce_op)

    def __repr__(self):
        return f"Partial({self._reduce_op})"

    def __str__(self):
        return f"P({self._reduce_op})"


_Partial = Partial


def _is_shard_like(p):
    """Shard or _StridedShard."""
    return isinstance(p, (Shard, _StridedShard))
