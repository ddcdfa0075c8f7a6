"""Convolutions against PyTorch: F.conv1d/2d/3d, F.conv_transpose1d/2d/3d, torch.convolution and the Conv modules
(values, gradients, shapes, strides, paddings, dilations, groups, padding modes, reprs, init, errors)."""
import numpy as np
import pytest

from _harness import check, check_grad, make, sample

F32 = dict(rtol=2e-5, atol=2e-5)
DT = ["float32", "float64"]


def fast(cases, keep=(0,), dtypes=None):
    """Parametrize cases (optionally times dtypes); all but the `keep` indices are marked slow (the sweep)."""
    if dtypes is not None:
        cases = [c + (d,) for c in cases for d in dtypes]
    cases = [c if isinstance(c, tuple) else (c,) for c in cases]
    return [pytest.param(*c) if i in keep else pytest.param(*c, marks=pytest.mark.slow) for i, c in enumerate(cases)]


def _conv_case(nd, n, cin, cout, size, k, groups=1, transposed=False, bias=True, seed=0):
    x = sample((n, cin) + (size,) * nd, "float64", seed=seed)
    wshape = (cin, cout // groups) if transposed else (cout, cin // groups)
    w = sample(wshape + (k,) * nd, "float64", seed=seed + 1, low=-1, high=1)
    b = sample((cout,), "float64", seed=seed + 2) if bias else None
    return x, w, b


CONV = [  # (nd, kwargs, groups, size, k)
    (1, dict(), 1, 9, 3), (1, dict(stride=2, padding=1), 1, 10, 3), (1, dict(padding="same", dilation=2), 1, 9, 4),
    (1, dict(padding="valid"), 3, 7, 2), (2, dict(), 1, 7, 3), (2, dict(stride=(2, 1), padding=(1, 2)), 1, 8, 3),
    (2, dict(dilation=(2, 1)), 3, 9, 3), (2, dict(padding="same"), 1, 6, 4), (2, dict(padding="same", dilation=3),
                                                                              1, 7, 2),
    (2, dict(stride=3, padding=2, dilation=2, groups=3), 3, 11, 3), (3, dict(stride=2, padding=1), 1, 6, 3),
    (3, dict(padding="same"), 3, 5, 2),
]


@pytest.mark.parametrize("nd,kw,groups,size,k,dtype", fast(CONV, (1, 6, 12, 15, 18, 21), DT))
def test_conv_forward_backward(nd, kw, groups, size, k, dtype):
    kw = dict(kw)
    kw.setdefault("groups", groups)
    x, w, b = _conv_case(nd, 2, 3 if groups in (1, 3) else groups, 6, size, k, groups)
    tol = F32 if dtype == "float32" else {}
    check_grad(lambda lib, x, w, b: getattr(lib.nn.functional, f"conv{nd}d")(x, w, b, **kw),
               [(x, dtype), (w, dtype), (b, dtype)], **tol)


TCONV = [  # (nd, kwargs, groups, size, k)
    (1, dict(), 1, 6, 3), (1, dict(stride=2, padding=1, output_padding=1), 1, 5, 3),
    (2, dict(), 1, 5, 3), (2, dict(stride=2), 1, 4, 3), (2, dict(stride=(2, 3), padding=(1, 2), output_padding=(1, 2)),
                                                         1, 5, 3),
    (2, dict(dilation=2, padding=1), 3, 5, 3), (2, dict(stride=2, dilation=2, output_padding=1, groups=3), 3, 4, 2),
    (2, dict(padding=4), 1, 5, 3), (3, dict(stride=2, padding=1), 1, 3, 3),
]


@pytest.mark.parametrize("nd,kw,groups,size,k,dtype", fast(TCONV, (3, 8, 13, 14), DT))
def test_conv_transpose(nd, kw, groups, size, k, dtype):
    kw = dict(kw)
    kw.setdefault("groups", groups)
    x, w, b = _conv_case(nd, 2, 3, 6, size, k, groups, transposed=True)
    tol = F32 if dtype == "float32" else {}
    check_grad(lambda lib, x, w, b: getattr(lib.nn.functional, f"conv_transpose{nd}d")(x, w, b, **kw),
               [(x, dtype), (w, dtype), (b, dtype)], **tol)


def test_conv_no_bias_unbatched_and_grad_fn():
    x, w, _ = _conv_case(2, 1, 3, 4, 6, 3)
    check_grad(lambda lib, x, w: lib.nn.functional.conv2d(x[0], w, padding=1), [(x, "float64"), (w, "float64")])
    check_grad(lambda lib, x, w: lib.conv2d(x, w, None, 1, 1), [(x, "float64"), (w, "float64")])

    def go(lib):
        xt, wt = make(lib, x, requires_grad=True), make(lib, w)
        return (type(lib.nn.functional.conv2d(xt, wt).grad_fn).__name__,
                type(lib.nn.functional.conv_transpose2d(xt, wt.transpose(0, 1)).grad_fn).__name__)
    check(go)
    check(lambda lib: lib.nn.functional.conv1d(make(lib, x[0], layout="transposed"), make(lib, w[..., 0])))


def test_convolution_function():
    x, w, b = _conv_case(2, 2, 3, 4, 6, 3)
    check_grad(lambda lib, x, w, b: lib.convolution(x, w, b, [2, 1], [1, 0], [1, 1], False, [0, 0], 1),
               [(x, "float64"), (w, "float64"), (b, "float64")])
    x, w, b = _conv_case(2, 2, 3, 4, 4, 3, transposed=True)
    check_grad(lambda lib, x, w, b: lib.convolution(x, w, b, [2, 2], [1, 1], [1, 1], True, [1, 0], 1),
               [(x, "float64"), (w, "float64"), (b, "float64")])


def test_conv_dtypes():
    x, w, b = _conv_case(2, 2, 3, 4, 5, 3)
    check(lambda lib: lib.nn.functional.conv2d(make(lib, np.round(x), "int32"), make(lib, np.round(w * 3), "int32")))
    check(lambda lib: lib.nn.functional.conv2d(make(lib, x, "float64"), make(lib, w, "float64"),
                                               make(lib, b, "float64")))
    check(lambda lib: lib.nn.functional.conv2d(make(lib, x, "bfloat16"), make(lib, w, "bfloat16")), rtol=0.05, atol=0.3)


def _err(fn):
    check(fn, message=True)


def test_conv_errors():
    x = sample((2, 3, 8, 8), "float64")
    w = sample((4, 3, 3, 3), "float64")

    def c(xs, ws, bs=None, f="conv2d", **kw):
        return lambda lib: getattr(lib.nn.functional, f)(
            make(lib, x.reshape(xs) if np.prod(xs) == x.size else sample(xs), "float32"),
            make(lib, sample(ws), "float32"), None if bs is None else make(lib, sample(bs), "float32"), **kw)
    _err(c((8, 8, 2, 3), (4, 3, 3, 3)))
    _err(lambda lib: lib.nn.functional.conv2d(make(lib, x[0, 0]), make(lib, w)))
    _err(c((2, 3, 8, 8), (4, 2, 3, 3)))
    _err(lambda lib: lib.nn.functional.conv2d(make(lib, x, "float64"), make(lib, w, "float32")))
    _err(lambda lib: lib.nn.functional.conv2d(make(lib, x, "float32"), make(lib, w, "float64")))
    _err(lambda lib: lib.nn.functional.conv2d(make(lib, x, "float32"), make(lib, w, "float32"),
                                              make(lib, np.zeros(4), "float64")))
    _err(c((2, 3, 8, 8), (4, 3, 3, 3), (5,)))
    _err(c((2, 3, 8, 8), (4, 3, 3, 3), (4, 1)))
    for kw in [dict(stride=0), dict(padding=-1), dict(dilation=0), dict(groups=0), dict(groups=2),
               dict(padding="same", stride=2), dict(padding="foo"), dict(stride=(1, 1, 1)), dict(padding=(1, 2, 3)),
               dict(dilation=(1, 2, 3)), dict(stride=-1), dict(dilation=-1), dict(groups=0, stride=0),
               dict(padding=-1, stride=0)]:
        _err(c((2, 3, 8, 8), (4, 3, 3, 3), **kw))
    _err(c((2, 3, 8, 8), (3, 3, 3, 3), groups=3))
    _err(c((2, 3, 8, 8), (4, 1, 3, 3), groups=3))
    _err(c((2, 3, 8, 8), (4, 3, 9, 9)))
    _err(c((2, 3, 8, 8), (4, 3, 9)))
    _err(c((2, 3, 0, 8), (4, 3, 3, 3)))
    _err(c((2, 3, 8), (4, 3, 3, 3), f="conv1d"))
    _err(c((2, 3, 8), (3, 3, 3), f="conv1d", padding=(1, 1)))
    check(c((0, 3, 8, 8), (4, 3, 3, 3)))
    check(c((2, 3, 8, 8), (4, 3, 3, 3), stride=(1,)))
    # transposed
    _err(c((2, 3, 8, 8), (3, 2, 3, 3), f="conv_transpose2d", stride=2, output_padding=2))
    _err(c((2, 3, 4, 4, 4), (3, 2, 3, 3, 3), f="conv_transpose3d", stride=2, output_padding=2))
    _err(c((2, 3, 8), (3, 2, 3), f="conv_transpose1d", stride=2, output_padding=2))
    _err(c((2, 3, 8, 8), (3, 2, 3, 3), f="conv_transpose2d", padding="same"))
    _err(c((2, 3, 8, 8), (2, 2, 3, 3), f="conv_transpose2d"))
    _err(c((2, 3, 8, 8), (3, 2, 3, 3), (3,), f="conv_transpose2d"))
    _err(c((2, 3, 8, 8), (3, 2, 3, 3), f="conv_transpose2d", output_padding=-1))
    check(c((2, 3, 8, 8), (3, 2, 3, 3), f="conv_transpose2d", padding=5))
    check(c((2, 3, 8, 8), (3, 2, 3, 3), f="conv_transpose2d", groups=3))


# --- modules -------------------------------------------------------------------------------------------------

MODULES = [
    ("Conv1d", (4, 6, 3), dict()), ("Conv1d", (4, 6, 3), dict(stride=2, padding=1, padding_mode="circular")),
    ("Conv2d", (3, 4, 3), dict()), ("Conv2d", (3, 6, (3, 2)), dict(padding="same", bias=False, dilation=2)),
    ("Conv2d", (4, 6, 3), dict(groups=2, padding=2, padding_mode="reflect")),
    ("Conv2d", (3, 4, 3), dict(padding=(1, 2), padding_mode="replicate", stride=(2, 1))),
    ("Conv3d", (2, 4, 2), dict(padding="valid")), ("ConvTranspose1d", (4, 2, 3), dict(stride=2)),
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, output_padding=1, groups=2)),
    ("ConvTranspose2d", (3, 2, (2, 3)), dict(padding=1, dilation=2, bias=False)),
    ("ConvTranspose3d", (2, 2, 2), dict(stride=2)),
]


