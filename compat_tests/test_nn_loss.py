"""nn.functional losses and loss modules against PyTorch: values, gradients (input, and target where PyTorch
differentiates it), every reduction and option, legacy arguments, warnings, errors, grad_fn names and reprs."""
import warnings

import numpy as np
import pytest

from _harness import check, check_grad, make, sample

REDUCTIONS = ["mean", "sum", "none"]
DT = ["float32", "float64"]
slow = pytest.mark.slow
# the big sweeps run 'mean' (and float64) by default; the other reductions / float32 are marked slow
RED_P = ["mean", pytest.param("sum", marks=slow), pytest.param("none", marks=slow)]
DT_P = ["float64", pytest.param("float32", marks=slow)]


def F(lib):
    return lib.nn.functional


def gname(t):
    return type(t.grad_fn).__name__


def with_warnings(fn):
    """fn(lib) -> (result, warning messages, warning categories)."""
    def go(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = fn(lib)
        return r, [str(x.message) for x in w], [x.category.__name__ for x in w]
    return go


# --- regression losses ----------------------------------------------------------------------------------

def _pair(seed=0, shape=(3, 5)):
    x = sample(shape, seed=seed)
    t = sample(shape, seed=seed + 1)
    x.reshape(-1)[:4] = t.reshape(-1)[:4] + np.array([0.0, 0.5, -0.5, 1.0])     # |d| = 0, beta/delta kinks
    return x, t


REGRESSION = {
    "mse": lambda lib, x, t, r: F(lib).mse_loss(x, t, reduction=r),
    "l1": lambda lib, x, t, r: F(lib).l1_loss(x, t, reduction=r),
    "smooth_l1": lambda lib, x, t, r: F(lib).smooth_l1_loss(x, t, reduction=r),
    "smooth_l1_b": lambda lib, x, t, r: F(lib).smooth_l1_loss(x, t, reduction=r, beta=0.5),
    "smooth_l1_0": lambda lib, x, t, r: F(lib).smooth_l1_loss(x, t, reduction=r, beta=0.0),
    "huber": lambda lib, x, t, r: F(lib).huber_loss(x, t, reduction=r),
    "huber_d": lambda lib, x, t, r: F(lib).huber_loss(x, t, reduction=r, delta=0.5),
    "soft_margin": lambda lib, x, t, r: F(lib).soft_margin_loss(x, t.sign().detach(), reduction=r),
    "kl_div": lambda lib, x, t, r: F(lib).kl_div(x, t.abs() + 0.1, reduction=r),
    "kl_div_log": lambda lib, x, t, r: F(lib).kl_div(x, t, reduction=r, log_target=True),
    "poisson": lambda lib, x, t, r: F(lib).poisson_nll_loss(x, t.abs(), reduction=r),
    "poisson_full": lambda lib, x, t, r: F(lib).poisson_nll_loss(x.abs() + 0.1, t.abs() * 3, log_input=False,
                                                                 full=True, reduction=r),
    "gaussian": lambda lib, x, t, r: F(lib).gaussian_nll_loss(x, t, x.detach().abs() + 0.01, reduction=r),
    "gaussian_full": lambda lib, x, t, r: F(lib).gaussian_nll_loss(x, t, t.abs(), full=True, reduction=r),
    "hinge": lambda lib, x, t, r: F(lib).hinge_embedding_loss(x, t.sign().detach(), margin=0.5, reduction=r),
    "margin_ranking": lambda lib, x, t, r: F(lib).margin_ranking_loss(x, t, (x - t).sign().detach() * -1,
                                                                      margin=0.2, reduction=r),
    "multilabel_soft": lambda lib, x, t, r: F(lib).multilabel_soft_margin_loss(x, (t > 0).to(x.dtype),
                                                                               reduction=r),
    "cosine_embedding": lambda lib, x, t, r: F(lib).cosine_embedding_loss(
        x, t, lib.tensor([1, -1, 1]), margin=0.1, reduction=r),
    "triplet": lambda lib, x, t, r: F(lib).triplet_margin_loss(x, t, t * 2, reduction=r),
    "triplet_swap": lambda lib, x, t, r: F(lib).triplet_margin_loss(x, t, t * 2, swap=True, p=1, margin=0.5,
                                                                    reduction=r),
    "triplet_dist": lambda lib, x, t, r: F(lib).triplet_margin_with_distance_loss(x, t, t * 2, reduction=r),
}


@pytest.mark.parametrize("red", RED_P)
@pytest.mark.parametrize("name", list(REGRESSION))
def test_regression_losses(name, red):
    x, t = _pair()
    fn = REGRESSION[name]
    check_grad(lambda lib, a, b: fn(lib, a, b, red), [(x, "float64"), (t, "float64")])
    check(lambda lib: gname(fn(lib, make(lib, x, "float32", requires_grad=True), make(lib, t, "float32"), red)))


def test_every_reduction_quick():
    """The sweeps above run 'mean' by default; here every main loss once with 'sum' and 'none'."""
    x, t = _pair(seed=2)
    p, y = 1 / (1 + np.exp(-x)), np.abs(t) / 3
    ci = np.array([0, 4, 1])
    for red in ["sum", "none"]:
        for name in ["mse", "l1", "smooth_l1_b", "huber", "kl_div"]:
            check_grad(lambda lib, a, b: REGRESSION[name](lib, a, b, red), [(x, "float64"), (t, "float64")])
        check_grad(lambda lib, a: F(lib).cross_entropy(a, lib.tensor(ci), reduction=red), [(x, "float64")])
        check_grad(lambda lib, a: F(lib).cross_entropy(a, lib.tensor(ci), reduction=red, label_smoothing=0.1),
                   [(x, "float64")])
        check_grad(lambda lib, a, b: F(lib).cross_entropy(a, b.softmax(1), reduction=red),
                   [(x, "float64"), (t, "float64")])
        check_grad(lambda lib, a, b: F(lib).binary_cross_entropy(a, b, reduction=red), [(p, "float64"), (y, "float64")])
        check_grad(lambda lib, a, b: F(lib).binary_cross_entropy_with_logits(a, b, reduction=red),
                   [(x, "float64"), (y, "float64")])


@pytest.mark.parametrize("name", ["mse", "l1", "smooth_l1", "huber_d", "kl_div", "soft_margin"])
def test_regression_float32_and_dtypes(name):
    x, t = _pair(seed=4)
    fn = REGRESSION[name]
    check_grad(lambda lib, a, b: fn(lib, a, b, "mean"), [(x, "float32"), (t, "float32")])
    check(lambda lib: fn(lib, make(lib, x, "float32"), make(lib, t, "float64"), "none"))
    check(lambda lib: fn(lib, make(lib, x, "float16"), make(lib, t, "float16"), "sum"), rtol=2e-2, atol=2e-2)
    check(lambda lib: fn(lib, make(lib, np.zeros((0, 3))), make(lib, np.zeros((0, 3))), "mean"))


@pytest.mark.parametrize("name", ["mse", "l1", "huber"])
def test_weighted_regression(name):
    x, t = _pair(seed=5)
    w = np.abs(sample((3, 5), seed=6))
    fn = {"mse": lambda F_: F_.mse_loss, "l1": lambda F_: F_.l1_loss, "huber": lambda F_: F_.huber_loss}[name]
    for red in REDUCTIONS:
        check_grad(lambda lib, a, b, c: fn(F(lib))(a, b, reduction=red, weight=c),
                   [(x, "float64"), (t, "float64"), (w, "float64")])
    check(lambda lib: fn(F(lib))(lib.ones(3, 5), lib.ones(3, 5), weight=lib.ones(5)), message=True)
    check(lambda lib: fn(F(lib))(lib.ones(3, 5), lib.ones(3, 5), reduction="foo", weight=lib.ones(3, 5)),
          message=True)


def test_regression_broadcast_warning_and_legacy_args():
    x, t = sample((3, 4), seed=7), sample((4,), seed=8)
    for name in ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]:
        check(with_warnings(lambda lib: getattr(F(lib), name)(make(lib, x), make(lib, t))))
        check(lambda lib: getattr(F(lib), name)(make(lib, x), make(lib, t[:3])), message=True)
        check(lambda lib: getattr(F(lib), name)(make(lib, x), make(lib, x), reduction="foo"), message=True)
    y = sample((3, 4), seed=9)
    for sa, rd in [(False, None), (None, False), (True, True), (False, True), (True, False)]:
        for name in ["mse_loss", "l1_loss", "smooth_l1_loss", "soft_margin_loss", "kl_div"]:
            check(with_warnings(lambda lib: getattr(F(lib), name)(make(lib, x), make(lib, y), size_average=sa,
                                                                  reduce=rd)))
        check(with_warnings(lambda lib: F(lib).cross_entropy(make(lib, x), lib.tensor([0, 1, 3]), size_average=sa,
                                                             reduce=rd)))
    check(with_warnings(lambda lib: F(lib).mse_loss(make(lib, x), make(lib, y), reduction="elementwise_mean")))
    check(with_warnings(lambda lib: F(lib).kl_div(make(lib, x), make(lib, y).abs())))
    check(with_warnings(lambda lib: F(lib).kl_div(make(lib, x), make(lib, y).abs(), reduction="batchmean")))
    check(lambda lib: F(lib).kl_div(lib.tensor(-1.0), lib.tensor(0.5), reduction="batchmean"))


