"""Pooling, normalization, dropout, embedding, padding and resampling layers against PyTorch (functional and modules):
values, gradients, indices, running statistics, masks for the same seed, reprs and errors."""
import numpy as np
import pytest

from _harness import check, check_grad, make, sample


def F(lib):
    return lib.nn.functional


def fast(cases, keep=(0,), dtypes=None):
    """Parametrize cases (optionally times dtypes); all but the `keep` indices are marked slow (the sweep)."""
    if dtypes is not None:
        cases = [(c, d) for c in cases for d in dtypes]
    out = []
    for i, c in enumerate(cases):
        c = c if isinstance(c, tuple) else (c,)
        out.append(pytest.param(*c, marks=()) if i in keep else pytest.param(*c, marks=pytest.mark.slow))
    return out


DT = ["float32", "float64"]


def _err(fn):
    check(fn, message=True)


# --- pooling -------------------------------------------------------------------------------------------------

MAXPOOL = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=2, ceil_mode=True),
           dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), dilation=2, ceil_mode=True),
           dict(kernel_size=3, stride=1, padding=1)]


@pytest.mark.parametrize("kw,dtype", fast(MAXPOOL, (3, 4), DT))
def test_max_pool2d(kw, dtype):
    x = sample((2, 3, 7, 9), "float64", seed=1)
    check_grad(lambda lib, x: F(lib).max_pool2d(x, return_indices=True, **kw), [(x, dtype)])
    check_grad(lambda lib, x: F(lib).max_pool2d(x[0], **kw), [(x, dtype)])


def test_max_pool_ties_nan_inf_and_grad_fn():
    # ties: the gradient goes to the first maximum in the window; NaN wins; -inf windows
    x = np.array([[[[1., 1., 2., 2.], [1., 1., 2., 2.], [0., 3., np.nan, 5.], [3., 3., 5., np.nan]]]])
    check_grad(lambda lib, x: F(lib).max_pool2d(x, 2, 1, return_indices=True), [(x, "float64")])
    check_grad(lambda lib, x: F(lib).max_pool2d(x, 3, 1, 1, return_indices=True), [(x, "float32")])
    y = np.full((1, 1, 3, 3), -np.inf)
    check(lambda lib: F(lib).max_pool2d(make(lib, y), 2, 1, 1, return_indices=True))
    check(lambda lib: type(F(lib).max_pool2d(make(lib, x, requires_grad=True), 2).grad_fn).__name__)
    check(lambda lib: F(lib).max_pool2d(make(lib, np.round(x[..., :2, :] * 3), "int64"), 2, 1, 1,
                                        return_indices=True))
    check(lambda lib: F(lib).max_pool2d(make(lib, x[..., :2, :], layout="transposed"), (1, 2)))


@pytest.mark.parametrize("kw", fast([dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                dict(kernel_size=4, stride=3, padding=2, dilation=1)], (1,)))
def test_max_pool1d_3d(kw):
    x = sample((2, 3, 11), "float64", seed=2)
    check_grad(lambda lib, x: F(lib).max_pool1d(x, return_indices=True, **kw), [(x, "float32")])
    check_grad(lambda lib, x: F(lib).max_pool1d(x[0], **kw), [(x, "float64")])
    x3 = sample((2, 2, 5, 6, 7), "float64", seed=3)
    check_grad(lambda lib, x: F(lib).max_pool3d(x, return_indices=True, **kw), [(x3, "float64")])


AVGPOOL = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
           dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
           dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
           dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
           dict(kernel_size=(2, 3), stride=(3, 1), padding=(1, 0), divisor_override=4),
           dict(kernel_size=(3, 2), stride=2, ceil_mode=True)]


@pytest.mark.parametrize("kw,dtype", fast(AVGPOOL, (4, 11), DT))
def test_avg_pool2d(kw, dtype):
    x = sample((2, 3, 7, 8), "float64", seed=4)
    check_grad(lambda lib, x: F(lib).avg_pool2d(x, **kw), [(x, dtype)])
    check_grad(lambda lib, x: F(lib).avg_pool2d(x[1], **kw), [(x, dtype)])
    kw1 = {k: (v[0] if isinstance(v, tuple) else v) for k, v in kw.items() if k != "divisor_override"}
    check_grad(lambda lib, x: F(lib).avg_pool1d(x[0], **kw1), [(x, dtype)])
    x3 = sample((1, 2, 5, 6, 7), "float64", seed=5)
    check_grad(lambda lib, x: F(lib).avg_pool3d(x, **kw1), [(x3, dtype)])


def test_avg_pool_int_and_grad_fn():
    x = sample((1, 2, 5, 5), "int64", seed=6)
    check(lambda lib: F(lib).avg_pool2d(make(lib, x, "int64"), 2, 1, 1))
    check(lambda lib: F(lib).avg_pool1d(make(lib, x[0], "int64"), 3, 2, 1))
    for name in ["avg_pool1d", "avg_pool2d"]:
        check(lambda lib: type(getattr(F(lib), name)(make(lib, x, "float32", requires_grad=True)[0], 2).grad_fn)
              .__name__)


@pytest.mark.parametrize("size,dtype", fast([(3, 4), (5, 2), (1, 1), (7, 8), (2, None), 3, (10, 11), (None, 1)],
                                             (1, 8), DT))
def test_adaptive_pool2d(size, dtype):
    x = sample((2, 3, 7, 8), "float64", seed=7)
    check_grad(lambda lib, x: F(lib).adaptive_avg_pool2d(x, size), [(x, dtype)])
    check_grad(lambda lib, x: F(lib).adaptive_max_pool2d(x, size, return_indices=True), [(x, dtype)])
    check_grad(lambda lib, x: F(lib).adaptive_max_pool2d(x[0], size), [(x, dtype)])


