"""scaled_dot_product_attention, nn.MultiheadAttention and the Transformer layers against PyTorch: values,
gradients (inputs and parameters), masks, dropout masks for the same seed, default initialisation, reprs, errors."""
import warnings

import numpy as np
import pytest
import torch as TH

from _harness import check, check_grad, make, sample

import torchlike as TL

TOL = dict(rtol=2e-5, atol=2e-6)
pytestmark = pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors is in prototype stage")


def F(lib):
    return lib.nn.functional


# --- scaled_dot_product_attention --------------------------------------------------------------------------------

def _bool_mask(shape, seed):
    m = sample(shape, "bool", seed=seed)
    m[..., 0] = True          # keep at least one key per row
    return m


SDPA = [  # (q shape, k shape, v shape, kwargs builder)
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), lambda lib: {}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8), lambda lib: {"attn_mask": make(lib, _bool_mask((4, 5), 7))}),
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8),
     lambda lib: {"attn_mask": make(lib, sample((2, 1, 4, 5), seed=8), "float32")}),
    ((2, 3, 5, 8), (2, 3, 5, 8), (2, 3, 5, 8), lambda lib: {"is_causal": True, "scale": 0.3}),
    ((3, 4, 8), (3, 6, 8), (3, 6, 8), lambda lib: {"is_causal": True}),
    ((4, 8), (5, 8), (5, 3), lambda lib: {"attn_mask": make(lib, _bool_mask((4, 5), 9))}),
    ((2, 4, 3, 8), (2, 2, 5, 8), (2, 1, 5, 8), lambda lib: {"enable_gqa": True}),
    ((2, 3, 4, 8), (1, 3, 5, 8), (1, 3, 5, 8), lambda lib: {"scale": 1.5}),
]


@pytest.mark.parametrize("case", range(len(SDPA)))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sdpa(case, dtype):
    qs, ks, vs, kw = SDPA[case]

    def fn(lib, q, k, v):
        extra = kw(lib)
        if "attn_mask" in extra and extra["attn_mask"].dtype.is_floating_point:
            extra["attn_mask"] = extra["attn_mask"].to(q.dtype)
        return F(lib).scaled_dot_product_attention(q, k, v, **extra)
    # Gradients of q and k are sums with cancellation (entries near zero from terms of magnitude ~8): float32's
    # rounding error follows the terms' scale, so atol is relative to each result's largest magnitude.
    check_grad(fn, [(sample(qs, seed=1), dtype), (sample(ks, seed=2), dtype), (sample(vs, seed=3), dtype)],
               scale_atol=True, **TOL)


def test_sdpa_fully_masked_rows_and_grad_fn():
    def fn(lib):
        q, k, v = (make(lib, sample(s, seed=i), "float32", requires_grad=True)
                   for i, s in enumerate([(2, 4, 8), (2, 5, 8), (2, 5, 8)]))
        m = np.ones((4, 5), bool)
        m[1] = False
        fm = np.where(m, 0.0, -np.inf).astype("float32")
        a = F(lib).scaled_dot_product_attention(q, k, v, attn_mask=make(lib, m))
        b = F(lib).scaled_dot_product_attention(q, k, v, attn_mask=make(lib, fm))
        g = lib.autograd.grad((a * a).sum() + b.sum(), [q, k, v])
        return a, b, g
    check(fn, **TOL)
    check(lambda lib: type(F(lib).scaled_dot_product_attention(
        *(make(lib, sample((2, 3, 4, 8), seed=i), requires_grad=True) for i in range(3))).grad_fn).__name__)


@pytest.mark.parametrize("p", [0.3, 1.0])
def test_sdpa_dropout_same_masks(p):
    def fn(lib):
        q, k, v = (make(lib, sample(s, seed=i), "float64", requires_grad=True)
                   for i, s in enumerate([(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)]))
        lib.manual_seed(11)
        out = F(lib).scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
        return out, lib.autograd.grad(out.sum(), [q, v]), lib.rand(3)
    check(fn)


