"""Op-table entries for recurrent layers (the multi-layer RNN/LSTM/GRU kernel, the single-step cells) and
scaled dot-product attention.

`_rnn` runs a whole stack of layers (both directions) as one entry: the time loop is a `lax.scan`, so eager
mode is a single XLA kernel and the backward is the VJP of it. Gate orders follow PyTorch: LSTM (i, f, g, o),
GRU (r, z, n) with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)). Packed sequences enter as their flat data
plus gather indices (padded <-> packed) and the lengths, which mask the recurrence so every sequence starts and
ends its own time range (reverse directions start at each sequence's last element).

`run_rnn` is the driver behind nn.RNN/LSTM/GRU (torch's _VF.lstm & co.): one `_rnn` call for the whole
stack, or one per layer with dropout between the layers when training with dropout (same RNG draws as PyTorch).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ._registry import register

def _dot(x, w):
    """x @ w.T with full float32 precision."""
    return lax.dot_general(x, w, (((x.ndim - 1,), (1,)), ((), ())), precision=lax.Precision.HIGHEST)


def _linear(x, w, b):
    y = _dot(x, w)
    return y if b is None else y + b


def _cell(mode, gi, h, c, w_hh, b_hh, w_hr):
    """One time step given the input projection gi = x W_ih^T + b_ih: returns (h', c')."""
    gh = _linear(h, w_hh, b_hh)
    if mode == "LSTM":
        i, f, g, o = jnp.split(gi + gh, 4, axis=-1)
        i, f, g, o = jax.nn.sigmoid(i), jax.nn.sigmoid(f), jnp.tanh(g), jax.nn.sigmoid(o)
        c = f * c + i * g
        h = o * jnp.tanh(c)
        if w_hr is not None:
            h = _dot(h, w_hr)
        return h, c
    if mode == "GRU":
        ir, iz, in_ = jnp.split(gi, 3, axis=-1)
        hr, hz, hn = jnp.split(gh, 3, axis=-1)
        r = jax.nn.sigmoid(ir + hr)
        z = jax.nn.sigmoid(iz + hz)
        n = jnp.tanh(in_ + r * hn)
        return n + z * (h - n), c
    pre = gi + gh
    return (jnp.tanh(pre) if mode == "RNN_TANH" else jnp.maximum(pre, 0)), c


def _direction(mode, x, h0, c0, w, has_biases, has_proj, lengths, reverse):
    """One layer, one direction, over padded x (T, B, I): (ys (T, B, H_out), h_n, c_n)."""
    w_ih, w_hh = w[0], w[1]
    b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
    w_hr = w[-1] if has_proj else None
    gi = _linear(x, w_ih, b_ih)                       # all time steps at once
    steps = jnp.arange(x.shape[0])

    def step(carry, inp):
        h, c = carry
        g, t = inp
        h2, c2 = _cell(mode, g, h, c, w_hh, b_hh, w_hr)
        if lengths is None:
            return (h2, c2), h2
        m = (t < lengths)[:, None]
        h2 = jnp.where(m, h2, h)
        if c is not None:
            c2 = jnp.where(m, c2, c)
        return (h2, c2), jnp.where(m, h2, jnp.zeros_like(h2))

    (h, c), ys = lax.scan(step, (h0, c0), (gi, steps), reverse=reverse)
    return ys, h, c


def _same_dtype(a, b):
    if a is not None and b is not None and a.dtype != b.dtype:
        from .dispatch import scalar_name
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {scalar_name(a.dtype)} and "
                           f"{scalar_name(b.dtype)}")


def _rnn_check(input, hx, cx, params, *rest):
    _same_dtype(input, params[0])
    _same_dtype(hx, params[1])
    _same_dtype(cx, params[1])


@register("_rnn", tensors=("input", "hx", "cx", "params*", "lengths", "pad_idx", "pack_idx"),
          cast=("input", "hx", "cx", "params"), nondiff=("lengths", "pad_idx", "pack_idx"),
          dtype=lambda op, vals: (vals[0].dtype, (vals[0].dtype,) * 3), grad="StackBackward0",
          function=False, method=False, check=_rnn_check)
def _rnn(input, hx, cx, params, lengths, pad_idx, pack_idx, mode="LSTM", num_layers=1, has_biases=True,
         bidirectional=False, batch_first=False, has_proj=False):
    """A stack of recurrent layers: (output, h_n, c_n); c_n is h_n's zeros-like dummy for RNN/GRU.

    input: (T, B, I) ((B, T, I) if batch_first), or packed data (N, I) with pad_idx (T, B) gathering rows of
    [data; 0] into the padded batch and pack_idx (N,) gathering them back from the flattened (T*B) output.
    """
    packed = pad_idx is not None
    if packed:
        src = jnp.concatenate([input, jnp.zeros((1,) + input.shape[1:], input.dtype)])
        x = src[pad_idx]
    else:
        x = jnp.swapaxes(input, 0, 1) if batch_first else input
    nd = 2 if bidirectional else 1
    per = 2 + 2 * has_biases + has_proj
    hs, cs = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(nd):
            k = layer * nd + d
            c0 = cx[k] if mode == "LSTM" else None
            ys, h, c = _direction(mode, x, hx[k], c0, params[k * per:(k + 1) * per], has_biases, has_proj,
                                  lengths, d == 1)
            outs.append(ys)
            hs.append(h)
            cs.append(c)
        x = outs[0] if nd == 1 else jnp.concatenate(outs, -1)
    if packed:
        out = x.reshape((-1, x.shape[-1]))[pack_idx]
    else:
        out = jnp.swapaxes(x, 0, 1) if batch_first else x
    h_n = jnp.stack(hs)
    c_n = jnp.stack(cs) if mode == "LSTM" else jnp.zeros((), h_n.dtype)
    return out, h_n, c_n


# --- single-step cells (torch.lstm_cell, torch.gru_cell, torch.rnn_tanh_cell, torch.rnn_relu_cell) -------------

def _cell_check():
    def check(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
        hs = tuple(hx) if isinstance(hx, (tuple, list)) else (hx,)
        if input.shape[-1] != w_ih.shape[1]:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} expected {w_ih.shape[1]}")
        for i, h in enumerate(hs):
            if input.shape[0] != h.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} batch size "
                                   f"{h.shape[0]}")
            if h.shape[-1] != w_hh.shape[1]:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.shape[-1]}, expected "
                                   f"{w_hh.shape[1]}")
        _same_dtype(input, w_ih)
        for h in hs:
            _same_dtype(h, w_hh)
    return check


def _one_step(mode, input, h, c, w_ih, w_hh, b_ih, b_hh):
    return _cell(mode, _linear(input, w_ih, b_ih), h, c, w_hh, b_hh, None)


@register("lstm_cell", tensors=("input", "hx*", "w_ih", "w_hh", "b_ih", "b_hh"), method=False,
          dtype=lambda op, vals: (vals[0].dtype, (vals[0].dtype,) * 2), grad="MulBackward0",
          check=_cell_check())
def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _one_step("LSTM", input, hx[0], hx[1], w_ih, w_hh, b_ih, b_hh)


@register("gru_cell", tensors=("input", "hx", "w_ih", "w_hh", "b_ih", "b_hh"), method=False, dtype="same",
          grad="AddBackward0", check=_cell_check())
def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _one_step("GRU", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]


@register("rnn_tanh_cell", tensors=("input", "hx", "w_ih", "w_hh", "b_ih", "b_hh"), method=False, dtype="same",
          grad="TanhBackward0", check=_cell_check())
def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _one_step("RNN_TANH", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]


@register("rnn_relu_cell", tensors=("input", "hx", "w_ih", "w_hh", "b_ih", "b_hh"), method=False, dtype="same",
          grad="ReluBackward0", check=_cell_check())
def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _one_step("RNN_RELU", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]


# --- the driver behind nn.RNN / nn.LSTM / nn.GRU ------------------------------------------------------------------

def packed_indices(batch_sizes):
    """From a PackedSequence's batch_sizes: (lengths (B,), pad_idx (T, B), pack_idx (N,)) as int64 arrays."""
    bs = np.asarray(batch_sizes, dtype=np.int64).reshape(-1)
    steps = len(bs)
    b = int(bs[0]) if steps else 0
    n = int(bs.sum())
    offsets = np.concatenate([[0], np.cumsum(bs)[:-1]]).astype(np.int64)
    cols = np.arange(b)
    valid = cols[None, :] < bs[:, None]                           # (T, B)
    pad_idx = np.where(valid, offsets[:, None] + cols[None, :], n)
    pack_idx = (np.arange(steps)[:, None] * b + cols[None, :])[valid]
    lengths = valid.sum(0).astype(np.int64)
    return lengths, pad_idx.astype(np.int64), pack_idx.astype(np.int64)