@pytest.mark.parametrize("size", fast([3, 1, 4, 11, 13]))
def test_adaptive_pool1d_3d(size):
    x = sample((2, 3, 11), "float64", seed=8)
    check_grad(lambda lib, x: F(lib).adaptive_avg_pool1d(x, size), [(x, "float64")])
    check_grad(lambda lib, x: F(lib).adaptive_max_pool1d(x, size, return_indices=True), [(x, "float32")])
    x3 = sample((1, 2, 4, 5, 6), "float64", seed=9)
    check_grad(lambda lib, x: F(lib).adaptive_avg_pool3d(x, (2, size % 5 + 1, 3)), [(x3, "float64")])
    check_grad(lambda lib, x: F(lib).adaptive_max_pool3d(x, (2, size % 5 + 1, 3), True), [(x3, "float64")])


def test_pool_grad_fns():
    x = sample((1, 2, 6, 6), "float64")

    def names(lib):
        t = make(lib, x, requires_grad=True)
        f = F(lib)
        outs = [f.adaptive_avg_pool2d(t, 3), f.adaptive_max_pool2d(t, 3), f.max_pool1d(t[0], 2),
                f.adaptive_avg_pool1d(t[0], 2), f.max_pool3d(t[None], 2), f.avg_pool3d(t[None], 2)]
        return tuple(type(o.grad_fn).__name__ for o in outs)
    check(names)


@pytest.mark.parametrize("norm", fast([2, 1, 3.0, float("inf")]))
def test_lp_pool(norm):
    x = sample((2, 3, 6, 7), "float64", seed=10, low=0.1, high=3)
    check_grad(lambda lib, x: F(lib).lp_pool2d(x, norm, 2), [(x, "float64")])
    check_grad(lambda lib, x: F(lib).lp_pool2d(x, norm, (3, 2), 2, True), [(x, "float64")])
    check_grad(lambda lib, x: F(lib).lp_pool1d(x[0], norm, 3, 2), [(x, "float64")])


def test_pool_errors():
    x = sample((2, 3, 8, 8), "float32")
    for name in ["max_pool2d", "avg_pool2d"]:
        f = lambda lib, *a, **k: getattr(F(lib), name)(*a, **k)   # noqa: E731
        _err(lambda lib: f(lib, make(lib, x), 0))
        _err(lambda lib: f(lib, make(lib, x), 2, 0))
        _err(lambda lib: f(lib, make(lib, x), 2, -1))
        _err(lambda lib: f(lib, make(lib, x), 2, padding=2))
        _err(lambda lib: f(lib, make(lib, x), 2, padding=-1))
        _err(lambda lib: f(lib, make(lib, sample((2, 3, 1, 1))), 2))
        _err(lambda lib: f(lib, make(lib, sample((2, 0, 4, 4))), 2))
        _err(lambda lib: f(lib, make(lib, x, "bool"), 2))
        _err(lambda lib: f(lib, make(lib, x), (2, 2, 2)))
        _err(lambda lib: f(lib, make(lib, x), 2, (1, 1, 1)))
        _err(lambda lib: f(lib, make(lib, x), 2, padding=(1, 1, 1)))
        check(lambda lib: f(lib, make(lib, sample((0, 3, 4, 4))), 2))
    _err(lambda lib: F(lib).max_pool2d(make(lib, x[0, 0, 0]), 2))
    _err(lambda lib: F(lib).avg_pool2d(make(lib, x[0, 0, 0]), 2))
    _err(lambda lib: F(lib).avg_pool2d(make(lib, x, "int32"), 2))
    _err(lambda lib: F(lib).max_pool2d(make(lib, x), 2, dilation=0))
    _err(lambda lib: F(lib).max_pool2d(make(lib, x), 2, dilation=(1, 1, 1)))
    _err(lambda lib: F(lib).max_pool2d(make(lib, x), 3, dilation=4))
    _err(lambda lib: F(lib).avg_pool2d(make(lib, x), 2, divisor_override=0))
    _err(lambda lib: F(lib).avg_pool2d(make(lib, x), 2, divisor_override=2.5))
    x1 = sample((2, 3, 8), "float32")
    for k in [dict(kernel_size=0), dict(kernel_size=2, stride=0), dict(kernel_size=2, padding=2),
              dict(kernel_size=(2, 2))]:
        _err(lambda lib: F(lib).max_pool1d(make(lib, x1), **k))
        _err(lambda lib: F(lib).avg_pool1d(make(lib, x1), **k))
    for shp in [(8,), (), (2, 3, 1)]:
        _err(lambda lib: F(lib).max_pool1d(make(lib, sample(shp)), 2))
        _err(lambda lib: F(lib).avg_pool1d(make(lib, sample(shp)), 2))
    _err(lambda lib: F(lib).adaptive_avg_pool2d(make(lib, x[0, 0, 0]), 2))
    _err(lambda lib: F(lib).adaptive_avg_pool2d(make(lib, x[0, 0]), (2, 2)))
    _err(lambda lib: F(lib).adaptive_avg_pool2d(make(lib, sample((2, 3, 0, 4))), 2))
    _err(lambda lib: F(lib).adaptive_max_pool2d(make(lib, sample((2, 0, 3, 4))), 2))
    _err(lambda lib: F(lib).adaptive_max_pool2d(make(lib, x[0, 0]), 2))
    _err(lambda lib: F(lib).adaptive_avg_pool1d(make(lib, x[0, 0, 0]), 2))
    _err(lambda lib: F(lib).adaptive_avg_pool1d(make(lib, x1), (2, 2)))
    _err(lambda lib: F(lib).adaptive_avg_pool2d(make(lib, x1), (2, 2, 2)))