@pytest.mark.parametrize("name,args,kw", fast(MODULES, (1, 4, 8)))
def test_conv_modules(name, args, kw):
    nd = int(name[-2])
    x = sample((2, args[0]) + (6,) * nd, "float64", seed=3)

    def go(lib):
        lib.manual_seed(0)
        m = getattr(lib.nn, name)(*args, **kw)
        xt = make(lib, x, "float32", requires_grad=True)
        y = m(xt)
        y.sum().backward()
        sd = m.state_dict()
        return repr(m), y, xt.grad, m.weight.grad, tuple(sd.keys()), tuple(sd.values())
    check(go, **F32)


def test_conv_module_output_size_and_errors():
    x = sample((1, 4, 5, 5), "float64")

    def go(lib):
        lib.manual_seed(1)
        m = lib.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
        return m(make(lib, x), output_size=[10, 10]), m(make(lib, x), output_size=(1, 2, 9, 9)), \
            m(make(lib, x[0]), output_size=(10, 9))
    check(go, **F32)
    _err(lambda lib: lib.nn.ConvTranspose2d(4, 2, 3, stride=2)(make(lib, x), output_size=[20, 20]))
    _err(lambda lib: lib.nn.ConvTranspose2d(4, 2, 3, stride=2)(make(lib, x), output_size=[1, 2, 3]))
    for kw in [dict(groups=0), dict(groups=3), dict(padding="foo"), dict(padding="same", stride=2),
               dict(padding_mode="bar")]:
        _err(lambda lib: lib.nn.Conv2d(6, 4, 3, **kw))
    _err(lambda lib: lib.nn.Conv2d(4, 6, 3, groups=4))
    _err(lambda lib: lib.nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"))
    check(lambda lib: repr(lib.nn.Conv2d(2, 4, 3, padding=(1, 0), padding_mode="circular", groups=2, bias=False)))


def test_conv_module_dtype_device_and_train_step():
    x = sample((4, 3, 8, 8), "float64", seed=5)

    def go(lib):
        lib.manual_seed(0)
        net = lib.nn.Sequential(lib.nn.Conv2d(3, 4, 3, padding=1), lib.nn.ReLU(), lib.nn.MaxPool2d(2),
                                lib.nn.Conv2d(4, 2, 3, dtype=lib.float64).double())
        opt = lib.optim.SGD(net.parameters(), lr=0.1)
        for _ in range(2):
            opt.zero_grad()
            loss = net(make(lib, x)).pow(2).mean()
            loss.backward()
            opt.step()
        return loss.detach(), tuple(net.state_dict().values())
    check(go)


# --- unfold / fold -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kw", fast([dict(kernel_size=(2, 3), dilation=2, padding=1, stride=(2, 1)),
                                     dict(kernel_size=2)]))