def test_regression_errors():
    x = sample((3, 4), seed=10)
    i = lambda lib: lib.tensor([[1, 2], [3, 4]])  # noqa: E731
    cases = [
        lambda lib: F(lib).mse_loss(i(lib), i(lib)),
        lambda lib: F(lib).smooth_l1_loss(i(lib), i(lib)),
        lambda lib: F(lib).huber_loss(i(lib), i(lib)),
        lambda lib: F(lib).smooth_l1_loss(make(lib, x), make(lib, x), beta=-1.0),
        lambda lib: F(lib).huber_loss(make(lib, x), make(lib, x), delta=0.0),
        lambda lib: F(lib).kl_div(i(lib), i(lib)),
        lambda lib: F(lib).poisson_nll_loss(make(lib, x), make(lib, x), reduction="foo"),
        lambda lib: F(lib).gaussian_nll_loss(make(lib, x), make(lib, x), -1.0),
        lambda lib: F(lib).gaussian_nll_loss(make(lib, x), make(lib, x), lib.ones(2)),
        lambda lib: F(lib).margin_ranking_loss(make(lib, x), make(lib, x), lib.ones(3)),
        lambda lib: F(lib).cosine_embedding_loss(make(lib, x), make(lib, x), lib.ones(3, 1)),
        lambda lib: F(lib).cosine_embedding_loss(make(lib, x), make(lib, x), lib.tensor(1.0)),
        lambda lib: F(lib).triplet_margin_loss(make(lib, x), make(lib, x), make(lib, x), margin=0.0),
        lambda lib: F(lib).triplet_margin_loss(make(lib, x), make(lib, x), make(lib, x[0])),
    ]
    for c in cases:
        check(c, message=True)


