"""Mixed precision against PyTorch: torch.autocast's per-op cast policy on the CPU (bfloat16), regions (nesting,
enabled=False, decorators, the weight-cast cache), custom_fwd/custom_bwd, GradScaler, and a training loop with
autocast + GradScaler whose loss curve follows PyTorch's."""
from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import torch as TH

import torchlike as TL
from _harness import to_numpy


# --- the per-op policy ----------------------------------------------------------------------------------------

def _inputs(lib, dt):
    g = np.random.default_rng(0)

    def r(*shape):
        return lib.tensor(g.random(shape, dtype=np.float32), dtype=getattr(lib, dt))
    return {"a": r(4, 4), "b": r(4, 4), "v": r(4), "w": r(4), "B": r(2, 4, 4), "C": r(2, 4, 4),
            "img": r(1, 2, 8, 8), "k2": r(3, 2, 3, 3), "seq": r(1, 2, 8), "k1": r(3, 2, 3),
            "vol": r(1, 2, 4, 4, 4), "k3": r(3, 2, 3, 3, 3), "q": r(1, 2, 4, 8), "p1": r(1), "W3": r(3, 4, 4),
            "eye": lib.eye(4, dtype=getattr(lib, dt)) * 4, "tgt": lib.tensor([0, 1, 2, 3])}


def _cases(lib, x):
    F = lib.nn.functional
    a, b, v, w, B, C = x["a"], x["b"], x["v"], x["w"], x["B"], x["C"]
    return {
        # lower precision (bfloat16 on the CPU)
        "mm": lambda: lib.mm(a, b), "matmul": lambda: a @ b, "bmm": lambda: lib.bmm(B, C),
        "baddbmm": lambda: lib.baddbmm(B, B, C), "addmm": lambda: lib.addmm(a, a, b),
        "addbmm": lambda: lib.addbmm(a, B, C), "linear": lambda: F.linear(a, b, v),
        "linear_3d_nobias": lambda: F.linear(B, b), "conv1d": lambda: F.conv1d(x["seq"], x["k1"]),
        "conv2d": lambda: F.conv2d(x["img"], x["k2"]), "conv3d": lambda: F.conv3d(x["vol"], x["k3"]),
        "conv_transpose2d": lambda: F.conv_transpose2d(x["img"], x["k2"].transpose(0, 1)),
        "prelu": lambda: F.prelu(a, x["p1"]), "sdpa": lambda: F.scaled_dot_product_attention(x["q"], x["q"], x["q"]),
        "linalg_vecdot": lambda: lib.linalg.vecdot(a, b), "einsum": lambda: lib.einsum("ij,jk->ik", a, b),
        "tensordot": lambda: lib.tensordot(a, b, 1), "inner": lambda: lib.inner(a, b),
        "multi_dot": lambda: lib.linalg.multi_dot([a, b, a]),
        # not on the CPU lists: the inputs' dtype
        "mv": lambda: lib.mv(a, v), "addmv": lambda: lib.addmv(v, a, v), "dot": lambda: lib.dot(v, w),
        "addr": lambda: lib.addr(a, v, w), "outer": lambda: lib.outer(v, w), "kron": lambda: lib.kron(a, b),
        "bilinear": lambda: F.bilinear(a, a, x["W3"]), "softmax": lambda: lib.softmax(a, 1),
        "log_softmax": lambda: F.log_softmax(a, 1), "sum": lambda: a.sum(), "cumsum": lambda: a.cumsum(0),
        "mean": lambda: a.mean(), "exp": lambda: a.exp(), "pow": lambda: a.pow(2),
        "layer_norm": lambda: F.layer_norm(a, (4,)), "group_norm": lambda: F.group_norm(x["img"], 1),
        "relu": lambda: F.relu(a), "gelu": lambda: F.gelu(a), "add": lambda: a + b, "max_pool2d": lambda: F.max_pool2d(x["img"], 2),
        "logsumexp": lambda: a.logsumexp(1), "cosine_similarity": lambda: F.cosine_similarity(a, b),
        # float32
        "prod": lambda: a.prod(), "prod_dim": lambda: a.prod(1), "cross_entropy": lambda: F.cross_entropy(a, x["tgt"]),
        "nll_loss": lambda: F.nll_loss(a, x["tgt"]), "mse_loss": lambda: F.mse_loss(a, b),
        "l1_loss": lambda: F.l1_loss(a, b), "smooth_l1_loss": lambda: F.smooth_l1_loss(a, b),
        "huber_loss": lambda: F.huber_loss(a, b), "kl_div": lambda: F.kl_div(a, b, reduction="batchmean"),
        "bce_logits": lambda: F.binary_cross_entropy_with_logits(a, b), "bce": lambda: F.binary_cross_entropy(a, b),
        "margin_ranking": lambda: F.margin_ranking_loss(v, w, lib.ones_like(v)),
        "cdist": lambda: lib.cdist(a, b), "trace": lambda: lib.trace(a), "inverse": lambda: lib.inverse(a + x["eye"]),
        "linalg_inv": lambda: lib.linalg.inv(a + x["eye"]), "qr": lambda: lib.linalg.qr(a)[0],
        "svdvals": lambda: lib.linalg.svdvals(a), "rfft": lambda: lib.fft.rfft(v).real,
        "quantile": lambda: lib.quantile(v, 0.5), "avg_pool3d": lambda: F.avg_pool3d(x["vol"], 2),
        "max_pool3d": lambda: F.max_pool3d(x["vol"], 2), "adaptive_avg_pool3d": lambda: F.adaptive_avg_pool3d(x["vol"], 1),
        "reflection_pad": lambda: F.pad(x["img"], (1, 1, 1, 1), mode="reflect"),
        "replicate_pad": lambda: F.pad(x["img"], (1, 1, 1, 1), mode="replicate"),
    }


