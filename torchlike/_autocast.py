"""Autocast: the per-device state of torch.autocast regions and PyTorch's per-op cast policy.

The op table applies the policy once, where an op's arguments are bound (_ops/dispatch.prepare), and the few
nn.functional entry points that check dtypes before dispatching call `cast` first. Both only look here when
`ACTIVE` (a module flag) is set, so nothing changes on the hot path outside autocast regions.

Policies (PyTorch's aten/src/ATen/autocast_mode.{h,cpp}), per device type:
  LOW        floating arguments (not float64) run in the region's dtype (bfloat16 / float16)
  FP32       floating arguments (not float64) run in float32
  PROMOTE    floating arguments (not float64) run in the widest of them (at least the region's dtype)
  SET_DTYPE  (CUDA) reductions/softmax run with dtype=float32 unless a dtype is given
  BANNED     (CUDA) binary_cross_entropy raises
Ops on no list run in their arguments' dtypes (ordinary promotion). Ops that PyTorch implements by decomposing into
listed ops (einsum, tensordot, multi_dot ... into bmm/mm on the CPU) are listed under the policy they end up with.
"""
from __future__ import annotations

import weakref

from . import _dtype as D
from . import _trace_state

ACTIVE = False              # any device type has autocast enabled: the dispatch hook's one check

# PyTorch's default autocast dtype per device type (at::autocast::get_autocast_dtype's initial values).
DEFAULT_DTYPE = {"cpu": "bfloat16", "cuda": "float16", "xpu": "float16", "mps": "float16", "hpu": "bfloat16",
                 "ipu": "float16", "xla": "bfloat16", "privateuseone": "float16", "mtia": "float16",
                 "maia": "float16", "hip": "float16"}
_enabled: dict = {}         # device type -> bool
_dtype: dict = {}           # device type -> dtype (set_autocast_dtype)
_state = {"cache_enabled": True, "nesting": 0}
_cache: dict = {}           # id(fp32 leaf weight) -> (weakref to it, its lower-precision cast)

LOW, FP32, PROMOTE, SET_DTYPE, BANNED = "low", "fp32", "promote", "set_dtype", "banned"


def _names(s):
    return s.split()


_CPU_LOW = _names("""
    conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d bmm mm linalg_vecdot baddbmm addmm
    addbmm _nn_linear linear matmul prelu scaled_dot_product_attention
    einsum tensordot inner linalg_multi_dot chain_matmul _rnn""")  # last line: torch runs them as bmm/mm/mkldnn_rnn
_CPU_FP32 = _names("""
    avg_pool3d binary_cross_entropy grid_sampler grid_sampler_2d grid_sampler_3d polar prod quantile nanquantile
    stft cdist trace view_as_complex cholesky cholesky_inverse cholesky_solve inverse lu_solve orgqr ormqr pinverse
    max_pool3d max_pool3d_with_indices max_unpool2d max_unpool3d adaptive_avg_pool3d reflection_pad1d
    reflection_pad2d replication_pad1d replication_pad2d replication_pad3d mse_loss cosine_embedding_loss nll_loss
    nll_loss2d hinge_embedding_loss poisson_nll_loss smooth_l1_loss cross_entropy cross_entropy_prob l1_loss
    huber_loss margin_ranking_loss soft_margin_loss triplet_margin_loss multi_margin_loss ctc_loss kl_div
    multilabel_margin_loss binary_cross_entropy_with_logits fft_fft fft_ifft fft_fft2 fft_ifft2 fft_fftn fft_ifftn
    fft_rfft fft_irfft fft_rfft2 fft_irfft2 fft_rfftn fft_irfftn fft_hfft fft_ihfft linalg_cond linalg_matrix_rank
    linalg_solve linalg_cholesky linalg_svdvals linalg_eigvals linalg_eigvalsh linalg_inv linalg_inv_ex
    linalg_householder_product linalg_tensorinv linalg_tensorsolve fake_quantize_per_tensor_affine geqrf
    _lu_with_info qr svd triangular_solve fractional_max_pool2d fractional_max_pool3d adaptive_max_pool3d
    linalg_qr linalg_cholesky_ex linalg_svd linalg_eig linalg_eigh linalg_lstsq""")