@pytest.mark.parametrize("case", range(6))
def test_sdpa_errors(case):
    def fn(lib):
        q, k, v = lib.zeros(2, 3, 4, 8), lib.zeros(2, 3, 5, 8), lib.zeros(2, 3, 5, 8)
        sdpa = F(lib).scaled_dot_product_attention
        return [lambda: sdpa(q, k.double(), v),
                lambda: sdpa(q, k, v, attn_mask=lib.zeros(4, 5, dtype=lib.int64)),
                lambda: sdpa(q, k, v, attn_mask=lib.zeros(4, 5, dtype=lib.float64)),
                lambda: sdpa(q, k[:, :2], v[:, :2], enable_gqa=True),
                lambda: sdpa(q.int(), k.int(), v.int()),
                lambda: sdpa(q[0, 0], k[0, 0], v[0, 0], enable_gqa=True)][case]()
    check(fn, message=True)


# --- MultiheadAttention ------------------------------------------------------------------------------------------

def _state(ctor, dtype="float32"):
    TH.manual_seed(3)
    m = ctor(TH).to(getattr(TH, dtype))
    return {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}


def _build(lib, ctor, state, dtype="float32"):
    m = ctor(lib).to(getattr(lib, dtype))
    m.load_state_dict({k: lib.tensor(v) for k, v in state.items()})
    return m


E, H, L, S, N = 8, 2, 4, 5, 3

MHA = {  # name -> (constructor kwargs, call builder(lib, q, k, v) -> (args, kwargs), self-attention?)
    "plain": ({}, lambda lib: {}, False),
    "self_batch_first": ({"batch_first": True}, lambda lib: {}, True),
    "kpm_bool_avg_off": ({}, lambda lib: {"key_padding_mask": make(lib, np.array([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0],
                                                                                  [0, 1, 0, 0, 1]], bool)),
                                          "average_attn_weights": False}, False),
    "mask2d_float_no_weights": ({}, lambda lib: {"attn_mask": make(lib, sample((L, S), seed=5), "float32"),
                                                 "need_weights": False}, False),
    "mask3d_bool_and_kpm": ({"bias": False}, lambda lib: {
        "attn_mask": make(lib, _bool_mask((N * H, L, S), 6)[..., ::-1].copy()),
        "key_padding_mask": make(lib, np.array([[0, 0, 0, 0, 1]] * N, bool))}, False),
    "bias_kv_zero_attn": ({"add_bias_kv": True, "add_zero_attn": True},
                          lambda lib: {"attn_mask": make(lib, _bool_mask((L, S), 4)[:, ::-1].copy()),
                                       "key_padding_mask": make(lib, np.zeros((N, S), bool))}, False),
    "kdim_vdim": ({"kdim": 6, "vdim": 3}, lambda lib: {"need_weights": False}, False),
    "causal_hint": ({"batch_first": True}, lambda lib: {
        "attn_mask": lib.nn.Transformer.generate_square_subsequent_mask(L), "is_causal": True,
        "need_weights": False}, True),
}


def _mha_inputs(lib, spec, dtype, unbatched=False):
    kw = spec[0]
    kd, vd = kw.get("kdim", E), kw.get("vdim", E)
    bf = kw.get("batch_first", False)
    self_attn = spec[2]

    def shp(n, d):
        if unbatched:
            return (n, d)
        return (N, n, d) if bf else (n, N, d)
    q = make(lib, sample(shp(L if not self_attn else L, E), seed=1, low=-1, high=1), dtype, requires_grad=True)
    if self_attn:
        return [q], (q, q, q)
    k = make(lib, sample(shp(S, kd), seed=2, low=-1, high=1), dtype, requires_grad=True)
    v = make(lib, sample(shp(S, vd), seed=3, low=-1, high=1), dtype, requires_grad=True)
    return [q, k, v], (q, k, v)