# --- normalization -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape,dtype", fast([(2, 3, 4, 5), (4, 3), (4, 3, 5), (2, 3, 2, 3, 2)], (0, 5), DT))
def test_batch_norm_functional(shape, dtype):
    x = sample(shape, "float64", seed=11)
    w, b = sample((3,), "float64", seed=12), sample((3,), "float64", seed=13)
    rm, rv = sample((3,), "float64", seed=14), sample((3,), "float64", seed=15, low=0.5, high=2)

    def train(lib, x, w, b):
        m, v = make(lib, rm, dtype), make(lib, rv, dtype)
        out = F(lib).batch_norm(x, m, v, w, b, training=True, momentum=0.3, eps=1e-3)
        return out, m, v
    check_grad(train, [(x, dtype), (w, dtype), (b, dtype)])
    check_grad(lambda lib, x, w, b: F(lib).batch_norm(x, make(lib, rm, dtype), make(lib, rv, dtype), w, b),
               [(x, dtype), (w, dtype), (b, dtype)])
    check_grad(lambda lib, x: F(lib).batch_norm(x, None, None, training=True), [(x, dtype)])


def test_batch_norm_errors_and_grad_fn():
    x = sample((4, 3, 5), "float32")
    z3, o3 = np.zeros(3), np.ones(3)
    bn = lambda lib, *a, **k: F(lib).batch_norm(make(lib, x), *a, **k)   # noqa: E731
    _err(lambda lib: bn(lib, None, None))
    _err(lambda lib: bn(lib, make(lib, z3), None))
    _err(lambda lib: bn(lib, make(lib, np.zeros(4)), make(lib, o3), training=True))
    _err(lambda lib: bn(lib, make(lib, z3), make(lib, o3), make(lib, np.ones(4)), training=True))
    _err(lambda lib: bn(lib, make(lib, z3), make(lib, o3), None, make(lib, np.ones(4)), training=True))
    _err(lambda lib: F(lib).batch_norm(make(lib, x[:1, :, :1]), make(lib, z3), make(lib, o3), training=True))
    _err(lambda lib: F(lib).batch_norm(make(lib, x, "float64"), make(lib, z3), make(lib, o3), training=True))
    _err(lambda lib: bn(lib, make(lib, z3, "float64"), make(lib, o3, "float64"), training=True))
    _err(lambda lib: F(lib).batch_norm(make(lib, x, "int64"), make(lib, z3), make(lib, o3), training=True))
    check(lambda lib: F(lib).batch_norm(make(lib, x[:0], requires_grad=True), make(lib, z3), make(lib, o3),
                                        training=True))
    check(lambda lib: F(lib).batch_norm(make(lib, x, "float16"), make(lib, z3, "float32"), make(lib, o3, "float32"),
                                        training=True), rtol=1e-2, atol=1e-2)
    check(lambda lib: [type(F(lib).batch_norm(make(lib, x, requires_grad=True), make(lib, z3), make(lib, o3),
                                              training=t).grad_fn).__name__ for t in (True, False)])


def test_batch_norm_modules_running_stats():
    x = sample((6, 3, 4, 4), "float64", seed=16)

    def go(lib, momentum, affine, track):
        lib.manual_seed(0)
        m = lib.nn.BatchNorm2d(3, momentum=momentum, affine=affine, track_running_stats=track)
        outs = []
        for i in range(3):
            xt = make(lib, x * (i + 1) + i, "float32", requires_grad=True)
            y = m(xt)
            y.pow(2).sum().backward()
            outs += [y, xt.grad]
        m.eval()
        outs.append(m(make(lib, x, "float32")))
        return repr(m), tuple(outs), tuple(m.state_dict().items()), m.training
    for args in [(0.1, True, True), (None, True, True), (0.5, False, True), (0.1, True, False)]:
        check(lambda lib: go(lib, *args), rtol=1e-4, atol=1e-4)

    def one_d(lib):
        m = lib.nn.BatchNorm1d(3)
        y = m(make(lib, x[:, :, 0, 0]))
        z = m(make(lib, x[:, :, 0]))
        return y, z, m.running_mean, m.running_var, m.num_batches_tracked
    check(one_d)
    _err(lambda lib: lib.nn.BatchNorm2d(3)(make(lib, x[0])))
    _err(lambda lib: lib.nn.BatchNorm1d(3)(make(lib, x)))
    _err(lambda lib: lib.nn.BatchNorm3d(3)(make(lib, x)))


@pytest.mark.parametrize("dtype", fast(DT, (1,)))
def test_layer_group_instance_norm(dtype):
    x = sample((2, 4, 3, 5), "float64", seed=17)
    w5, b5 = sample((5,), "float64", seed=18), sample((5,), "float64", seed=19)
    w35 = sample((3, 5), "float64", seed=20)
    check_grad(lambda lib, x, w, b: F(lib).layer_norm(x, (5,), w, b), [(x, dtype), (w5, dtype), (b5, dtype)])
    check_grad(lambda lib, x, w: F(lib).layer_norm(x, [3, 5], w, eps=1e-3), [(x, dtype), (w35, dtype)])
    w4, b4 = sample((4,), "float64", seed=21), sample((4,), "float64", seed=22)
    check_grad(lambda lib, x, w, b: F(lib).group_norm(x, 2, w, b), [(x, dtype), (w4, dtype), (b4, dtype)])
    check_grad(lambda lib, x: F(lib).group_norm(x[..., 0], 4, eps=1e-2), [(x, dtype)])
    check_grad(lambda lib, x, w, b: F(lib).instance_norm(x, weight=w, bias=b), [(x, dtype), (w4, dtype), (b4, dtype)])

    def inorm_stats(lib, x):
        rm, rv = make(lib, np.zeros(4), dtype), make(lib, np.ones(4), dtype)
        y = F(lib).instance_norm(x, rm, rv, momentum=0.2)
        return y, rm, rv, F(lib).instance_norm(x, rm, rv, use_input_stats=False)
    check_grad(inorm_stats, [(x, dtype)])
    check_grad(lambda lib, x, w: F(lib).rms_norm(x, (3, 5), w), [(x, dtype), (w35, dtype)])
    check_grad(lambda lib, x: F(lib).local_response_norm(x, 3), [(x, dtype)])
    check_grad(lambda lib, x: F(lib).local_response_norm(x[0], 2), [(x, dtype)])