def _mixed_cases(lib, x):
    F = lib.nn.functional
    a, b, v = x["a"], x["b"], x["v"]
    return {
        "cat": lambda: lib.cat([a.bfloat16(), b]), "stack": lambda: lib.stack([a.bfloat16(), b]),
        "add": lambda: a.bfloat16() + b, "mm": lambda: lib.mm(a.bfloat16(), b),
        "mm_double": lambda: lib.mm(a.double(), b.double()), "mm_half": lambda: lib.mm(a.half(), b),
        "index_copy": lambda: a.index_copy(0, lib.tensor([0, 1]), b[:2].bfloat16()),
        "linear": lambda: F.linear(a.bfloat16(), b, v), "conv2d": lambda: F.conv2d(x["img"].bfloat16(), x["k2"]),
        "mse_loss": lambda: F.mse_loss(a.bfloat16(), b),
    }


def _run(lib, build, dt):
    fn = build(lib, _inputs(lib, dt))[_run.name]
    with lib.autocast("cpu"):
        try:
            r = fn()
        except Exception as e:      # noqa: BLE001 (the same error in both libraries)
            return type(e).__name__, None
    return str(r.dtype).split(".")[-1], r


_POLICY_IDS = list(_cases(TL, _inputs(TL, "float32")))
_MIXED_IDS = list(_mixed_cases(TL, _inputs(TL, "float32")))


def _compare(build, name, dt):
    _run.name = name
    (d_tl, r_tl), (d_th, r_th) = _run(TL, build, dt), _run(TH, build, dt)
    assert d_tl == d_th
    if r_th is not None:
        np.testing.assert_allclose(to_numpy(r_tl), to_numpy(r_th), rtol=3e-2, atol=3e-2)


@pytest.mark.parametrize("name", _POLICY_IDS)
def test_policy_float32_inputs(name):
    """Each op's output dtype (and values, within bfloat16 tolerance) in a CPU autocast region, float32 inputs."""
    _compare(_cases, name, "float32")