def test_gaussian_nll_var_shapes():
    x, t = sample((4, 3), seed=11), sample((4, 3), seed=12)
    for v in [np.abs(sample((4,), seed=13)) + 0.1, np.abs(sample((4, 1), seed=13)) + 0.1]:
        check_grad(lambda lib, a, b, c: F(lib).gaussian_nll_loss(a, b, c), [(x, "float64"), (t, "float64"),
                                                                          (v, "float64")])
    check_grad(lambda lib, a, b: F(lib).gaussian_nll_loss(a, b, 0.5), [(x, "float64"), (t, "float64")])


# --- cross entropy and nll ------------------------------------------------------------------------------

CE_SHAPES = [((4, 5), (4,)), ((5,), ()), ((2, 4, 3), (2, 3)), ((2, 3, 2, 2), (2, 2, 2)),
             ((2, 3, 2, 1, 2), (2, 2, 1, 2))]


def _targets(tshape, c, seed, ignore=None):
    t = np.random.default_rng(seed).integers(0, c, size=tshape)
    if ignore is not None and t.size > 1:
        t.reshape(-1)[1] = ignore
    return t


@pytest.mark.parametrize("red", RED_P)
@pytest.mark.parametrize("shapes", CE_SHAPES, ids=lambda s: str(len(s[0])) + "d" if isinstance(s, tuple) else "")
def test_cross_entropy_class_indices(shapes, red):
    xs, tshape = shapes
    c = xs[1] if len(xs) > 1 else xs[0]
    x = sample(xs, seed=14)
    w = np.linspace(0.5, 2.0, c)
    for kw, ignore in [(dict(), None), (dict(weight=w), None), (dict(ignore_index=1), 1),
                       (dict(weight=w, ignore_index=-100), -100), (dict(label_smoothing=0.2), None),
                       (dict(label_smoothing=0.3, weight=w, ignore_index=2), 2)]:
        t = _targets(tshape, c, 15, ignore)

        def fn(lib, a):
            k = {key: (lib.tensor(v) if key == "weight" else v) for key, v in kw.items()}
            return F(lib).cross_entropy(a, lib.tensor(t), reduction=red, **k)
        check_grad(fn, [(x, "float64")])
        if "label_smoothing" not in kw:
            check_grad(lambda lib, a: F(lib).nll_loss(a, lib.tensor(t), reduction=red, **{
                key: (lib.tensor(v) if key == "weight" else v) for key, v in kw.items()}), [(x, "float64")])
        check(lambda lib: gname(fn(lib, make(lib, x, "float64", requires_grad=True))))