def test_norm_errors_and_modules():
    x = sample((4, 3, 5), "float32")
    _err(lambda lib: F(lib).layer_norm(make(lib, x), (4,)))
    _err(lambda lib: F(lib).layer_norm(make(lib, x), 5))
    _err(lambda lib: F(lib).layer_norm(make(lib, x), (5,), make(lib, np.ones(4))))
    _err(lambda lib: F(lib).layer_norm(make(lib, x), (5,), make(lib, np.ones(5), "float64")))
    _err(lambda lib: F(lib).layer_norm(make(lib, x, "float64"), (5,), make(lib, np.ones(5), "float32")))
    _err(lambda lib: F(lib).layer_norm(make(lib, x, "int64"), (5,)))
    _err(lambda lib: F(lib).layer_norm(make(lib, x), ()))
    _err(lambda lib: F(lib).group_norm(make(lib, x), 2))
    _err(lambda lib: F(lib).group_norm(make(lib, x), 3, make(lib, np.ones(2))))
    _err(lambda lib: F(lib).group_norm(make(lib, x[0]), 3))
    _err(lambda lib: F(lib).group_norm(make(lib, x[0, 0]), 3))
    _err(lambda lib: F(lib).group_norm(make(lib, x), 0))
    _err(lambda lib: F(lib).instance_norm(make(lib, x[0])))
    _err(lambda lib: F(lib).instance_norm(make(lib, x[:, :, :1])))
    _err(lambda lib: lib.nn.GroupNorm(2, 3))
    _err(lambda lib: lib.nn.InstanceNorm1d(3, affine=True)(make(lib, x[:, :2])))
    _err(lambda lib: lib.nn.InstanceNorm2d(3)(make(lib, x[0, 0])))

    def mods(lib):
        lib.manual_seed(0)
        ms = [lib.nn.LayerNorm(5), lib.nn.LayerNorm([3, 5], elementwise_affine=False), lib.nn.LayerNorm(5, bias=False),
              lib.nn.GroupNorm(3, 3), lib.nn.GroupNorm(1, 3, affine=False), lib.nn.InstanceNorm1d(3),
              lib.nn.InstanceNorm1d(3, affine=True, track_running_stats=True), lib.nn.RMSNorm([5], eps=1e-4),
              lib.nn.LocalResponseNorm(2)]
        xt = make(lib, x, requires_grad=True)
        ys = [m(xt) for m in ms]
        lib.stack(ys).sum().backward()
        ms[6].eval()
        return tuple(repr(m) for m in ms), tuple(ys), xt.grad, ms[6](xt), tuple(ms[6].state_dict().values()), \
            tuple(tuple(m.state_dict().keys()) for m in ms)
    check(mods, rtol=1e-4, atol=1e-4)
    check(lambda lib: lib.nn.InstanceNorm2d(3)(make(lib, sample((3, 4, 4)))))


# --- dropout -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("p", fast([0.2, 0.0, 0.5, 1.0], (0, 3)))
def test_dropout_masks_same_seed(p):
    x = sample((4, 6, 5), "float64", seed=23)

    def go(lib):
        lib.manual_seed(7)
        xt = make(lib, x, "float32", requires_grad=True)
        f = F(lib)
        ys = [f.dropout(xt, p), f.dropout1d(xt, p), f.dropout2d(xt[None], p)[0], f.dropout3d(xt[None], p)[0],
              f.alpha_dropout(xt, p, True), f.feature_alpha_dropout(xt[None], p, True)[0], f.dropout(xt[0], p)]
        lib.stack(ys[:6]).sum().backward()
        return tuple(ys), xt.grad
    check(go)


def test_dropout_modes_inplace_and_modules():
    x = sample((3, 4, 5, 2), "float64", seed=24)

    def go(lib):
        lib.manual_seed(3)
        xt = make(lib, x)
        f = F(lib)
        same = (f.dropout(xt, 0.5, training=False) is xt, f.dropout(xt, 0.0) is xt)
        y = xt.clone()
        r = f.dropout(y, 0.3, inplace=True)
        z = xt.clone()
        f.dropout2d(z, 0.3, inplace=True)
        ms = [lib.nn.Dropout(), lib.nn.Dropout1d(0.3), lib.nn.Dropout2d(0.2, True), lib.nn.Dropout3d(0.1),
              lib.nn.AlphaDropout(0.2), lib.nn.FeatureAlphaDropout(0.4)]
        outs = [ms[0](xt), ms[1](xt[0]), ms[2](xt.clone()), ms[3](xt), ms[4](xt), ms[5](xt)]
        for m in ms:
            m.eval()
        evals = tuple(m(xt) is xt for m in ms)
        grad_fn = type(f.dropout(make(lib, x, requires_grad=True)).grad_fn).__name__
        return same, r is y, y, z, tuple(repr(m) for m in ms), tuple(outs), evals, grad_fn
    check(go)
    for p in [-0.1, 1.5]:
        _err(lambda lib: F(lib).dropout(make(lib, x), p))
        _err(lambda lib: F(lib).dropout2d(make(lib, x), p))
        _err(lambda lib: lib.nn.Dropout(p))
    _err(lambda lib: F(lib).dropout1d(make(lib, x), 0.5))


# --- embedding -----------------------------------------------------------------------------------------------