_CPU_PROMOTE = _names("stack cat concatenate index_copy")

_CUDA_LOW = _names("""
    conv1d conv2d conv3d conv_tbc conv_transpose1d conv_transpose2d conv_transpose3d convolution prelu addmm addmv
    addr matmul einsum mm mv linalg_vecdot _nn_linear linear addbmm baddbmm bmm chain_matmul linalg_multi_dot
    lstm_cell gru_cell rnn_tanh_cell rnn_relu_cell scaled_dot_product_attention _rnn""")   # _rnn: cudnn's RNNs
_CUDA_FP32 = _names("""
    acos asin cosh erfinv exp expm1 log log10 log2 log1p reciprocal rsqrt sinh tan pow softplus layer_norm
    group_norm cosine_similarity poisson_nll_loss cosine_embedding_loss nll_loss nll_loss2d hinge_embedding_loss
    kl_div l1_loss smooth_l1_loss huber_loss mse_loss margin_ranking_loss multilabel_margin_loss soft_margin_loss
    triplet_margin_loss multi_margin_loss binary_cross_entropy_with_logits dist pdist cdist renorm logsumexp
    upsample_nearest1d _upsample_nearest_exact1d upsample_nearest2d _upsample_nearest_exact2d upsample_nearest3d
    _upsample_nearest_exact3d upsample_linear1d upsample_bilinear2d upsample_trilinear3d upsample_bicubic2d""")
_CUDA_SET_DTYPE = _names("prod softmax log_softmax cumprod cumsum linalg_vector_norm linalg_matrix_norm sum norm")
_CUDA_PROMOTE = _names("addcdiv addcmul atan2 bilinear _nn_bilinear cross linalg_cross dot vdot grid_sampler "
                       "grid_sampler_2d grid_sampler_3d index_put _index_put tensordot scatter_add")


def _table(**lists):
    out = {}
    for policy, names in lists.items():
        out.update(dict.fromkeys(names, globals()[policy]))
    return out


POLICY = {
    "cpu": _table(LOW=_CPU_LOW, FP32=_CPU_FP32, PROMOTE=_CPU_PROMOTE),
    "cuda": _table(LOW=_CUDA_LOW, FP32=_CUDA_FP32, SET_DTYPE=_CUDA_SET_DTYPE, PROMOTE=_CUDA_PROMOTE,
                   BANNED=["binary_cross_entropy"]),
}
for _t in ("xpu", "hpu", "xla", "privateuseone", "mtia", "maia", "hip"):
    POLICY[_t] = POLICY["cuda"]
_LISTED = frozenset(n for table in POLICY.values() for n in table)     # ops on some list: the rest return at once

_BANNED = ("torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
           "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
           "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n"
           "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n"
           "safe to autocast.")


# --- state ----------------------------------------------------------------------------------------------------

def is_enabled(device_type):
    return _enabled.get(device_type, False)


def set_enabled(device_type, flag):
    global ACTIVE
    _enabled[device_type] = bool(flag)
    ACTIVE = any(_enabled.values())


def get_dtype(device_type):
    d = _dtype.get(device_type)
    if d is None:
        name = DEFAULT_DTYPE.get(device_type)
        if name is None:
            raise RuntimeError("unsupported scalarType")
        d = getattr(D, name)
    return d


def set_dtype(device_type, dtype):
    _dtype[device_type] = dtype


def increment_nesting():
    _state["nesting"] += 1
    return _state["nesting"]


def decrement_nesting():
    _state["nesting"] -= 1
    return _state["nesting"]


def clear_cache():
    _cache.clear()


def key():
    """The autocast state that selects a compiled program: the enabled device types and their dtypes."""
    if not ACTIVE:
        return ()
    return tuple(sorted((t, get_dtype(t).name) for t, on in _enabled.items() if on))


# --- the policy -----------------------------------------------------------------------------------------------

