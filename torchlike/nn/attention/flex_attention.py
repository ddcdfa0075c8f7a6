"""torch.nn.attention.flex_attention: attention with a user score_mod and a block-sparse mask (BlockMask).

PyTorch vmaps score_mod/mask_mod over (batch, head, q_idx, kv_idx) scalars; here they are called once with index
tensors shaped to broadcast over (B, H, Q_LEN, KV_LEN) (batch (B,1,1,1), head (1,H,1,1), ...), which gives the same
values for the element-wise (and tensor-indexing) functions vmap accepts. The attention itself is computed densely
(the block structure selects which scores are kept, not which are computed); fully masked rows give 0 and lse -inf,
as in PyTorch."""
from __future__ import annotations

import itertools
import math
import warnings
from typing import NamedTuple

__all__ = ["BlockMask", "flex_attention", "AuxOutput", "AuxRequest", "FlexKernelOptions", "create_block_mask",
           "create_mask", "or_masks", "and_masks", "noop_mask"]

_DEFAULT_SPARSE_BLOCK_SIZE = 128
FlexKernelOptions = dict


def _torch():
    import torchlike
    return torchlike


class AuxRequest(NamedTuple):
    """Which auxiliary outputs flex_attention returns (return_aux=)."""
    lse: bool = False
    max_scores: bool = False


class AuxOutput(NamedTuple):
    lse: object = None
    max_scores: object = None


def noop_mask(batch, head, token_q, token_kv):
    """Attend everywhere."""
    return batch.new_ones(size=(), dtype=_torch().bool, device=batch.device)