@pytest.mark.parametrize("red", RED_P)
def test_cross_entropy_float32_and_uint8_target(red):
    x = sample((6, 4), seed=16)
    t = _targets((6,), 4, 17)
    check_grad(lambda lib, a: F(lib).cross_entropy(a, lib.tensor(t), reduction=red), [(x, "float32")])
    check_grad(lambda lib, a: F(lib).cross_entropy(a, lib.tensor(t, dtype=lib.uint8), reduction=red,
                                                   label_smoothing=0.1), [(x, "float32")])
    check(lambda lib: F(lib).cross_entropy(make(lib, x, "float16"), lib.tensor(t), reduction=red),
          rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("red", RED_P)
def test_cross_entropy_probabilities(red):
    for xs in [(4, 5), (5,), (2, 3, 4)]:
        x = sample(xs, seed=18)
        p = np.abs(sample(xs, seed=19))
        cax = 0 if len(xs) == 1 else 1
        p = p / p.sum(axis=cax, keepdims=True)
        c = xs[cax]
        w = np.linspace(0.5, 2.0, c)
        for kw in [dict(), dict(weight=w), dict(label_smoothing=0.25), dict(weight=w, label_smoothing=0.1)]:
            def fn(lib, a, b):
                k = {key: (lib.tensor(v) if key == "weight" else v) for key, v in kw.items()}
                return F(lib).cross_entropy(a, b, reduction=red, **k)
            check_grad(fn, [(x, "float64"), (p, "float64")])   # the target is differentiable here
            check(lambda lib: gname(fn(lib, make(lib, x, "float32", requires_grad=True), make(lib, p, "float32"))))
    check(lambda lib: F(lib).cross_entropy(make(lib, sample((3, 4)), "float32"),
                                           make(lib, np.full((3, 4), 0.25), "float64"), reduction=red))
    check(lambda lib: F(lib).cross_entropy(lib.zeros(0, 4), lib.zeros(0, 4), reduction=red))


def test_cross_entropy_all_ignored_and_empty():
    x = sample((3, 4), seed=20)
    for kw in [dict(), dict(label_smoothing=0.1), dict(weight=np.ones(4))]:
        def fn(lib, a):
            k = {key: (lib.tensor(v) if key == "weight" else v) for key, v in kw.items()}
            return F(lib).cross_entropy(a, lib.tensor([-100, -100, -100]), **k)
        check_grad(fn, [(x, "float64")])
    check_grad(lambda lib, a: F(lib).nll_loss(a, lib.tensor([1, 1, 1]), lib.tensor([1.0, 0.0, 1.0, 1.0],
                                                                                  dtype=lib.float64)),
               [(x, "float64")])
    for red in REDUCTIONS:
        check(lambda lib: F(lib).cross_entropy(lib.zeros(0, 4), lib.zeros(0, dtype=lib.int64), reduction=red))
        check(lambda lib: F(lib).nll_loss(lib.zeros(2, 3, 0), lib.zeros(2, 0, dtype=lib.int64), reduction=red))
    check(lambda lib: F(lib).nll_loss(make(lib, x[0]), lib.tensor(-100)))
    check(lambda lib: F(lib).nll_loss(make(lib, x[0]), lib.tensor([2]), reduction="none"))


def test_cross_entropy_errors():
    x = lambda lib: make(lib, sample((3, 4), seed=21))  # noqa: E731
    T = lambda lib, v, dt="int64": lib.tensor(v, dtype=getattr(lib, dt))  # noqa: E731
    cases = [
        lambda lib: F(lib).cross_entropy(x(lib), T(lib, [0, 1])),
        lambda lib: F(lib).cross_entropy(x(lib), T(lib, [0, 1, 4])),
        lambda lib: F(lib).cross_entropy(x(lib), T(lib, [0, 1, -1]), reduction="none"),
        lambda lib: F(lib).cross_entropy(x(lib), T(lib, [0.0, 1.0, 2.0], "float32")),
        lambda lib: F(lib).cross_entropy(x(lib), T(lib, [0, 1, 2], "int32")),
        lambda lib: F(lib).cross_entropy(x(lib), lib.zeros(3, 1, dtype=lib.int64)),
        lambda lib: F(lib).cross_entropy(x(lib), lib.zeros(3, 4, dtype=lib.int64)),
        lambda lib: F(lib).cross_entropy(x(lib), lib.rand(3, 4), ignore_index=1),
        lambda lib: F(lib).cross_entropy(x(lib), T(lib, [0, 1, 2]), label_smoothing=1.1),
        lambda lib: F(lib).cross_entropy(x(lib), T(lib, [0, 1, 2]), weight=lib.ones(3)),
        lambda lib: F(lib).cross_entropy(x(lib), T(lib, [0, 1, 2]), weight=lib.ones(4, 1)),
        lambda lib: F(lib).cross_entropy(x(lib), T(lib, [0, 1, 2]), weight=lib.ones(4, dtype=lib.float64)),
        lambda lib: F(lib).cross_entropy(x(lib), lib.rand(3, 4), weight=lib.ones(3)),
        lambda lib: F(lib).cross_entropy(x(lib), T(lib, [0, 1, 2]), reduction="avg"),
        lambda lib: F(lib).cross_entropy(lib.tensor([[1, 2], [3, 4]]), T(lib, [0, 1])),
        lambda lib: F(lib).cross_entropy(lib.tensor(1.0), lib.tensor(0)),
        lambda lib: F(lib).cross_entropy(lib.randn(2, 3, 5, 2), lib.zeros(2, 5, 3, dtype=lib.int64)),
        lambda lib: F(lib).cross_entropy(lib.randn(2, 3, 5), lib.zeros(2, 4, dtype=lib.int64)),
        lambda lib: F(lib).cross_entropy(lib.randn(2, 3, 5, 2), lib.zeros(2, 5, dtype=lib.int64)),
        lambda lib: F(lib).cross_entropy(lib.randn(2, 3, 5, 2), lib.full((2, 5, 2), 3, dtype=lib.int64)),
        lambda lib: F(lib).nll_loss(lib.tensor(1.0), lib.tensor(0)),
        lambda lib: F(lib).nll_loss(lib.randn(2, 3, 4, 4), lib.zeros(2, 4, 4, dtype=lib.int64), weight=lib.ones(2)),
        lambda lib: F(lib).nll_loss(lib.randn(2, 3, 4), lib.zeros(2, 4, dtype=lib.int64), weight=lib.ones(2)),
        lambda lib: F(lib).nll_loss(x(lib), lib.tensor(1)),
        lambda lib: F(lib).nll_loss(lib.randn(4), T(lib, [2, 1])),
        lambda lib: F(lib).nll_loss(lib.tensor([[1, 2], [3, 4]]), T(lib, [0, 1])),
        lambda lib: F(lib).nll_loss(x(lib), T(lib, [0, 1, 2]), weight=lib.rand(4, requires_grad=True)),
    ]
    for c in cases:
        check(c, message=True)


# --- binary cross entropy -------------------------------------------------------------------------------

@pytest.mark.parametrize("red", RED_P)
@pytest.mark.parametrize("dtype", DT_P)
def test_binary_cross_entropy(red, dtype):
    p = np.clip(np.abs(sample((3, 5), seed=22)) / 3, 0, 1)
    t = np.abs(sample((3, 5), seed=23)) / 3
    w = np.linspace(0.5, 2.0, 5)
    check_grad(lambda lib, a, b: F(lib).binary_cross_entropy(a, b, reduction=red), [(p, dtype), (t, dtype)])
    check_grad(lambda lib, a, b: F(lib).binary_cross_entropy(a, b, lib.tensor(w, dtype=a.dtype), reduction=red),
               [(p, dtype), (t, dtype)])
    check_grad(lambda lib, a, b: F(lib).binary_cross_entropy(a, b, lib.tensor(np.outer(w[:3], w),
                                                                              dtype=a.dtype), reduction=red),
               [(p, dtype), (t, dtype)])


def test_binary_cross_entropy_edges():
    p = np.array([0.0, 1.0, 0.5, 0.0, 1.0, 1e-30, 1 - 1e-7])
    t = np.array([0.0, 1.0, 0.5, 1.0, 0.0, 1.0, 0.0])
    for red in REDUCTIONS:
        for dt in DT:
            def go(lib):
                a, b = make(lib, p, dt, requires_grad=True), make(lib, t, dt, requires_grad=True)
                out = F(lib).binary_cross_entropy(a, b, reduction=red)
                return (out,) + lib.autograd.grad(out.sum(), [a, b]) + (gname(out),)
            check(go, rtol=1e-5)


def test_binary_cross_entropy_errors():
    cases = [
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([1.5]), lib.tensor([1.0])),
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([float("nan")]), lib.tensor([1.0])),
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([0.5]), lib.tensor([2.0])),
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([1]), lib.tensor([1])),
        lambda lib: F(lib).binary_cross_entropy(lib.tensor([0.5]), lib.tensor([1.0], dtype=lib.float64)),
        lambda lib: F(lib).binary_cross_entropy(lib.rand(3, 4), lib.rand(3, 4), lib.rand(3)),
        lambda lib: F(lib).binary_cross_entropy(lib.rand(3, 1), lib.rand(3)),
        lambda lib: F(lib).binary_cross_entropy(lib.rand(3), lib.rand(3), lib.rand(3, requires_grad=True)),
        lambda lib: F(lib).binary_cross_entropy_with_logits(lib.rand(3, 1), lib.rand(3)),
        lambda lib: F(lib).binary_cross_entropy_with_logits(lib.tensor([1]), lib.tensor([1])),
        lambda lib: F(lib).binary_cross_entropy_with_logits(lib.rand(3, 4), lib.rand(3, 4), pos_weight=lib.rand(3)),
        lambda lib: F(lib).binary_cross_entropy_with_logits(lib.rand(3), lib.rand(3),
                                                            weight=lib.rand(3, requires_grad=True)),
        lambda lib: F(lib).binary_cross_entropy_with_logits(lib.rand(3), lib.rand(3), reduction="foo"),
    ]
    for c in cases:
        check(c, message=True)