def run_rnn(mode, input, hx, cx, weights, has_biases, num_layers, dropout, train, bidirectional, batch_first,
            has_proj=False, batch_sizes=None):
    """torch's _VF.lstm/gru/rnn_tanh/rnn_relu: (output, h_n, c_n or None)."""
    from . import dispatch
    from .._tensor import Tensor
    import torchlike
    extra = (None, None, None)
    if batch_sizes is not None:
        bs = batch_sizes._value() if isinstance(batch_sizes, Tensor) else batch_sizes
        extra = tuple(torchlike.as_tensor(a, device=input.device) for a in packed_indices(np.asarray(bs)))
    cx_arg = cx if mode == "LSTM" else None
    weights = tuple(weights)
    statics = dict(mode=mode, has_biases=has_biases, bidirectional=bidirectional, batch_first=batch_first,
                   has_proj=has_proj)
    if not (dropout > 0 and train and num_layers > 1):
        out, h, c = dispatch.call("_rnn", (input, hx, cx_arg, weights) + extra, dict(num_layers=num_layers, **statics))
        return out, h, (c if mode == "LSTM" else None)
    from ..nn import functional as F
    nd = 2 if bidirectional else 1
    per = len(weights) // (num_layers * nd)
    hs, cs = [], []
    # PyTorch runs the layers time-major, so its dropout masks are drawn in (T, B, features) order
    x = input.transpose(0, 1) if batch_first and batch_sizes is None else input
    statics["batch_first"] = False
    for layer in range(num_layers):
        sl = slice(layer * nd, (layer + 1) * nd)
        out, h, c = dispatch.call("_rnn", (x, hx[sl], cx_arg[sl] if cx_arg is not None else None,
                                           weights[layer * nd * per:(layer + 1) * nd * per]) + extra,
                                  dict(num_layers=1, **statics))
        hs.append(h)
        cs.append(c)
        x = out if layer == num_layers - 1 else F.dropout(out, dropout, True)
    if batch_first and batch_sizes is None:
        x = x.transpose(0, 1)
    h_n = torchlike.cat(hs)
    c_n = torchlike.cat(cs) if mode == "LSTM" else None
    return x, h_n, c_n