def test_embedding():
    w = sample((10, 4), "float64", seed=25)
    idx = np.array([[1, 2, 2, 0], [9, 1, 2, 3]])
    for kw in [dict(), dict(padding_idx=2), dict(padding_idx=-1), dict(scale_grad_by_freq=True),
               dict(padding_idx=1, scale_grad_by_freq=True)]:
        check_grad(lambda lib, w: F(lib).embedding(make(lib, idx), w, **kw), [(w, "float32")])
    check_grad(lambda lib, w: F(lib).embedding(make(lib, idx[0], "int32"), w), [(w, "float64")])
    check_grad(lambda lib, w: F(lib).embedding(make(lib, np.array(3)), w), [(w, "float64")])

    def renorm(lib):
        wt = make(lib, w * 3, "float32", requires_grad=True)
        out = F(lib).embedding(make(lib, idx), wt, max_norm=2.0)
        out2 = F(lib).embedding(make(lib, idx), wt, max_norm=1.0, norm_type=1.0)
        return out, out2, wt.detach()
    check(renorm)
    _err(lambda lib: F(lib).embedding(make(lib, idx, "float32"), make(lib, w)))
    _err(lambda lib: F(lib).embedding(make(lib, np.array([1, 10])), make(lib, w)))
    _err(lambda lib: F(lib).embedding(make(lib, np.array([1, -1])), make(lib, w)))
    _err(lambda lib: F(lib).embedding(make(lib, idx), make(lib, w), padding_idx=10))
    _err(lambda lib: F(lib).embedding(make(lib, idx), make(lib, w), padding_idx=-11))
    _err(lambda lib: F(lib).embedding(make(lib, idx), make(lib, w[0])))


def test_embedding_module():
    idx = np.array([[1, 2, 2, 0], [9, 1, 2, 3]])

    def go(lib):
        lib.manual_seed(0)
        ms = [lib.nn.Embedding(10, 4), lib.nn.Embedding(10, 3, padding_idx=2), lib.nn.Embedding(10, 3, max_norm=1.0),
              lib.nn.Embedding(10, 2, padding_idx=-3, scale_grad_by_freq=True, norm_type=1.0)]
        outs = [m(make(lib, idx)) for m in ms]
        sum(o.sum() for o in outs).backward()
        pre = lib.nn.Embedding.from_pretrained(make(lib, np.arange(12.0).reshape(4, 3)))
        pre2 = lib.nn.Embedding.from_pretrained(make(lib, np.arange(12.0).reshape(4, 3)), freeze=False, padding_idx=0)
        return (tuple(repr(m) for m in ms), tuple(outs), tuple(m.weight.grad for m in ms),
                tuple(m.weight.detach() for m in ms), pre(make(lib, idx[:, :2] + 1)), pre.weight.requires_grad,
                pre2.weight.requires_grad, repr(pre2))
    check(go)
    _err(lambda lib: lib.nn.Embedding(10, 3, padding_idx=10))
    _err(lambda lib: lib.nn.Embedding.from_pretrained(make(lib, np.ones(3))))


# --- padding -------------------------------------------------------------------------------------------------

PADS = [((1, 2), "constant"), ((1, 2, 0, 1), "constant"), ((-1, 2, 1, -1), "constant"),
        ((1, 1, 2, 2, 1, 0), "constant"),
        ((2, 1), "reflect"), ((1, 2, 2, 1), "reflect"), ((-1, 1, 1, 0), "reflect"), ((1, 1), "replicate"),
        ((3, 0, 1, 2), "replicate"), ((-1, 2, 0, -1), "replicate"), ((1, 2), "circular"), ((2, 1, 1, 2), "circular"),
        ((-1, 1, 1, -2), "circular"), ((1, 1, 1, 1, 1, 1), "reflect"), ((1, 0, 2, 1, 1, 2), "replicate"),
        ((1, 1, 1, 1, 1, 1), "circular")]


@pytest.mark.parametrize("pad,mode", fast(PADS, (2, 5, 9, 12)))
def test_pad(pad, mode):
    nd = len(pad) // 2
    x = sample((2, 3, 4, 5, 3)[: 2 + max(nd, 1)], "float64", seed=26)
    check_grad(lambda lib, x: F(lib).pad(x, pad, mode), [(x, "float64")])
    check_grad(lambda lib, x: F(lib).pad(x[0], pad, mode), [(x, "float32")])


def test_pad_values_errors_and_modules():
    x = sample((1, 2, 3, 4), "float32")
    check(lambda lib: F(lib).pad(make(lib, x), (1, 1), value=2.5))
    check(lambda lib: F(lib).pad(make(lib, np.round(x), "int64"), (1, 1), value=2.5))
    check(lambda lib: F(lib).pad(make(lib, x > 0), (1, 1), value=1))
    check(lambda lib: F(lib).pad(make(lib, np.round(x), "int64"), (1, 1, 1, 1), mode="reflect"))
    for args in [((1,),), ((1, 1) * 5,), ((1, 1), "reflect"), ((1, 1, 1, 1), "foo"), ((1, 1, 1, 1), "reflect", 1),
                 ((4, 4, 1, 1), "reflect"), ((1, 1, 3, 1), "reflect"), ((5, 1, 1, 1), "circular"), ((-5, 1, 1, 1),),
                 ([1.5, 1],)]:
        _err(lambda lib: F(lib).pad(make(lib, x), *args))
    check(lambda lib: F(lib).pad(make(lib, x), (1, 1, 1, 1), "reflect", 0))
    _err(lambda lib: F(lib).pad(make(lib, x > 0), (1, 1, 1, 1), "reflect"))
    _err(lambda lib: F(lib).pad(make(lib, sample((2, 0, 3, 4))), (1, 1, 1, 1), "reflect"))
    _err(lambda lib: F(lib).pad(make(lib, sample((2, 3, 2))), (-3, 1), "replicate"))

    def mods(lib):
        ms = [lib.nn.ZeroPad2d(2), lib.nn.ConstantPad1d(2, 3.5), lib.nn.ReflectionPad2d((1, 2, 0, 1)),
              lib.nn.ReplicationPad1d(2), lib.nn.CircularPad2d(1), lib.nn.ZeroPad1d((1, 0)),
              lib.nn.ConstantPad2d(1, 0), lib.nn.ReflectionPad1d(1), lib.nn.ReplicationPad2d((0, 1, 2, 0)),
              lib.nn.CircularPad1d(2), lib.nn.ConstantPad3d(1, -1.0), lib.nn.ZeroPad3d((1, 0, 0, 1, 1, 0)),
              lib.nn.ReplicationPad3d(1), lib.nn.ReflectionPad3d((1, 0, 1, 0, 1, 0)), lib.nn.CircularPad3d(1)]
        xt = make(lib, x)
        outs = [m(xt[0] if i in (3, 7, 9) else xt) for i, m in enumerate(ms)]
        return tuple(repr(m) for m in ms), tuple(outs)
    check(mods)
    _err(lambda lib: lib.nn.CircularPad2d(1)(make(lib, x[0, 0])))