@pytest.mark.parametrize("red", RED_P)
@pytest.mark.parametrize("dtype", DT_P)
def test_binary_cross_entropy_with_logits(red, dtype):
    x = sample((3, 4), seed=24) * 10
    x[0, :2] = [100.0, -100.0]                       # saturated logits stay finite
    t = np.abs(sample((3, 4), seed=25)) / 3
    w, pw = np.linspace(0.5, 2.0, 4), np.linspace(3.0, 0.5, 4)
    for kw in [dict(), dict(weight=w), dict(pos_weight=pw), dict(weight=w[None, :].repeat(3, 0), pos_weight=pw)]:
        def fn(lib, a, b):
            k = {key: lib.tensor(v, dtype=a.dtype) for key, v in kw.items()}
            return F(lib).binary_cross_entropy_with_logits(a, b, reduction=red, **k)
        check_grad(fn, [(x, dtype), (t, dtype)])
        check(lambda lib: gname(fn(lib, make(lib, x, dtype, requires_grad=True), make(lib, t, dtype))))
    check(lambda lib: lib.binary_cross_entropy_with_logits(make(lib, x, dtype), make(lib, t, dtype)))
    check(lambda lib: F(lib).binary_cross_entropy_with_logits(make(lib, x, "float32"), make(lib, t, "float64")))