@pytest.mark.parametrize("name", _POLICY_IDS)
def test_policy_bfloat16_inputs(name):
    """bfloat16 inputs: the float32 list still runs in float32; ops on no list stay in bfloat16."""
    _compare(_cases, name, "bfloat16")


@pytest.mark.parametrize("name", _MIXED_IDS)
def test_policy_mixed_inputs(name):
    """Mixed dtypes: lower-precision ops cast every float32/float16 input (never float64); promote ops widen."""
    _compare(_mixed_cases, name, "float32")


def _modules(lib):
    lib.manual_seed(0)
    x, q = lib.randn(2, 5, 4), lib.randn(2, 3, 8)
    mods = [lib.nn.LSTM(4, 3, batch_first=True), lib.nn.GRU(4, 3, batch_first=True),
            lib.nn.RNN(4, 3, nonlinearity="relu", num_layers=2, bidirectional=True, batch_first=True)]
    mha = lib.nn.MultiheadAttention(8, 2, batch_first=True)
    out = []
    with lib.autocast("cpu"):
        for m in mods:
            y, h = m(x)
            out.append((y, h[0] if isinstance(h, tuple) else h))
        out.append(mha(q, q, q))
        out.append((lib.nn.LayerNorm(8)(q.bfloat16()), lib.nn.BatchNorm1d(3)(q)))
    return [(str(t.dtype).split(".")[-1], to_numpy(t)) for pair in out for t in pair]


def test_modules_match_torch():
    """nn.LSTM / nn.RNN run in bfloat16 on the CPU (PyTorch's oneDNN RNN), nn.GRU stays float32; attention's
    projections and matmuls run in bfloat16; norms keep their inputs' dtype."""
    got, want = _modules(TL), _modules(TH)
    assert [d for d, _ in got] == [d for d, _ in want]
    for (_, a), (_, b) in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=5e-2, atol=5e-2)


def _out_and_inplace(lib):
    g = np.random.default_rng(3)
    a = lib.tensor(g.random((3, 3), dtype=np.float32))
    c = lib.empty(3, 3)
    with lib.autocast("cpu"):
        lib.mm(a, a, out=c)
        x = a.clone()
        x.addmm_(a, a)
        y = lib.mm(a, a)
        err = _error(lambda: a.bfloat16().addmm_(a, a))
    ref = a @ a
    return str(c.dtype), bool((c == ref).all()), str(x.dtype), bool(((x - a) - ref).abs().max() < 1e-6), \
        str(y.dtype), bool((y.float() == ref).all()), err


def test_out_and_inplace_variants_are_not_autocast():
    """PyTorch registers autocast kernels for the functional overloads only: mm(out=) and addmm_ run in float32
    (and an in-place op on a bfloat16 tensor with float32 operands is a dtype error) inside a region too."""
    assert [str(v).replace("torchlike", "torch") for v in _out_and_inplace(TL)] == \
        [str(v) for v in _out_and_inplace(TH)]


# --- regions: state, nesting, decorators, errors -----------------------------------------------------------

def _state(lib):
    return (lib.is_autocast_enabled("cpu"), lib.is_autocast_enabled(), str(lib.get_autocast_dtype("cpu")),
            lib.is_autocast_cache_enabled())


def _nesting(lib):
    x = lib.ones(2, 2)
    seen = [_state(lib)]
    with lib.autocast("cpu"):
        seen += [_state(lib), str((x @ x).dtype)]
        with lib.autocast("cpu", enabled=False):
            seen += [_state(lib), str((x @ x).dtype)]
            with lib.autocast("cpu", dtype=lib.float16, cache_enabled=False):
                seen += [_state(lib), str((x @ x).dtype)]
            seen += [_state(lib)]
        seen += [_state(lib), str((x @ x).dtype)]
    seen += [_state(lib), str((x @ x).dtype)]
    return [str(s).replace("torchlike", "torch") for s in seen]