def _eligible(t, device_type):
    return t._dtype._category == 2 and t._dtype is not D.float64 and t._storage.device.type == device_type


def _cast(t, to, device_type):
    """cached_cast: `t` in dtype `to` when eligible; fp32 leaf weights cast to the region's dtype once per
    region (outside compile traces, whose values must not outlive the trace)."""
    if t._dtype is to:
        return t
    if (to is get_dtype(device_type) and t._dtype is D.float32 and t._requires_grad and t._grad_fn is None and
            t._base is None and _state["cache_enabled"] and _trace_state.current is None):
        hit = _cache.get(id(t))
        if hit is not None and hit[0]() is t:
            return hit[1]
        out = t.to(to)
        _cache[id(t)] = (weakref.ref(t), out)
        return out
    return t.to(to)


def _device_type(tensors):
    for t in tensors:
        dt = t._storage.device.type
        if _enabled.get(dt):
            return dt
    return None


def _flat(values):
    from ._tensor import Tensor
    for v in values:
        if isinstance(v, Tensor):
            yield v
        elif isinstance(v, (tuple, list)):
            yield from (x for x in v if isinstance(x, Tensor))


def _target(policy, tensors, device_type):
    """The dtype the policy casts eligible tensors to (None: leave them)."""
    if policy is LOW:
        return get_dtype(device_type)
    if policy is FP32:
        return D.float32
    if policy is PROMOTE:
        to = get_dtype(device_type)
        for t in tensors:
            if _eligible(t, device_type):
                to = D.promote_types(to, t._dtype)
        return to
    return None


def _map(v, to, device_type):
    from ._tensor import Tensor
    if isinstance(v, Tensor):
        return _cast(v, to, device_type) if _eligible(v, device_type) else v
    if isinstance(v, (tuple, list)):
        return type(v)(_map(x, to, device_type) for x in v)
    return v


def call_exact(fn, *args):
    """fn(*args) with the policy off: PyTorch's autocast has no kernels for in-place and out= variants, which run
    in their arguments' dtypes inside a region too."""
    global ACTIVE
    ACTIVE = False
    try:
        return fn(*args)
    finally:
        ACTIVE = any(_enabled.values())


def cast(name, *args):
    """The arguments of the function `name` as the active autocast policy runs them (entry points outside the op
    table: F.linear, F.cross_entropy ...). Arguments that are not eligible tensors pass unchanged."""
    tensors = list(_flat(args))
    device_type = _device_type(tensors)
    if device_type is None:
        return args
    policy = POLICY.get(device_type, POLICY["cuda"]).get(name)
    if policy is None:
        return args
    if policy is BANNED:
        raise RuntimeError(_BANNED)
    to = _target(policy, tensors, device_type)
    if to is None:
        return args
    return tuple(_map(a, to, device_type) for a in args)


def apply(op, vals, tensors):
    """dispatch.prepare's hook: rewrite the bound arguments `vals` of an op-table entry in place by the policy;
    returns the (possibly new) list of its tensors."""
    if op.name not in _LISTED:
        return tensors
    device_type = _device_type(tensors)
    if device_type is None:
        return tensors
    policy = POLICY.get(device_type, POLICY["cuda"]).get(op.name)
    if policy is None or (device_type == "cpu" and op.name == "_rnn" and vals[op.index["mode"]] == "GRU"):
        return tensors          # (PyTorch's CPU GRU has no oneDNN kernel: it stays in its inputs' dtype)
    if policy is BANNED:
        raise RuntimeError(_BANNED)
    if policy is SET_DTYPE:
        i = op.index.get("dtype")
        first = vals[op.tensor_idx[0]] if op.tensor_idx else None
        if i is not None and vals[i] is None and first is not None and \
                not isinstance(first, (tuple, list)) and _eligible(first, device_type):
            vals[i] = D.float32
        return tensors
    to = _target(policy, tensors, device_type)
    for i in op.tensor_idx:
        vals[i] = _map(vals[i], to, device_type)
    return list(_flat(vals[i] for i in op.tensor_idx))