# --- margin losses with class targets -------------------------------------------------------------------

@pytest.mark.parametrize("red", RED_P)
def test_multi_margin_and_multilabel_margin(red):
    x = sample((4, 5), seed=26)
    t = np.array([0, 4, 2, 2])
    w = np.linspace(0.5, 2.0, 5)
    for kw in [dict(), dict(p=2), dict(margin=0.3), dict(weight=w)]:
        def fn(lib, a):
            k = {key: (lib.tensor(v) if key == "weight" else v) for key, v in kw.items()}
            return F(lib).multi_margin_loss(a, lib.tensor(t), reduction=red, **k)
        check_grad(fn, [(x, "float64")])
    check_grad(lambda lib, a: F(lib).multi_margin_loss(a, lib.tensor(3), reduction=red), [(x[0], "float64")])
    mt = np.array([[3, 0, -1, 1, 2], [0, 1, 2, 3, 4], [-1, 1, 2, 3, 4], [4, 4, -1, 0, 0]])
    check_grad(lambda lib, a: F(lib).multilabel_margin_loss(a, lib.tensor(mt), reduction=red), [(x, "float64")])
    check_grad(lambda lib, a: F(lib).multilabel_margin_loss(a, lib.tensor(mt[0]), reduction=red),
               [(x[0], "float64")])
    check(lambda lib: gname(F(lib).multi_margin_loss(make(lib, x, requires_grad=True), lib.tensor(t),
                                                     reduction=red)))
    check(lambda lib: gname(F(lib).multilabel_margin_loss(make(lib, x, requires_grad=True), lib.tensor(mt),
                                                          reduction=red)))