def test_nesting_matches_torch():
    assert _nesting(TL) == _nesting(TH)


def test_region_exits_on_exception():
    for lib in (TL, TH):
        with pytest.raises(ValueError):
            with lib.autocast("cpu"):
                raise ValueError("boom")
        assert not lib.is_autocast_enabled("cpu")


def _decorated(lib):
    class M(lib.nn.Module):
        def __init__(self):
            super().__init__()
            lib.manual_seed(0)
            self.fc = lib.nn.Linear(3, 2)

        @lib.autocast("cpu")
        def forward(self, x):
            return self.fc(x), lib.is_autocast_enabled("cpu")

    @lib.amp.autocast("cpu", dtype=lib.float16)
    def f(x):
        return x @ x

    out, on = M()(lib.ones(4, 3))
    return str(out.dtype).split(".")[-1], on, str(f(lib.ones(2, 2)).dtype).split(".")[-1], \
        lib.is_autocast_enabled("cpu"), f.__name__


def test_decorators_match_torch():
    assert _decorated(TL) == _decorated(TH)


def _error(fn):
    try:
        fn()
    except Exception as e:      # noqa: BLE001
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("call", [
    lambda lib: lib.autocast(1),
    lambda lib: lib.autocast("meta"),
    lambda lib: lib.autocast("nodevice"),
    lambda lib: lib.autocast("cpu")(3),
    lambda lib: lib.is_autocast_enabled(1),
    lambda lib: lib.set_autocast_enabled("cpu", 1),
    lambda lib: lib.amp.custom_fwd(device_type=1),
    lambda lib: lib.amp.is_autocast_available("nodevice"),
])
def test_errors_match_torch(call):
    assert _error(lambda: call(TL)) == _error(lambda: call(TH))


def _warned(lib, make):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        obj = make(lib)
    return [(x.category.__name__, str(x.message)) for x in w], getattr(obj, "_enabled", None), \
        str(getattr(obj, "fast_dtype", "")).replace("torchlike", "torch")


@pytest.mark.parametrize("make", [
    lambda lib: lib.autocast("cpu", dtype=lib.float32),
    lambda lib: lib.autocast("cuda"),
    lambda lib: lib.autocast("cuda", enabled=False),
    lambda lib: lib.cuda.amp.autocast(),
    lambda lib: lib.cpu.amp.autocast(),
    lambda lib: lib.cpu.amp.autocast(dtype=lib.float16),
    lambda lib: lib.amp.GradScaler(),
    lambda lib: lib.cuda.amp.GradScaler(),
    lambda lib: lib.cpu.amp.GradScaler(),
    lambda lib: lib.amp.GradScaler("cpu", enabled=False),
], ids=["cpu_float32", "cuda", "cuda_off", "cuda_amp", "cpu_amp", "cpu_amp_half", "scaler", "cuda_scaler",
        "cpu_scaler", "scaler_off"])
def test_constructors_warn_and_disable_as_torch(make):
    assert _warned(TL, make) == _warned(TH, make)


def test_queries_and_setters_match_torch():
    def run(lib):
        out = [lib.amp.is_autocast_available(d) for d in ("cpu", "cuda", "xpu", "meta")]
        lib.set_autocast_enabled("cpu", True)
        lib.set_autocast_dtype("cpu", lib.float16)
        x = lib.ones(2, 2)
        out += [lib.is_autocast_enabled("cpu"), str((x @ x).dtype)]
        lib.set_autocast_enabled("cpu", False)
        lib.set_autocast_dtype("cpu", lib.bfloat16)
        out += [lib.autocast_increment_nesting(), lib.autocast_decrement_nesting(), str((x @ x).dtype)]
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out += [lib.is_autocast_cpu_enabled(), str(lib.get_autocast_cpu_dtype()), str(lib.get_autocast_gpu_dtype())]
        out += [x.category.__name__ for x in w]
        out += [lib.cpu.is_available(), lib.cpu.device_count(), lib.cpu.current_device(), lib.cpu.is_initialized(),
                lib.cpu.synchronize()]
        return [str(o).replace("torchlike", "torch") for o in out]
    assert run(TL) == run(TH)