@pytest.mark.parametrize("name", list(MHA))
@pytest.mark.parametrize("dtype", ["float32", pytest.param("float64", marks=pytest.mark.slow)])
def test_mha_train_grads(name, dtype):
    spec = MHA[name]
    ctor = (lambda lib: lib.nn.MultiheadAttention(E, H, **spec[0]))
    state = _state(ctor, dtype)

    def fn(lib):
        m = _build(lib, ctor, state, dtype)
        leaves, qkv = _mha_inputs(lib, spec, dtype)
        extra = spec[1](lib)
        if "attn_mask" in extra and extra["attn_mask"].dtype.is_floating_point:
            extra["attn_mask"] = extra["attn_mask"].to(getattr(lib, dtype))
        out, w = m(*qkv, **extra)
        total = (out * make(lib, np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)), dtype)).sum()
        if w is not None:
            total = total + (w * w).sum()
        return out, w, lib.autograd.grad(total, leaves + list(m.parameters()))
    check(fn, **TOL)


@pytest.mark.parametrize("name", ["plain", "self_batch_first", "kpm_bool_avg_off", "mask3d_bool_and_kpm"])
def test_mha_eval_and_unbatched(name):
    spec = MHA[name]
    ctor = (lambda lib: lib.nn.MultiheadAttention(E, H, **spec[0]))
    state = _state(ctor)

    def fn(lib):
        m = _build(lib, ctor, state).eval()
        res = []
        with lib.no_grad():
            _, qkv = _mha_inputs(lib, spec, "float32")
            res.append(m(*qkv, **spec[1](lib)))
            if "mask3d" not in name:
                _, qkv = _mha_inputs(lib, spec, "float32", unbatched=True)
                extra = spec[1](lib)
                if "key_padding_mask" in extra:
                    extra["key_padding_mask"] = extra["key_padding_mask"][0]
                res.append(m(*qkv, **extra))
        return res
    check(fn, **TOL)


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_dropout_same_masks(need_weights):
    ctor = (lambda lib: lib.nn.MultiheadAttention(E, H, dropout=0.4))
    state = _state(ctor, "float64")

    def fn(lib):
        m = _build(lib, ctor, state, "float64")
        _, (q, k, v) = _mha_inputs(lib, MHA["plain"], "float64")
        lib.manual_seed(5)
        out, w = m(q, k, v, need_weights=need_weights)
        return out, w, lib.autograd.grad(out.sum(), [q, m.in_proj_weight]), lib.rand(2)
    check(fn)


MHA_INIT = [dict(), dict(bias=False), dict(add_bias_kv=True), dict(kdim=3, vdim=5, add_zero_attn=True),
            dict(batch_first=True, dropout=0.1)]


@pytest.mark.parametrize("kw", MHA_INIT)
def test_mha_default_init_names_repr(kw):
    def fn(lib):
        lib.manual_seed(9)
        m = lib.nn.MultiheadAttention(E, H, **kw)
        return ([(n, p.shape, p) for n, p in m.named_parameters()], list(m.state_dict()), repr(m), m.head_dim,
                m._qkv_same_embed_dim, m.kdim, m.vdim, lib.rand(1))
    check(fn, rtol=0, atol=0)


@pytest.mark.parametrize("case", range(9))
def test_mha_errors(case):
    def fn(lib):
        nn = lib.nn
        m = nn.MultiheadAttention(E, H)
        q = lib.zeros(L, N, E)
        return [lambda: nn.MultiheadAttention(E, 3),
                lambda: nn.MultiheadAttention(0, 2),
                lambda: m(q, lib.zeros(S, E), lib.zeros(S, E)),
                lambda: m(q, q, q, key_padding_mask=lib.zeros(N, L, 1, dtype=lib.bool)),
                lambda: m(q, q, q, attn_mask=lib.zeros(L, L + 1, dtype=lib.bool)),
                lambda: m(q, q, q, attn_mask=lib.zeros(2, L, L, dtype=lib.bool)),
                lambda: m(q, q, q, key_padding_mask=lib.zeros(N, L, dtype=lib.int64)),
                lambda: m(q, q, q, is_causal=True),
                lambda: m(lib.zeros(L, N, E + 2), lib.zeros(L, N, E + 2), lib.zeros(L, N, E + 2))][case]()
    check(fn, message=True)