def test_margin_errors():
    cases = [
        lambda lib: F(lib).multi_margin_loss(lib.randn(3, 4), lib.tensor([0, 1, 4])),
        lambda lib: F(lib).multi_margin_loss(lib.randn(3, 4), lib.tensor([0, 1])),
        lambda lib: F(lib).multi_margin_loss(lib.randn(3, 4), lib.tensor([0, 1, 2]), p=3),
        lambda lib: F(lib).multi_margin_loss(lib.randn(3, 4), lib.tensor([0, 1, 2]), weight=lib.ones(2, 2)),
        lambda lib: F(lib).multi_margin_loss(lib.randn(3, 4), lib.tensor([0, 1, 2]), weight=lib.ones(3)),
        lambda lib: F(lib).multilabel_margin_loss(lib.randn(3, 4), lib.tensor([0, 1, 2])),
        lambda lib: F(lib).multilabel_margin_loss(lib.randn(3, 4), lib.tensor([[0, 1, 2, 5]] * 3)),
    ]
    for c in cases:
        check(c, message=True)


# --- independent gradient references --------------------------------------------------------------------

def test_against_jax_grad():
    import jax
    import jax.numpy as jnp

    import torchlike as TL
    x = sample((5, 4), seed=27)
    t = np.array([0, 3, -100, 1, 2])
    w = np.linspace(0.5, 2.0, 4)

    def ce_ref(v):
        lsm = jax.nn.log_softmax(v, axis=1)
        valid = t != -100
        ts = np.where(valid, t, 0)
        picked = lsm[np.arange(5), ts] * w[ts] * valid
        return -picked.sum() / (w[ts] * valid).sum()
    a = TL.tensor(x, requires_grad=True)
    TL.nn.functional.cross_entropy(a, TL.tensor(t), weight=TL.tensor(w)).backward()
    np.testing.assert_allclose(np.asarray(a.grad._value()), np.asarray(jax.grad(ce_ref)(jnp.asarray(x))),
                               rtol=1e-10, atol=1e-12)

    y = np.abs(sample((5, 4), seed=28)) / 3
    pw = np.linspace(3.0, 0.5, 4)

    def bcel_ref(v):
        return jnp.mean(-(pw * y * jax.nn.log_sigmoid(v) + (1 - y) * jax.nn.log_sigmoid(-v)))
    a = TL.tensor(x * 5, requires_grad=True)
    TL.nn.functional.binary_cross_entropy_with_logits(a, TL.tensor(y), pos_weight=TL.tensor(pw)).backward()
    np.testing.assert_allclose(np.asarray(a.grad._value()), np.asarray(jax.grad(bcel_ref)(jnp.asarray(x * 5))),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["ce_ls", "ce_prob", "huber", "smooth_l1", "bce", "kl", "multi_margin"])
def test_finite_differences(name):
    import torchlike as TL
    FF = TL.nn.functional
    rng = np.random.default_rng(1)
    x0 = rng.normal(size=(3, 4))
    fns = {
        "ce_ls": lambda v: FF.cross_entropy(v, TL.tensor([0, 3, 1]), label_smoothing=0.2),
        "ce_prob": lambda v: FF.cross_entropy(v, TL.tensor(np.full((3, 4), 0.25))),
        "huber": lambda v: FF.huber_loss(v, TL.zeros(3, 4, dtype=TL.float64), delta=0.7),
        "smooth_l1": lambda v: FF.smooth_l1_loss(v, TL.zeros(3, 4, dtype=TL.float64), beta=0.7),
        "bce": lambda v: FF.binary_cross_entropy(v.sigmoid(), TL.full((3, 4), 0.3, dtype=TL.float64)),
        "kl": lambda v: FF.kl_div(v, TL.full((3, 4), 0.3, dtype=TL.float64), reduction="batchmean"),
        "multi_margin": lambda v: FF.multi_margin_loss(v, TL.tensor([0, 3, 1]), p=2),
    }
    f = fns[name]
    a = TL.tensor(x0, requires_grad=True)
    f(a).backward()
    num = np.zeros_like(x0)
    h = 1e-6
    for i in np.ndindex(*x0.shape):
        e = np.zeros_like(x0)
        e[i] = h
        num[i] = (f(TL.tensor(x0 + e)).item() - f(TL.tensor(x0 - e)).item()) / (2 * h)
    np.testing.assert_allclose(np.asarray(a.grad._value()), num, rtol=1e-5, atol=1e-7)


# --- modules --------------------------------------------------------------------------------------------