# --- autograd through a region ---------------------------------------------------------------------------------

def _grads(lib):
    lib.manual_seed(0)
    m = lib.nn.Sequential(lib.nn.Linear(6, 8), lib.nn.ReLU(), lib.nn.Linear(8, 3))
    x = lib.tensor(np.linspace(-1, 1, 24, dtype=np.float32).reshape(4, 6))
    with lib.autocast("cpu"):
        h = m[0](x)
        h.retain_grad()
        out = m[2](m[1](h))
        loss = lib.nn.functional.cross_entropy(out, lib.tensor([0, 1, 2, 0]))
    loss.backward()
    meta = [str(t.dtype).split(".")[-1] for t in (h, out, loss, h.grad)] + \
        [str(p.grad.dtype).split(".")[-1] for p in m.parameters()] + [type(out.grad_fn).__name__]
    return meta, [to_numpy(p.grad) for p in m.parameters()] + [to_numpy(loss)]


def test_gradient_dtypes_and_values_match_torch():
    meta_tl, vals_tl = _grads(TL)
    meta_th, vals_th = _grads(TH)
    assert meta_tl == meta_th
    for a, b in zip(vals_tl, vals_th):
        np.testing.assert_allclose(a, b, rtol=3e-2, atol=3e-2)


def _cast_node(t):
    return [f for f, _ in t.grad_fn.next_functions if f is not None][0]


def _cache(lib):
    w = lib.ones(3, 3, requires_grad=True)
    x = lib.ones(3, 3)
    out = []
    for cache in (True, False):
        with lib.autocast("cpu", cache_enabled=cache):
            a, b = x @ w, x @ w
            out.append(_cast_node(a) is _cast_node(b))
            v = w[0:2]               # a view is never cached; neither is a non-leaf
            c, d = v @ x, v @ x
            out.append(_cast_node(c) is _cast_node(d))
    with lib.autocast("cpu"):
        first = _cast_node(x @ w)
    with lib.autocast("cpu"):
        out.append(_cast_node(x @ w) is first)    # dropped on leaving the outermost region
    (a.sum() + b.sum()).backward()
    out.append(w.grad.tolist())
    return out


def test_weight_cast_cache_matches_torch():
    assert _cache(TL) == _cache(TH)


def test_cache_is_keyed_by_the_weight_as_in_torch():
    """A weight cast to float16 in an inner region is what the outer bfloat16 region reuses (PyTorch's cache key is
    the weight alone), down to the dtype error that follows."""
    def run(lib):
        w, x = lib.ones(2, 2, requires_grad=True), lib.ones(2, 2)
        with lib.autocast("cpu"):
            with lib.autocast("cpu", dtype=lib.float16):
                inner = str((w @ w).dtype)
            return inner, str((w @ w).dtype), _error(lambda: x @ w)
    assert [str(v).replace("torchlike", "torch") for v in run(TL)] == [str(v) for v in run(TH)]


def _custom_function(lib):
    seen = []

    class Square(lib.autograd.Function):
        @staticmethod
        @lib.amp.custom_fwd(device_type="cpu", cast_inputs=lib.float32)
        def forward(ctx, x):
            seen.append(("fwd", str(x.dtype).split(".")[-1], lib.is_autocast_enabled("cpu")))
            ctx.save_for_backward(x)
            return x @ x

        @staticmethod
        @lib.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            seen.append(("bwd", str(g.dtype).split(".")[-1], lib.is_autocast_enabled("cpu")))
            (x,) = ctx.saved_tensors
            return g @ x.t() + x.t() @ g

    class Plain(lib.autograd.Function):
        @staticmethod
        @lib.amp.custom_fwd(device_type="cpu")
        def forward(ctx, x):
            seen.append(("plain", str(x.dtype).split(".")[-1], lib.is_autocast_enabled("cpu")))
            return x @ x

        @staticmethod
        @lib.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            seen.append(("plain_bwd", str(g.dtype).split(".")[-1], lib.is_autocast_enabled("cpu")))
            return g

    x = lib.ones(2, 2, dtype=lib.bfloat16, requires_grad=True)
    with lib.autocast("cpu"):
        y = Square.apply(x)
        z = Plain.apply(lib.ones(2, 2, requires_grad=True))
    y.sum().backward()
    z.sum().backward()
    seen.append(str(y.dtype).split(".")[-1])
    seen.append(str(x.grad.dtype).split(".")[-1])
    return seen