# --- interpolation, pixel shuffle ----------------------------------------------------------------------------

INTERP = [
    (3, dict(scale_factor=2)), (3, dict(size=7)), (3, dict(scale_factor=0.6)), (3, dict(size=5, mode="linear")),
    (3, dict(scale_factor=1.7, mode="linear", align_corners=True)), (3, dict(size=4, mode="nearest-exact")),
    (4, dict(scale_factor=2)), (4, dict(size=(5, 9))), (4, dict(scale_factor=(1.5, 0.7))),
    (4, dict(scale_factor=2, mode="bilinear")), (4, dict(size=(7, 3), mode="bilinear", align_corners=True)),
    (4, dict(scale_factor=1.3, mode="bilinear", recompute_scale_factor=True)), (4, dict(size=(8, 9), mode="bicubic")),
    (4, dict(scale_factor=0.8, mode="bicubic", align_corners=True)), (4, dict(scale_factor=1.5, mode="nearest-exact")),
    (4, dict(size=(3, 2), mode="area")), (4, dict(scale_factor=0.5, mode="area")),
    (5, dict(scale_factor=2, mode="trilinear")), (5, dict(size=(3, 5, 2))), (5, dict(size=(2, 3, 4), mode="area")),
]


@pytest.mark.parametrize("ndim,kw", fast(INTERP, (0, 9, 12, 14)))
def test_interpolate(ndim, kw):
    x = sample((2, 3, 4, 5, 6)[: ndim], "float64", seed=27)
    check_grad(lambda lib, x: F(lib).interpolate(x, **kw), [(x, "float32")], rtol=1e-4, atol=1e-5)
    check_grad(lambda lib, x: F(lib).interpolate(x, **kw), [(x, "float64")])


def test_interpolate_errors_modules_pixel_shuffle():
    x = sample((1, 2, 3, 4), "float32")
    for kw in [dict(), dict(size=2, scale_factor=2), dict(size=(2, 3, 4)), dict(scale_factor=(2, 2, 2)),
               dict(size=(2.5, 3)), dict(size=2, align_corners=True), dict(size=2, recompute_scale_factor=True),
               dict(size=(0, 3)), dict(scale_factor=0.1), dict(size=2, mode="linear"), dict(size=2, mode="trilinear"),
               dict(size=2, mode="foo"), dict(size=2, mode="nearest", antialias=True)]:
        _err(lambda lib: F(lib).interpolate(make(lib, x), **kw))
    _err(lambda lib: F(lib).interpolate(make(lib, x, "int64"), scale_factor=2))
    check(lambda lib: F(lib).interpolate(make(lib, np.round(x * 20 + 50), "uint8"), scale_factor=2))
    check(lambda lib: F(lib).interpolate(make(lib, x, "float16"), scale_factor=2, mode="bilinear"), rtol=1e-2,
          atol=1e-2)
    check(lambda lib: type(F(lib).interpolate(make(lib, x, requires_grad=True), scale_factor=2,
                                              mode="nearest-exact").grad_fn).__name__)

    def mods(lib):
        ms = [lib.nn.Upsample(scale_factor=2), lib.nn.Upsample(size=(3, 4), mode="bilinear", align_corners=True),
              lib.nn.UpsamplingNearest2d(scale_factor=2), lib.nn.UpsamplingBilinear2d(size=4), lib.nn.PixelShuffle(2),
              lib.nn.PixelUnshuffle(2), lib.nn.Upsample(scale_factor=(2, 1.5), mode="bicubic")]
        xt = make(lib, np.tile(x, (1, 2, 2, 2)))
        return tuple(repr(m) for m in ms), tuple(m(xt) for m in ms)
    check(mods, rtol=1e-4, atol=1e-5)
    y = sample((2, 8, 3, 4), "float64", seed=28)
    check_grad(lambda lib, y: (F(lib).pixel_shuffle(y, 2), F(lib).pixel_unshuffle(y[..., :2, :], 2),
                               F(lib).pixel_shuffle(y[0], 1)), [(y, "float64")])
    _err(lambda lib: F(lib).pixel_shuffle(make(lib, x), 2))
    _err(lambda lib: F(lib).pixel_shuffle(make(lib, x[0, 0]), 2))
    _err(lambda lib: F(lib).pixel_shuffle(make(lib, x), 0))
    _err(lambda lib: F(lib).pixel_unshuffle(make(lib, x), 2))
    _err(lambda lib: F(lib).pixel_unshuffle(make(lib, x[..., :2, :3]), 2))
    _err(lambda lib: F(lib).pixel_unshuffle(make(lib, x), -1))