# --- Transformer layers ------------------------------------------------------------------------------------------

def _gelu_module(lib):
    return lib.nn.GELU()


ENC = [dict(), dict(norm_first=True, activation="gelu"), dict(batch_first=True, activation=_gelu_module),
       dict(batch_first=True, norm_first=True, bias=False, layer_norm_eps=1e-3),
       dict(activation=lambda lib: (lambda x: x.tanh()))]


def _layer_kwargs(lib, kw):
    kw = dict(kw)
    if callable(kw.get("activation")):
        kw["activation"] = kw["activation"](lib)
    return kw


@pytest.mark.parametrize("i", range(len(ENC)))
def test_encoder_layer_eval(i):
    kw = ENC[i]
    ctor = (lambda lib: lib.nn.TransformerEncoderLayer(E, H, 16, **_layer_kwargs(lib, kw)))
    state = _state(ctor)
    bf = kw.get("batch_first", False)

    def fn(lib):
        m = _build(lib, ctor, state).eval()
        x = make(lib, sample((N, L, E) if bf else (L, N, E), seed=1), "float32")
        kpm = make(lib, np.array([[0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 1, 1]], bool))
        mask = lib.nn.Transformer.generate_square_subsequent_mask(L)
        with lib.no_grad():
            return (m(x), m(x, src_key_padding_mask=kpm), m(x, src_mask=mask, is_causal=True),
                    m(x[:, 0] if bf else x[:, 0], src_mask=mask))
    check(fn, **TOL)


@pytest.mark.parametrize("i", [0, 1, 3])
def test_encoder_layer_train_grads(i):
    kw = dict(ENC[i], dropout=0.0)
    ctor = (lambda lib: lib.nn.TransformerEncoderLayer(E, H, 16, **_layer_kwargs(lib, kw)))
    state = _state(ctor)
    bf = kw.get("batch_first", False)

    def fn(lib):
        m = _build(lib, ctor, state)
        x = make(lib, sample((N, L, E) if bf else (L, N, E), seed=1), "float32", requires_grad=True)
        kpm = make(lib, np.array([[0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 1, 1]], bool))
        out = m(x, src_key_padding_mask=kpm)
        w = make(lib, np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)), "float32")
        return out, lib.autograd.grad((out * w).sum(), [x] + list(m.parameters()))
    check(fn, rtol=1e-4, atol=2e-5)


def test_encoder_layer_dropout_same_masks():
    ctor = (lambda lib: lib.nn.TransformerEncoderLayer(E, H, 16, dropout=0.3))
    state = _state(ctor, "float64")

    def fn(lib):
        m = _build(lib, ctor, state, "float64")
        x = make(lib, sample((L, N, E), seed=1), "float64", requires_grad=True)
        lib.manual_seed(4)
        out = m(x)
        return out, lib.autograd.grad(out.sum(), [x]), lib.rand(2)
    check(fn)


@pytest.mark.parametrize("batch_first,final_norm", [(True, True), (False, False)])
def test_encoder_stack_eval(batch_first, final_norm):
    def ctor(lib):
        layer = lib.nn.TransformerEncoderLayer(E, H, 16, dropout=0.0, batch_first=batch_first)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return lib.nn.TransformerEncoder(layer, 2, lib.nn.LayerNorm(E) if final_norm else None)
    state = _state(ctor)

    def fn(lib):
        m = _build(lib, ctor, state).eval()
        x = make(lib, sample((N, L, E) if batch_first else (L, N, E), seed=1), "float32")
        kpm = make(lib, np.array([[0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 1, 1]], bool))
        mask = lib.nn.Transformer.generate_square_subsequent_mask(L)
        with lib.no_grad():
            r = [m(x), m(x, src_key_padding_mask=kpm), m(x, mask=mask)]
        return r, m.use_nested_tensor, m.layers[0] is not m.layers[1], list(m.state_dict())
    check(fn, **TOL)