# --- scaled dot-product attention --------------------------------------------------------------------------------

_CNAME = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
          "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
          "bool": "bool"}


def _sdpa_check(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False,
                dropout_mask=None):
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError("Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_CNAME[query.dtype.name]} key.dtype: {_CNAME[key.dtype.name]} and value.dtype: "
                           f"{_CNAME[value.dtype.name]} instead.")
    if attn_mask is not None and attn_mask.dtype.name != "bool" and attn_mask.dtype != query.dtype:
        raise RuntimeError("Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {_CNAME[attn_mask.dtype.name]} and  query.dtype: "
                           f"{_CNAME[query.dtype.name]} instead.")
    if not query.dtype.is_floating_point:
        from .dispatch import scalar_name
        raise RuntimeError(f"expected scalar type Float but found {scalar_name(query.dtype)}")
    if enable_gqa:
        if query.dim() < 3:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{query.dim()}, "
                             f"{query.dim() - 1}], but got -3)")
        hq = query.shape[-3]
        if hq % key.shape[-3] or hq % value.shape[-3]:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in ")


def _safe_softmax(w):
    """softmax over the last axis; rows masked entirely (all -inf) give zeros, as PyTorch's attention does."""
    dead = jnp.all(w == -jnp.inf, axis=-1, keepdims=True)
    return jnp.where(dead, jnp.zeros((), w.dtype), jax.nn.softmax(jnp.where(dead, jnp.zeros((), w.dtype), w), axis=-1))


def _matmul(a, b):
    return jnp.matmul(a, b, precision=lax.Precision.HIGHEST)


@register("scaled_dot_product_attention", tensors=("query", "key", "value", "attn_mask", "dropout_mask"),
          cast=("query", "key", "value"), nondiff=("dropout_mask",), dtype="same", method=False, function=False,
          grad="ScaledDotProductFlashAttentionForCpuBackward0", check=_sdpa_check)
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False, dropout_mask=None):
    """softmax(q k^T * scale + mask) (dropout) v; `dropout_mask` is the pre-scaled keep mask drawn by the caller."""
    L, S = query.shape[-2], key.shape[-2]
    factor = 1.0 / float(np.sqrt(query.shape[-1])) if scale is None else scale
    if enable_gqa:
        hq = query.shape[-3]
        key = jnp.repeat(key, hq // key.shape[-3], axis=-3)
        value = jnp.repeat(value, hq // value.shape[-3], axis=-3)
    w = _matmul(query, jnp.swapaxes(key, -1, -2)) * jnp.asarray(factor, query.dtype)
    neg = jnp.asarray(-jnp.inf, w.dtype)
    if is_causal:
        w = jnp.where(jnp.tril(jnp.ones((L, S), bool)), w, neg)
    if attn_mask is not None:
        w = jnp.where(attn_mask, w, neg) if attn_mask.dtype == jnp.bool_ else w + attn_mask
    w = _safe_softmax(w)
    if dropout_mask is not None:
        w = w * dropout_mask
    return _matmul(w, value)