# --- pooling modules -----------------------------------------------------------------------------------------

def test_pool_modules():
    x = sample((2, 3, 7, 8), "float64", seed=29)

    def go(lib):
        nn = lib.nn
        ms = [nn.MaxPool2d(2), nn.MaxPool2d(3, 2, 1, ceil_mode=True, return_indices=True), nn.AvgPool2d(2),
              nn.AvgPool2d(3, 2, 1, count_include_pad=False, divisor_override=3), nn.AdaptiveAvgPool2d((1, None)),
              nn.AdaptiveMaxPool2d(3, return_indices=True), nn.MaxPool1d(3, return_indices=True), nn.AvgPool1d(3),
              nn.LPPool2d(2, 3), nn.LPPool1d(1, 2), nn.AdaptiveAvgPool1d(3), nn.AdaptiveMaxPool1d(2)]
        xt = make(lib, x, "float32")
        outs = [m(xt[0] if i in (6, 7, 9, 10, 11) else xt) for i, m in enumerate(ms)]
        x3 = make(lib, x[None], "float32")
        m3 = [nn.MaxPool3d(2), nn.AvgPool3d(2, 1), nn.AdaptiveAvgPool3d(2), nn.AdaptiveMaxPool3d((1, 2, 3))]
        return tuple(repr(m) for m in ms + m3), tuple(outs), tuple(m(x3) for m in m3)
    check(go, rtol=1e-4, atol=1e-4)


def test_max_unpool_lp_pool3d():
    x = sample((2, 3, 6, 8), "float64", seed=30)

    def go(lib):
        f, nn = F(lib), lib.nn
        xt = make(lib, x, requires_grad=True)
        o, i = f.max_pool2d(xt, 2, return_indices=True)
        u = f.max_unpool2d(o, i, 2)
        u2 = nn.MaxUnpool2d(2)(o, i, output_size=(7, 9))
        o1, i1 = f.max_pool1d(xt[0], 3, 2, return_indices=True)
        u1 = nn.MaxUnpool1d(3, 2)(o1, i1)
        o3, i3 = f.max_pool3d(xt[None], 2, return_indices=True)
        u3 = f.max_unpool3d(o3, i3, 2)
        (u.sum() + u2.sum() + u1.sum() + u3.sum()).backward()
        lp = nn.LPPool3d(2, 2)(xt[None].abs() + 0.1)
        return (u, u2, u1, u3, xt.grad, type(u.grad_fn).__name__, repr(nn.MaxUnpool2d(2)), repr(nn.LPPool3d(2, 2)),
                lp)
    check(go)
    _err(lambda lib: F(lib).max_unpool2d(*F(lib).max_pool2d(make(lib, x), 2, return_indices=True), 2,
                                         output_size=(20, 20)))
    _err(lambda lib: F(lib).max_unpool1d(*F(lib).max_pool1d(make(lib, x[0]), 3, 2, 1, return_indices=True), 3, 2, 1))


def test_embedding_bag():
    w = sample((10, 3), "float64", seed=31)
    idx = np.array([1, 2, 4, 5, 4, 3, 2, 9])
    psw = sample((8,), "float64", seed=32)
    cases = [(np.array([0, 4]), dict()), (np.array([0, 4, 4, 8]), dict(mode="sum")),
             (np.array([0, 3, 3]), dict(mode="max")), (np.array([0, 3, 8]), dict(include_last_offset=True)),
             (np.array([0, 2, 5]), dict(mode="mean", padding_idx=4))]
    for off, kw in cases:
        check_grad(lambda lib, w: F(lib).embedding_bag(make(lib, idx), w, make(lib, off), **kw), [(w, "float32")])
    check_grad(lambda lib, w, p: F(lib).embedding_bag(make(lib, idx), w, make(lib, np.array([0, 4])), mode="sum",
                                                      per_sample_weights=p), [(w, "float64"), (psw, "float64")])
    check_grad(lambda lib, w: F(lib).embedding_bag(make(lib, idx.reshape(2, 4)), w, mode="sum"), [(w, "float64")])
    for off, kw in [(np.array([1, 4]), {}), (np.array([0, 4, 9]), {}), (np.array([0, 4]), dict(mode="foo")),
                    (np.array([0, 4]), dict(mode="max", per_sample_weights=np.ones(8))), (None, {})]:
        kw = dict(kw)
        if "per_sample_weights" in kw:
            kw["per_sample_weights"] = None
            _err(lambda lib: F(lib).embedding_bag(make(lib, idx), make(lib, w), make(lib, off), mode="max",
                                                  per_sample_weights=make(lib, np.ones(8))))
            continue
        _err(lambda lib: F(lib).embedding_bag(make(lib, idx), make(lib, w), None if off is None else make(lib, off),
                                              **kw))

    def mods(lib):
        lib.manual_seed(0)
        ms = [lib.nn.EmbeddingBag(10, 3), lib.nn.EmbeddingBag(10, 2, mode="sum", padding_idx=-1, max_norm=1.0),
              lib.nn.EmbeddingBag.from_pretrained(make(lib, w, "float32"), mode="max")]
        outs = [m(make(lib, idx), make(lib, np.array([0, 3]))) for m in ms]
        return tuple(repr(m) for m in ms), tuple(outs), ms[2].weight.requires_grad
    check(mods)


# --- torch.* namespace functions implemented here (torch.max_pool1d, torch.batch_norm, torch.dropout, ...) -------

def _torch_fn(lib, name):
    if lib.__name__ == "torchlike":
        from torchlike._ops.nn_misc import TORCH_EXTRAS
        return TORCH_EXTRAS[name]
    return getattr(lib, name)