def _modules(lib):
    nn = lib.nn
    w = lib.tensor([1.0, 2.0, 0.5, 1.0])
    return [nn.L1Loss(), nn.MSELoss(reduction="sum"), nn.SmoothL1Loss(beta=0.5), nn.HuberLoss(delta=2.0),
            nn.CrossEntropyLoss(), nn.CrossEntropyLoss(weight=w, ignore_index=1, label_smoothing=0.1),
            nn.NLLLoss(weight=w), nn.NLLLoss(size_average=False), nn.BCELoss(), nn.BCELoss(weight=w),
            nn.BCEWithLogitsLoss(pos_weight=w), nn.KLDivLoss(reduction="batchmean"),
            nn.KLDivLoss(log_target=True, reduction="sum"), nn.SoftMarginLoss(), nn.MultiMarginLoss(p=2),
            nn.MultiLabelSoftMarginLoss(weight=w), nn.MultiLabelMarginLoss(), nn.HingeEmbeddingLoss(margin=0.5),
            nn.PoissonNLLLoss(), nn.GaussianNLLLoss(), nn.CosineEmbeddingLoss(margin=0.2),
            nn.MarginRankingLoss(), nn.TripletMarginLoss(), nn.TripletMarginWithDistanceLoss()]


def test_loss_modules():
    x = sample((3, 4), seed=29)
    y = sample((3, 4), seed=30)
    p = np.abs(y) / 3

    def go(lib):
        out = []
        for m in _modules(lib):
            name = type(m).__name__
            X = make(lib, x, "float32")
            if name in ("CrossEntropyLoss", "NLLLoss", "MultiMarginLoss"):
                args = (X, lib.tensor([0, 1, 3]))
            elif name == "MultiLabelMarginLoss":
                args = (X, lib.tensor([[0, 1, -1, 0], [3, -1, 0, 0], [1, 2, 3, 0]]))
            elif name in ("BCELoss",):
                args = (X.sigmoid(), make(lib, p, "float32"))
            elif name == "GaussianNLLLoss":
                args = (X, make(lib, y, "float32"), make(lib, p + 0.1, "float32"))
            elif name in ("CosineEmbeddingLoss", "MarginRankingLoss"):
                args = (X, make(lib, y, "float32"), lib.tensor([1, -1, 1]) if name[0] == "C" else
                        make(lib, np.sign(y), "float32"))
            elif name.startswith("Triplet"):
                args = (X, make(lib, y, "float32"), make(lib, y * 2, "float32"))
            else:
                args = (X, make(lib, p, "float32"))
            out.append((repr(m), m.reduction, sorted(m.state_dict()), m(*args)))
        return out
    check(go)


def test_loss_module_errors_and_legacy():
    check(with_warnings(lambda lib: lib.nn.MSELoss(size_average=False, reduce=True).reduction))
    check(with_warnings(lambda lib: lib.nn.L1Loss(reduce=False).reduction))
    check(with_warnings(lambda lib: repr(lib.nn.NLLLoss2d())))
    for c in [lambda lib: lib.nn.HuberLoss(delta="1"), lambda lib: lib.nn.MultiMarginLoss(p=3),
              lambda lib: lib.nn.MultiMarginLoss(weight=lib.ones(2, 2)), lambda lib: lib.nn.TripletMarginLoss(margin=0),
              lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=-1)]:
        check(c, message=True)


def test_torch_namespace_loss_functions():
    """torch.kl_div / cosine_embedding_loss / ... (reduction enum, default 'none'): TL's nn_loss.TORCH_EXTRAS."""
    from torchlike._ops.nn_loss import TORCH_EXTRAS
    x, y = sample((3, 4), seed=31), sample((3, 4), seed=32)
    calls = {
        "kl_div": lambda lib, f: [f(make(lib, x), make(lib, np.abs(y))), f(make(lib, x), make(lib, y), 2,
                                                                          log_target=True)],
        "cosine_embedding_loss": lambda lib, f: [f(make(lib, x), make(lib, y), lib.tensor([1, -1, 1])),
                                                 f(make(lib, x), make(lib, y), lib.tensor([1, -1, 1]), 0.1, 1)],
        "hinge_embedding_loss": lambda lib, f: [f(make(lib, x), make(lib, np.sign(y))),
                                                f(make(lib, x), make(lib, np.sign(y)), 0.5, 2)],
        "margin_ranking_loss": lambda lib, f: [f(make(lib, x), make(lib, y), make(lib, np.sign(y)))],
        "poisson_nll_loss": lambda lib, f: [f(make(lib, x), make(lib, np.abs(y)), True, False, 1e-8, 1)],
        "triplet_margin_loss": lambda lib, f: [f(make(lib, x), make(lib, y), make(lib, y * 2)),
                                               f(make(lib, x), make(lib, y), make(lib, y * 2), 0.5, 1, 1e-6, True, 2)],
    }
    for name, call in calls.items():
        check(lambda lib: call(lib, TORCH_EXTRAS[name] if lib.__name__ == "torchlike" else getattr(lib, name)))