def test_custom_fwd_bwd_match_torch():
    assert _custom_function(TL) == _custom_function(TH)


# --- compile -------------------------------------------------------------------------------------------------

def test_compile_runs_the_casts_inside_the_program():
    TL.manual_seed(0)
    m = TL.nn.Sequential(TL.nn.Linear(5, 7), TL.nn.Tanh(), TL.nn.Linear(7, 2))
    x = TL.randn(3, 5)

    def f(x):
        return m(x)

    step = TL.compile(f)
    with TL.autocast("cpu"):
        eager = f(x)
        compiled = [step(x) for _ in range(3)]
    plain = step(x)                  # autocast is part of the guards: a float32 program again
    assert eager.dtype is TL.bfloat16 and all(c.dtype is TL.bfloat16 for c in compiled)
    assert plain.dtype is TL.float32
    np.testing.assert_allclose(to_numpy(compiled[-1]), to_numpy(eager), rtol=2e-2, atol=2e-2)
    np.testing.assert_allclose(to_numpy(plain), to_numpy(m(x)), rtol=1e-5, atol=1e-6)


# --- GradScaler ----------------------------------------------------------------------------------------------

def _scaler_run(lib, steps, bad_steps, **kw):
    lib.manual_seed(0)
    m = lib.nn.Linear(3, 2)
    opt = lib.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    scaler = lib.amp.GradScaler("cpu", **kw)
    trace = []
    for i in range(steps):
        opt.zero_grad()
        scale = float("inf") if i in bad_steps else 1.0
        loss = m(lib.ones(2, 3) * scale).pow(2).sum()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        trace.append((scaler.get_scale(), scaler._get_growth_tracker(), len(opt.state),
                      [round(v, 5) for v in m.weight.detach().flatten().tolist()]))
    return trace, scaler.state_dict()


@pytest.mark.parametrize("kw,bad", [
    ({}, ()), ({"init_scale": 8.0, "growth_interval": 2}, ()), ({"init_scale": 8.0, "growth_interval": 2}, (1, 4)),
    ({"init_scale": 2.0 ** 100, "growth_factor": 2.0 ** 20, "growth_interval": 1}, ()),   # an overflowing growth
    # keeps the scale (XLA flushes float32 subnormals to zero, so scales whose inverse is subnormal are avoided)
    ({"init_scale": 64.0, "growth_factor": 3.0, "backoff_factor": 0.25, "growth_interval": 3}, (0, 5)),
])
def test_grad_scaler_trace_matches_torch(kw, bad):
    assert _scaler_run(TL, 7, bad, **kw) == _scaler_run(TH, 7, bad, **kw)