def test_torch_namespace_functions():
    x = sample((2, 3, 6), "float64", seed=33)

    def go(lib):
        lib.manual_seed(5)
        f = lambda n: _torch_fn(lib, n)   # noqa: E731
        xt = make(lib, x, requires_grad=True)
        rm, rv = make(lib, np.zeros(3)), make(lib, np.ones(3))
        outs = (f("max_pool1d")(xt, 2), f("max_pool1d_with_indices")(xt, 3, 1, 1), f("avg_pool1d")(xt, 2, 1, 1),
                f("adaptive_avg_pool1d")(xt, 4), f("adaptive_max_pool1d")(xt, 4),
                f("batch_norm")(xt, None, None, rm, rv, True, 0.2, 1e-5, True), rm, rv,
                f("instance_norm")(xt, None, None, None, None, True, 0.1, 1e-5, True), f("rms_norm")(xt, [6]),
                f("dropout")(xt, 0.3, True), f("feature_dropout")(xt, 0.3, True), f("alpha_dropout")(xt, 0.3, True),
                f("feature_alpha_dropout")(xt, 0.3, True), f("dropout")(xt, 0.3, False))
        y = xt.detach().clone()
        f("dropout_")(y, 0.5, True)
        w = make(lib, x[0] * 3)
        f("embedding_renorm_")(w, make(lib, np.array([0, 2])), 1.0, 2.0)
        return outs, y, w
    check(go)


def test_torch_namespace_exposed():
    import torchlike
    for name in ["max_pool1d", "avg_pool1d", "adaptive_avg_pool1d", "batch_norm", "instance_norm", "dropout",
                 "feature_dropout", "alpha_dropout", "rms_norm", "embedding_renorm_"]:
        assert hasattr(torchlike, name), name


# --- affine_grid / grid_sample -------------------------------------------------------------------------------

GRID = [(m, p, a) for m in ("bilinear", "nearest", "bicubic") for p in ("zeros", "border", "reflection")
        for a in (False, True)]


@pytest.mark.parametrize("mode,padding_mode,align_corners", fast(GRID, (0, 9, 15)))
def test_grid_sample(mode, padding_mode, align_corners):
    x = sample((2, 3, 5, 6), "float64", seed=34)
    g = sample((2, 4, 7, 2), "float64", seed=35, low=-1.3, high=1.3)
    check_grad(lambda lib, x, g: F(lib).grid_sample(x, g, mode, padding_mode, align_corners),
               [(x, "float64"), (g, "float64")])
    if mode != "bicubic":
        x3 = sample((1, 2, 3, 4, 5), "float64", seed=36)
        g3 = sample((1, 2, 3, 4, 3), "float64", seed=37, low=-1.2, high=1.2)
        check_grad(lambda lib, x, g: F(lib).grid_sample(x, g, mode, padding_mode, align_corners),
                   [(x3, "float32"), (g3, "float32")], rtol=1e-4, atol=1e-5)


def test_affine_grid_and_errors():
    th2 = sample((2, 2, 3), "float64", seed=38, low=-1, high=1)
    th3 = sample((1, 3, 4), "float64", seed=39, low=-1, high=1)
    for ac in (False, True):
        check_grad(lambda lib, t: F(lib).affine_grid(t, (2, 3, 4, 5), align_corners=ac), [(th2, "float64")])
        check_grad(lambda lib, t: F(lib).affine_grid(t, [1, 2, 3, 2, 4], align_corners=ac), [(th3, "float32")])
    x = sample((2, 3, 5, 6), "float32")
    g = sample((2, 4, 7, 2), "float32")
    _err(lambda lib: F(lib).affine_grid(make(lib, th2), (2, 3, 4)))
    _err(lambda lib: F(lib).affine_grid(make(lib, th3), (2, 3, 4, 5), align_corners=False))
    _err(lambda lib: F(lib).affine_grid(make(lib, th2, "int64"), (2, 3, 4, 5), align_corners=False))
    _err(lambda lib: F(lib).affine_grid(make(lib, th2), (2, 3, 0, 5), align_corners=False))
    _err(lambda lib: F(lib).grid_sample(make(lib, x), make(lib, g), mode="foo"))
    _err(lambda lib: F(lib).grid_sample(make(lib, x), make(lib, g), padding_mode="foo"))
    _err(lambda lib: F(lib).grid_sample(make(lib, x), make(lib, g, "float64"), align_corners=False))
    _err(lambda lib: F(lib).grid_sample(make(lib, x), make(lib, g[:1]), align_corners=False))
    _err(lambda lib: F(lib).grid_sample(make(lib, x), make(lib, np.ones((2, 4, 7, 3))), align_corners=False))
    _err(lambda lib: F(lib).grid_sample(make(lib, x[None]), make(lib, np.ones((1, 2, 4, 7, 3))), "bicubic",
                                        align_corners=False))


def test_channel_shuffle_sync_batchnorm():
    x = sample((2, 6, 3, 2), "float64", seed=40)
    check_grad(lambda lib, x: (F(lib).channel_shuffle(x, 2), F(lib).channel_shuffle(x[..., 0], 3),
                               lib.nn.ChannelShuffle(6)(x)), [(x, "float64")])
    for g in (4, 0):
        _err(lambda lib: F(lib).channel_shuffle(make(lib, x), g))
    _err(lambda lib: F(lib).channel_shuffle(make(lib, x[0, 0, 0]), 2))

    def sync(lib):
        lib.manual_seed(0)
        m = lib.nn.Sequential(lib.nn.Conv2d(6, 4, 1), lib.nn.BatchNorm2d(4))
        s = lib.nn.SyncBatchNorm.convert_sync_batchnorm(m)
        y = s(make(lib, x, "float32"))
        return repr(s), repr(lib.nn.ChannelShuffle(2)), y, tuple(s.state_dict().values())
    check(sync, rtol=1e-4, atol=1e-5)