def test_unfold_fold(kw):
    x = sample((2, 3, 6, 7), "float64", seed=9)
    check_grad(lambda lib, x: (lib.nn.functional.unfold(x, **kw), lib.nn.functional.unfold(x[0], **kw)),
               [(x, "float64")])
    cols = {k: v for k, v in kw.items()}

    def fold(lib, x):
        u = lib.nn.functional.unfold(x, **cols)
        return lib.nn.functional.fold(u * 2, (6, 7), **cols), lib.nn.functional.fold(u[0], (6, 7), **cols)
    check_grad(fold, [(x, "float32")])


def test_unfold_fold_errors_modules():
    x = sample((2, 3, 6, 7), "float32")
    for a, k in [((2,), {}), ((9,), {}), ((0,), {}), ((2,), dict(stride=0)), ((2,), dict(padding=-1)),
                 ((2,), dict(dilation=0))]:
        _err(lambda lib: lib.nn.functional.unfold(make(lib, x), *a, **k))
        if a == (2,) and not k:
            _err(lambda lib: lib.nn.functional.unfold(make(lib, x[0, 0]), 2))
    _err(lambda lib: lib.nn.functional.unfold(make(lib, x, "int64"), 2))
    c = sample((2, 12, 30), "float32")
    _err(lambda lib: lib.nn.functional.fold(make(lib, c), (6, 8), 2))
    _err(lambda lib: lib.nn.functional.fold(make(lib, c[:, :5]), (6, 7), 2))
    _err(lambda lib: lib.nn.functional.fold(make(lib, c[0, 0]), (6, 7), 2))
    _err(lambda lib: lib.nn.functional.fold(make(lib, c), (6, 7), 0))

    def mods(lib):
        u, f = lib.nn.Unfold(2), lib.nn.Fold((6, 7), 2)
        y = u(make(lib, x))
        return repr(u), repr(f), repr(lib.nn.Fold((4, 5), (2, 3), 2, 1, 2)), y, f(y)
    check(mods)


def test_lazy_modules():
    x = sample((2, 4, 6, 6), "float64", seed=11)

    def go(lib):
        lib.manual_seed(0)
        nn = lib.nn
        ms = [nn.LazyConv2d(6, 3), nn.LazyConv1d(3, 2, padding=1, bias=False), nn.LazyConvTranspose2d(2, 3, stride=2),
              nn.LazyBatchNorm2d(), nn.LazyBatchNorm1d(momentum=None), nn.LazyInstanceNorm2d()]
        xt = make(lib, x, "float32")
        outs = [ms[0](xt), ms[1](xt[0]), ms[2](xt), ms[3](xt), ms[4](xt[..., 0]), ms[5](xt)]
        return (tuple(type(m).__name__ for m in ms), tuple(repr(m) for m in ms), tuple(outs),
                tuple(tuple(m.state_dict().items()) for m in ms))
    check(go, **F32)
    _err(lambda lib: lib.nn.LazyConv2d(4, 3)(make(lib, x[0, 0])))
    _err(lambda lib: lib.nn.LazyConv2d(4, 3, groups=3)(make(lib, x)))