def _scaler_protocol(lib):
    lib.manual_seed(0)
    m = lib.nn.Linear(2, 1)
    opt = lib.optim.SGD(m.parameters(), lr=0.5)
    s = lib.amp.GradScaler("cpu", init_scale=4.0, growth_interval=1)
    out = [s.get_scale(), s.state_dict(), _error(lambda: s.unscale_(opt)), _error(lambda: s.update())]
    s.scale(m(lib.ones(1, 2)).sum()).backward()
    out.append(_error(lambda: s.update()))
    s.unscale_(opt)
    out += [m.weight.grad.tolist(), _error(lambda: s.unscale_(opt))]
    out.append(s.step(opt))
    out += [_error(lambda: s.step(opt)), _error(lambda: s.unscale_(opt)),
            _error(lambda: s.step(opt, closure=lambda: 0))]
    s.update()
    out += [s.get_scale(), s.state_dict()]
    s.update(3.0)
    out.append(s.get_scale())
    s.update(lib.tensor(5.0))
    out += [s.get_scale(), _error(lambda: s.update(lib.tensor([1.0, 2.0]))),
            _error(lambda: s.update(lib.tensor(1.0, requires_grad=True)))]
    scaled = s.scale([lib.ones(2), (lib.ones(1), lib.ones(3))])
    out.append([t.tolist() if not isinstance(t, tuple) else [u.tolist() for u in t] for t in scaled])
    out.append(_error(lambda: s.scale(3)))
    s2 = lib.amp.GradScaler("cpu")
    s2.load_state_dict(s.state_dict())
    out += [s2.state_dict(), _error(lambda: s2.load_state_dict({}))]
    s3 = pickle.loads(pickle.dumps(s))
    out.append(s3.state_dict())
    m.half()
    s.scale(m(lib.ones(1, 2, dtype=lib.float16)).float().sum()).backward()
    out.append(_error(lambda: s.unscale_(opt)))
    out += [s.get_growth_factor(), s.get_backoff_factor(), s.get_growth_interval(), s.is_enabled()]
    s.set_growth_factor(4.0), s.set_backoff_factor(0.125), s.set_growth_interval(7)
    out += [s.get_growth_factor(), s.get_backoff_factor(), s.get_growth_interval()]
    off = lib.amp.GradScaler("cpu", enabled=False)
    x = lib.ones(1)
    out += [off.scale(x) is x, off.get_scale(), off.state_dict(), off.unscale_(opt), off.update(),
            off.load_state_dict({}), _error(lambda: lib.amp.GradScaler("cpu", growth_factor=1.0)),
            _error(lambda: lib.amp.GradScaler("cpu", backoff_factor=1.0))]
    return [str(o).replace("torchlike", "torch") for o in out]


def test_grad_scaler_protocol_and_errors_match_torch():
    assert _scaler_protocol(TL) == _scaler_protocol(TH)


# --- a training loop with autocast + GradScaler ----------------------------------------------------------------

def _train(lib, steps=25):
    lib.manual_seed(0)
    g = np.random.default_rng(1)
    X = lib.tensor(g.standard_normal((64, 10), dtype=np.float32))
    Y = lib.tensor(g.integers(0, 3, 64))
    m = lib.nn.Sequential(lib.nn.Linear(10, 32), lib.nn.ReLU(), lib.nn.Linear(32, 32), lib.nn.ReLU(),
                          lib.nn.Linear(32, 3))
    opt = lib.optim.Adam(m.parameters(), lr=1e-2)
    scaler = lib.amp.GradScaler("cpu", init_scale=2.0 ** 10, growth_interval=5)
    losses, scales = [], []
    for _ in range(steps):
        opt.zero_grad()
        with lib.autocast("cpu", dtype=lib.bfloat16):
            out = m(X)
            loss = lib.nn.functional.cross_entropy(out, Y)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        lib.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        scaler.step(opt)
        scaler.update()
        losses.append(loss.item())
        scales.append(scaler.get_scale())
    return np.array(losses), scales, str(out.dtype).split(".")[-1], str(loss.dtype).split(".")[-1]


def test_training_loop_follows_torch_loss_curve():
    l_tl, s_tl, *d_tl = _train(TL)
    l_th, s_th, *d_th = _train(TH)
    assert d_tl == d_th == ["bfloat16", "float32"]
    assert s_tl == s_th
    np.testing.assert_allclose(l_tl, l_th, rtol=3e-2, atol=1e-2)
    assert l_tl[-1] < 0.8 * l_tl[0]