def test_encoder_nested_tensor_warning():
    for lib in (TH, TL):
        with pytest.warns(UserWarning, match="enable_nested_tensor is True, but self.use_nested_tensor is False "
                                             r"because encoder_layer.self_attn.batch_first was not True"):
            lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(E, H, 16), 1)


@pytest.mark.parametrize("norm_first,batch_first", [(False, False), (True, True)])
def test_decoder_eval_and_grads(norm_first, batch_first):
    def ctor(lib):
        layer = lib.nn.TransformerDecoderLayer(E, H, 16, dropout=0.0, norm_first=norm_first, batch_first=batch_first)
        return lib.nn.TransformerDecoder(layer, 2, lib.nn.LayerNorm(E))
    state = _state(ctor)

    def fn(lib):
        m = _build(lib, ctor, state)
        shp = (lambda n: (N, n, E)) if batch_first else (lambda n: (n, N, E))
        tgt = make(lib, sample(shp(L), seed=1), "float32", requires_grad=True)
        mem = make(lib, sample(shp(S), seed=2), "float32", requires_grad=True)
        mask = lib.nn.Transformer.generate_square_subsequent_mask(L)
        mkpm = make(lib, np.array([[0, 0, 0, 0, 1]] * N, bool))
        out = m(tgt, mem, tgt_mask=mask, memory_key_padding_mask=mkpm)
        grads = lib.autograd.grad((out * out).sum(), [tgt, mem] + list(m.parameters()))
        m.eval()
        with lib.no_grad():
            ev = m(tgt, mem, tgt_mask=mask, tgt_is_causal=True)
        return out, grads, ev
    check(fn, rtol=1e-4, atol=2e-5)


def test_transformer_full_model():
    def ctor(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return lib.nn.Transformer(d_model=E, nhead=H, num_encoder_layers=2, num_decoder_layers=1,
                                      dim_feedforward=16, dropout=0.0)

    def fn(lib):
        lib.manual_seed(21)
        m = ctor(lib).eval()
        src = make(lib, sample((S, N, E), seed=1), "float32")
        tgt = make(lib, sample((L, N, E), seed=2), "float32")
        with lib.no_grad():
            out = m(src, tgt, tgt_mask=m.generate_square_subsequent_mask(L))
        return ([(n, p.shape) for n, p in m.named_parameters()], [p for p in m.parameters()], out,
                repr(m.encoder.layers[0]))
    check(fn, **TOL)


def test_generate_square_subsequent_mask_and_init():
    def fn(lib):
        lib.manual_seed(2)
        layer = lib.nn.TransformerEncoderLayer(E, H, 16, activation="gelu")
        dec = lib.nn.TransformerDecoderLayer(E, H, 16)
        return (lib.nn.Transformer.generate_square_subsequent_mask(4),
                lib.nn.Transformer.generate_square_subsequent_mask(3, dtype=lib.float64),
                list(layer.parameters()), list(dec.parameters()), repr(layer), repr(dec), layer.activation_relu_or_gelu)
    check(fn, rtol=0, atol=0)


@pytest.mark.parametrize("case", range(4))
def test_transformer_errors(case):
    def fn(lib):
        nn = lib.nn
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [lambda: nn.TransformerEncoderLayer(E, H, 16, activation="tanh"),
                    lambda: nn.Transformer(E, H, 1, 1, 16)(lib.zeros(S, 2, E), lib.zeros(L, 3, E)),
                    lambda: nn.Transformer(E, H, 1, 1, 16)(lib.zeros(S, 2, E), lib.zeros(L, 2, E + 1)),
                    lambda: nn.TransformerEncoderLayer(E, H, 16)(lib.zeros(L, N, E),
                                                                 src_key_padding_mask=lib.zeros(N, L,
                                                                                                dtype=lib.int32)),
                    ][case]()
    check(fn, message=True)