def and_masks(*mask_mods):
    if not all(callable(m) for m in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def and_mask(b, h, q_idx, kv_idx):
        result = b.new_ones((), dtype=_torch().bool)
        for mod in mask_mods:
            result = result & mod(b, h, q_idx, kv_idx)
        return result
    return and_mask


def or_masks(*mask_mods):
    if not all(callable(m) for m in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def or_mask(b, h, q_idx, kv_idx):
        result = b.new_zeros((), dtype=_torch().bool)
        for mod in mask_mods:
            result = result | mod(b, h, q_idx, kv_idx)
        return result
    return or_mask


def _grid(B, H, Q_LEN, KV_LEN, device):
    """Index tensors that broadcast to (B, H, Q_LEN, KV_LEN)."""
    torch = _torch()
    return (torch.arange(B, device=device).view(B, 1, 1, 1), torch.arange(H, device=device).view(1, H, 1, 1),
            torch.arange(Q_LEN, device=device).view(1, 1, Q_LEN, 1),
            torch.arange(KV_LEN, device=device).view(1, 1, 1, KV_LEN))


def create_mask(mod_fn, B, H, Q_LEN, KV_LEN, device=None):
    """The dense (B, H, Q_LEN, KV_LEN) bool mask of a mask_mod (B or H None: size 1)."""
    B, H = B or 1, H or 1
    mask = mod_fn(*_grid(B, H, Q_LEN, KV_LEN, device))
    return mask.to(_torch().bool).expand(B, H, Q_LEN, KV_LEN).contiguous()


def _ordered(dense):
    """(num_blocks, indices): per row the count of set blocks and the block indices, set ones first (stable)."""
    torch = _torch()
    d = dense.to(torch.int32)
    return d.sum(-1).to(torch.int32), torch.argsort(d, dim=-1, descending=True, stable=True).to(torch.int32)


class BlockMask:
    """Which (BLOCK_SIZE x BLOCK_SIZE) blocks of the score matrix are computed: partial blocks (kv_*, mask_mod
    applied) and full blocks (full_kv_*, every score kept), with the transposed q_* views."""

    def __init__(self, seq_lengths, kv_num_blocks, kv_indices, full_kv_num_blocks, full_kv_indices, q_num_blocks,
                 q_indices, full_q_num_blocks, full_q_indices, BLOCK_SIZE, mask_mod):
        self.seq_lengths = tuple(seq_lengths)
        self.kv_num_blocks, self.kv_indices = kv_num_blocks, kv_indices
        self.full_kv_num_blocks, self.full_kv_indices = full_kv_num_blocks, full_kv_indices
        self.q_num_blocks, self.q_indices = q_num_blocks, q_indices
        self.full_q_num_blocks, self.full_q_indices = full_q_num_blocks, full_q_indices
        self.BLOCK_SIZE = tuple(BLOCK_SIZE)
        self.mask_mod = mask_mod if mask_mod is not None else noop_mask

    @classmethod
    def from_kv_blocks(cls, kv_num_blocks, kv_indices, full_kv_num_blocks=None, full_kv_indices=None,
                       BLOCK_SIZE=_DEFAULT_SPARSE_BLOCK_SIZE, mask_mod=None, seq_lengths=None,
                       compute_q_blocks=True):
        if kv_indices.dim() < 2:
            raise RuntimeError("BlockMask must have at least 2 dimensions")
        bs = BLOCK_SIZE if isinstance(BLOCK_SIZE, tuple) else (BLOCK_SIZE, BLOCK_SIZE)
        if seq_lengths is None:
            seq_lengths = (kv_indices.shape[-2] * bs[0], kv_indices.shape[-1] * bs[1])
        q = [None] * 4
        if compute_q_blocks:
            q[0], q[1] = _ordered(_dense_of(kv_num_blocks, kv_indices).transpose(-2, -1))
            if full_kv_num_blocks is not None:
                q[2], q[3] = _ordered(_dense_of(full_kv_num_blocks, full_kv_indices).transpose(-2, -1))
        return cls(seq_lengths, kv_num_blocks, kv_indices, full_kv_num_blocks, full_kv_indices, *q, bs, mask_mod)

    @property
    def shape(self):
        return tuple(self.kv_indices.shape[:-2]) + self.seq_lengths

    def as_tuple(self, flatten=True):
        return (*self.seq_lengths, self.kv_num_blocks, self.kv_indices, self.full_kv_num_blocks,
                self.full_kv_indices, self.q_num_blocks, self.q_indices, self.full_q_num_blocks, self.full_q_indices,
                *self.BLOCK_SIZE, self.mask_mod)

    def to_dense(self):
        """The (B, H, Q_BLOCKS, KV_BLOCKS) int32 map of computed blocks (partial or full)."""
        dense = _dense_of(self.kv_num_blocks, self.kv_indices)
        if self.full_kv_num_blocks is not None:
            dense = dense | _dense_of(self.full_kv_num_blocks, self.full_kv_indices)
        return dense.to(_torch().int32)

    def sparsity(self):
        """Percentage of the score matrix whose blocks are skipped."""
        computed = self.kv_num_blocks.sum().item()
        if self.full_kv_num_blocks is not None:
            computed += self.full_kv_num_blocks.sum().item()
        total = math.prod(self.shape)
        return 100 * (1 - computed * self.BLOCK_SIZE[0] * self.BLOCK_SIZE[1] / total)

    def to(self, device):
        moved = [t.to(device) if t is not None and hasattr(t, "to") else t for t in self.as_tuple()[2:10]]
        return BlockMask(self.seq_lengths, *moved, self.BLOCK_SIZE, self.mask_mod)

    def __repr__(self):
        fields = ["kv_num_blocks", "kv_indices", "full_kv_num_blocks", "full_kv_indices", "q_num_blocks",
                  "q_indices", "full_q_num_blocks", "full_q_indices"]
        lines = [f"    {f}={getattr(self, f).shape}," for f in fields if getattr(self, f) is not None]
        name = getattr(self.mask_mod, "__name__", self.mask_mod)
        return ("BlockMask(\n" + "\n".join(lines) + f"\n    BLOCK_SIZE={self.BLOCK_SIZE},\n    shape={self.shape},"
                f"\n    sparsity={self.sparsity():.2f}%,\n    mask_mod={name}\n)")

    def __str__(self):
        return f"BlockMask(shape={self.shape}, sparsity={self.sparsity():.2f}%, \n{self.to_string().strip()}\n)"

    def to_string(self, grid_size=(20, 20), limit=4):
        """The block map drawn with one character pair per group of blocks (full, partly or not computed)."""
        dense = self.to_dense()
        *batch_dims, rows, cols = dense.shape
        if grid_size == -1:
            max_rows, max_cols = rows, cols
        elif isinstance(grid_size, int):
            max_rows = max_cols = grid_size
        else:
            max_rows, max_cols = grid_size
        rstep, cstep = max(1, -(-rows // max_rows)), max(1, -(-cols // max_cols))
        parts = []
        for n, idx in enumerate(itertools.product(*[range(i) for i in batch_dims])):
            if n == limit:
                parts += ["...", "To print out more, set BlockMask.to_string(limit=N)",
                          "You can also index (BlockMask[batch, head]) to choose a specific batch or head"]
                break
            cur = dense[idx] if idx else dense
            vis = f"{idx}\n"
            for r in range(0, rows, rstep):
                for c in range(0, cols, cstep):
                    frac = cur[r:r + rstep, c:c + cstep].float().mean().item()
                    vis += ("█" if frac == 1 else " " if frac == 0 else "░") * 2
                vis += "\n"
            parts.append(vis)
        return "\n".join(parts)

    def _element_mask(self, B, H, Q_LEN, KV_LEN, device):
        """The (B, H, Q_LEN, KV_LEN) bool mask flex_attention applies: full blocks kept, partial ones masked."""
        torch = _torch()
        bq, bkv = self.BLOCK_SIZE

        def expand(blocks):
            return blocks.repeat_interleave(bq, dim=-2)[..., :Q_LEN, :].repeat_interleave(bkv, dim=-1)[..., :KV_LEN]
        partial = expand(_dense_of(self.kv_num_blocks, self.kv_indices))
        keep = partial & create_mask(self.mask_mod, B, H, Q_LEN, KV_LEN, device)
        if self.full_kv_num_blocks is not None:
            keep = keep | expand(_dense_of(self.full_kv_num_blocks, self.full_kv_indices))
        return keep.to(torch.bool)


def _dense_of(num_blocks, indices):
    """The bool (.., Q_BLOCKS, KV_BLOCKS) map with the first num_blocks entries of each indices row set."""
    torch = _torch()
    n = indices.shape[-1]
    valid = torch.arange(n, device=indices.device) < num_blocks.unsqueeze(-1)
    dense = torch.zeros(indices.shape, dtype=torch.bool, device=indices.device)
    return dense.scatter(-1, indices.long(), valid)


def create_block_mask(mask_mod, B, H, Q_LEN, KV_LEN, device=None, BLOCK_SIZE=_DEFAULT_SPARSE_BLOCK_SIZE,
                      _compile=False, separate_full_blocks=True, compute_dq_write_order=False, dq_kv_order=True):
    """The BlockMask of mask_mod: blocks with every score kept are full, blocks with some kept are partial
    (positions past Q_LEN/KV_LEN count as masked)."""
    torch = _torch()
    bq, bkv = BLOCK_SIZE if isinstance(BLOCK_SIZE, tuple) else (BLOCK_SIZE, BLOCK_SIZE)
    B, H = B or 1, H or 1
    mask = create_mask(mask_mod, B, H, Q_LEN, KV_LEN, device)
    nq, nkv = -(-Q_LEN // bq), -(-KV_LEN // bkv)
    padded = torch.zeros((B, H, nq * bq, nkv * bkv), dtype=torch.bool, device=mask.device)
    padded[:, :, :Q_LEN, :KV_LEN] = mask
    counts = padded.view(B, H, nq, bq, nkv, bkv).to(torch.int32).sum(dim=(3, 5))
    if separate_full_blocks:
        full, partial = counts == bq * bkv, (counts > 0) & (counts < bq * bkv)
        kv_num, kv_idx = _ordered(partial)
        full_num, full_idx = _ordered(full)
    else:
        kv_num, kv_idx = _ordered(counts > 0)
        full_num = full_idx = None
    return BlockMask.from_kv_blocks(kv_num, kv_idx, full_num, full_idx, BLOCK_SIZE=(bq, bkv), mask_mod=mask_mod,
                                    seq_lengths=(Q_LEN, KV_LEN))


def flex_attention(query, key, value, score_mod=None, block_mask=None, scale=None, enable_gqa=False,
                   return_lse=False, kernel_options=None, *, return_aux=None):
    """softmax(score_mod(Q K^T * scale) masked by block_mask) V over (B, H, L, E) query and (B, H_kv, S, E) key."""
    torch = _torch()
    if query.dim() != 4 or key.dim() != 4 or value.dim() != 4:
        raise NotImplementedError("NYI: query, key, and value must be 4D tensors")
    if return_lse and return_aux is not None:
        raise ValueError("Cannot specify both return_lse and return_aux. return_lse is deprecated, please use "
                         "return_aux=AuxRequest(lse=True) instead.")
    if return_aux is not None and return_aux.max_scores and query.device.type in ("cpu", "mps"):
        raise NotImplementedError("Returning max scores is not supported on CPU/MPS.")
    if return_lse:
        warnings.warn("return_lse is deprecated and will be removed in v2.10. Please use "
                      "return_aux=AuxRequest(lse=True) instead.", FutureWarning, stacklevel=2)
    B, Hq, L, E = query.shape
    Hkv, S = key.shape[1], key.shape[2]
    if Hq != Hkv:
        if not enable_gqa:
            raise ValueError(f"Expect query and key/value to have the same number of heads but got Hq={Hq} and "
                             f"Hkv={Hkv}. Try setting enable_gqa=True for GQA.")
        if Hq % Hkv != 0:
            raise ValueError(f"Expect number of query heads to be a multiple of kv heads for GQA but got Hq={Hq} and "
                             f"Hkv={Hkv}.")
        key = key.repeat_interleave(Hq // Hkv, dim=1)
        value = value.repeat_interleave(Hq // Hkv, dim=1)
    scale = 1.0 / math.sqrt(E) if scale is None else scale
    compute = torch.float32 if query.dtype in (torch.float16, torch.bfloat16) else query.dtype
    scores = torch.matmul(query.to(compute), key.to(compute).transpose(-2, -1)) * scale
    if score_mod is not None:
        scores = score_mod(scores, *_grid(B, Hq, L, S, query.device))
    if block_mask is None:
        block_mask = create_block_mask(noop_mask, B, Hq, L, S, query.device)
    keep = block_mask._element_mask(B, Hq, L, S, query.device).expand(B, Hq, L, S)
    scores = scores.masked_fill(~keep, -math.inf)
    lse = torch.logsumexp(scores, dim=-1)
    max_scores = scores.amax(dim=-1)
    probs = torch.exp(scores - torch.where(torch.isinf(lse), torch.zeros_like(lse), lse).unsqueeze(-1))
    out = torch.matmul(probs, value.to(compute)).to(query.dtype)
    if return_aux is not None:
        return out, AuxOutput(lse if return_aux.lse else None, max_scores if return_aux.max_scores else None)
    if return_lse:
        return out, lse
    return out
