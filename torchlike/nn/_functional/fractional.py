"""Fractional max pooling (Graham, 2014): F.fractional_max_pool2d/3d(_with_indices).

The random samples are drawn as torch draws them (`torch.rand(N, C, nd)` in the input's dtype, from the same
bit-exact generator), and the pooling intervals follow ATen's rule, so a seeded call picks the same windows and
returns the same values and indices as PyTorch. The windows are gathered with differentiable ops.
"""
from __future__ import annotations

import numpy as np

__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
           "fractional_max_pool3d_with_indices"]


def _tuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _intervals(sample, in_size, out_size, pool):
    """ATen's generate_intervals: window starts for one plane and one dimension."""
    if out_size <= 1:
        return np.array([in_size - pool][:max(out_size, 0)], dtype=np.int64)
    alpha = (in_size - pool) / (out_size - 1)
    i = np.arange(out_size - 1, dtype=np.float64)
    seq = ((i + sample) * alpha).astype(np.int64) - np.int64(int(sample * alpha))
    return np.append(seq, in_size - pool)


def _fractional(input, kernel_size, output_size, output_ratio, samples, nd, name):
    import torchlike
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {input.shape}"
                           if nd == 3 else f"fractional_max_pool2d(): Expected 3D or 4D tensor, but got: "
                           f"{input.shape}")
    spatial = tuple(input.shape[-nd:])
    if output_size is None:
        if isinstance(output_ratio, (tuple, list)) and len(output_ratio) > nd:
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = _tuple(output_ratio, nd)
        output_size = [int(s * r) for s, r in zip(spatial, ratio)]
    kernel, out = _tuple(kernel_size, nd), _tuple(output_size, nd)
    batched = input.dim() == nd + 2
    x = input if batched else input.unsqueeze(0)
    n, c = x.shape[0], x.shape[1]
    if samples is None:
        samples = torchlike.rand(n, c, nd, dtype=input.dtype, device=input.device)
    for d, (k, o, s) in enumerate(zip(kernel, out, spatial)):
        if o + k - 1 > s:
            dim_name = ("time", "height", "width")[3 - nd + d] if nd == 3 else ("height", "width")[d]
            raise RuntimeError(f"{name}(): pool {dim_name} {k} too large relative to input {dim_name} {s}")
    # ATen reads the samples in the order (W, H) for 2-d and (T, H, W) for 3-d
    order = (1, 0) if nd == 2 else (0, 1, 2)
    smp = samples.detach().to(torchlike.float64).numpy().reshape(n, c, nd)
    strides = np.cumprod((1,) + spatial[::-1])[:-1][::-1]          # flat-index strides of the spatial dims
    offs = np.zeros((1,) * nd + (int(np.prod(kernel)),), dtype=np.int64)
    grids = np.meshgrid(*[np.arange(k) for k in kernel], indexing="ij")
    offs = sum(g.reshape(-1) * st for g, st in zip(grids, strides))
    idx = np.empty((n, c) + tuple(out) + (offs.size,), dtype=np.int64)
    for b in range(n):
        for ch in range(c):
            starts = [_intervals(smp[b, ch, order[d]], spatial[d], out[d], kernel[d]) for d in range(nd)]
            base = np.zeros(tuple(out), dtype=np.int64)
            for d in range(nd):
                shape = [1] * nd
                shape[d] = out[d]
                base = base + starts[d].reshape(shape) * strides[d]
            idx[b, ch] = base[..., None] + offs
    flat = x.reshape(n, c, -1)
    gidx = torchlike.from_numpy(idx.reshape(n, c, -1))
    windows = flat.gather(2, gidx).view((n, c) + tuple(out) + (offs.size,))
    values, arg = windows.max(dim=-1)
    indices = torchlike.from_numpy(idx).gather(-1, arg.unsqueeze(-1)).squeeze(-1)
    if not batched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return values, indices


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 2, "fractional_max_pool2d")


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    r = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio, return_indices,
                                           _random_samples)
    return r if return_indices else r[0]


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 3, "fractional_max_pool3d")


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    r = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio, return_indices,
                                           _random_samples)
    return r if return_indices else r[0]
