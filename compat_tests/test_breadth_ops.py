"""Issue 14 census additions vs real PyTorch: window functions, igamma/igammac, mvlgamma, cholesky_inverse, geqrf,
unravel_index, the *_copy and unsafe_* variants, small Tensor members and top-level helpers."""
import numpy as np
import pytest

from _harness import check, check_grad, sample

WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("n", [0, 1, 2, 5, 12])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_windows(name, n, periodic, dtype):
    check(lambda lib: getattr(lib, name)(n, periodic, dtype=getattr(lib, dtype)), rtol=2e-6, atol=3e-7)


@pytest.mark.parametrize("call", ["hamming_window(6, True, 0.5)", "hamming_window(6, False, 0.5, 0.3)",
                                  "kaiser_window(7, False, 5.0)", "hann_window(4, requires_grad=True)"])
def test_window_options(call):
    check(lambda lib: eval("lib." + call, {"lib": lib}), rtol=2e-6, atol=3e-7)


@pytest.mark.parametrize("call", ["hann_window(-1)", "hann_window(3, dtype=lib.int64)",
                                  "kaiser_window(3, dtype=lib.int32)"])
def test_window_errors(call):
    check(lambda lib: eval("lib." + call, {"lib": lib}), message=True)


@pytest.mark.parametrize("name", ["igamma", "igammac"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_igamma(name, dtype):
    a, x = sample((3, 4), seed=1, low=0.1, high=4), sample((3, 4), seed=2, low=0.0, high=5)
    d = lambda lib: getattr(lib, dtype)  # noqa: E731
    check(lambda lib: getattr(lib, name)(lib.tensor(a, dtype=d(lib)), lib.tensor(x, dtype=d(lib))))
    check(lambda lib: getattr(lib.tensor(a, dtype=d(lib)), name)(lib.tensor(x, dtype=d(lib))))
    check(lambda lib: getattr(lib.tensor(a, dtype=d(lib)).clone(), name + "_")(lib.tensor(x, dtype=d(lib))))
    check(lambda lib: getattr(lib.special, {"igamma": "gammainc", "igammac": "gammaincc"}[name])(
        lib.tensor(a, dtype=d(lib)), lib.tensor(x, dtype=d(lib))))


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_igamma_grad_and_errors(name):
    a, x = sample((5,), seed=3, low=0.5, high=3), sample((5,), seed=4, low=0.2, high=4)

    def fn(lib):
        at = lib.tensor(a)
        xt = lib.tensor(x, requires_grad=True)
        y = getattr(lib, name)(at, xt)
        return y, lib.autograd.grad(y.sum(), xt)[0]
    check(fn, rtol=1e-5, atol=1e-6)
    check(lambda lib: getattr(lib, name)(lib.tensor([1, 2]), lib.tensor([1, 3])), message=True)


def test_mvlgamma():
    x = sample((2, 3), seed=5, low=1.6, high=5)
    check_grad(lambda lib, t: lib.mvlgamma(t, 3), [(x, "float64")])
    check(lambda lib: lib.tensor(x, dtype=lib.float32).mvlgamma(2))
    check(lambda lib: lib.special.multigammaln(lib.tensor(x), 2))
    check(lambda lib: lib.mvlgamma(lib.tensor([0.5, 3.0]), 2))
    check(lambda lib: lib.mvlgamma(lib.tensor([2, 3]), 2))
    check(lambda lib: lib.mvlgamma(lib.tensor([2.0, 3.0]), 0), message=True)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_inverse(upper):
    m = sample((2, 4, 4), seed=6)
    spd = m @ np.swapaxes(m, -1, -2) + 4 * np.eye(4)
    fac = np.linalg.cholesky(spd)
    fac = np.swapaxes(fac, -1, -2) if upper else fac
    check_grad(lambda lib, t: lib.cholesky_inverse(t.tril() if not upper else t.triu(), upper=upper),
               [(fac, "float64")])
    check(lambda lib: lib.cholesky_inverse(lib.ones(3)), message=True)


def test_geqrf():
    a = sample((2, 5, 3), seed=7)
    check(lambda lib: lib.geqrf(lib.tensor(a)))
    check(lambda lib: lib.tensor(a[0]).geqrf())
    check(lambda lib: lib.geqrf(lib.tensor([[1, 2], [3, 4]])), message=True)


def test_unravel_index():
    check(lambda lib: lib.unravel_index(lib.tensor([4, 1, -1, 5]), (2, 3)))
    check(lambda lib: lib.unravel_index(lib.tensor(7), (2, 2, 2)))
    check(lambda lib: lib.unravel_index(lib.tensor([7, -7]), (2, 3)))
    check(lambda lib: lib.unravel_index(lib.tensor([1.0]), (2, 3)))


COPIES = ["alias_copy(x)", "detach_copy(x)", "diagonal_copy(x)", "expand_copy(x[:1], (3, 4))",
          "permute_copy(x, (1, 0))", "select_copy(x, 1, 2)", "slice_copy(x, 1, 1, 4, 2)", "split_copy(x, 2)",
          "split_with_sizes_copy(x, [1, 2])", "squeeze_copy(x[None])", "t_copy(x)", "transpose_copy(x, 0, 1)",
          "unbind_copy(x)", "unfold_copy(x, 1, 2, 1)", "unsqueeze_copy(x, 0)", "view_copy(x, (4, 3))",
          "as_strided_copy(x, (2, 2), (1, 2))", "view_as_real_copy(x.to(lib.complex64))",
          "split_with_sizes(x, [2, 1])", "unsafe_split(x, 2, 1)", "unsafe_chunk(x, 2)",
          "unsafe_split_with_sizes(x, [1, 3], 1)", "x.split_with_sizes([1, 2])", "x.sum_to_size(1, 4)",
          "x.sum_to_size(4)", "x.unsafe_chunk(3, 1)", "is_same_size(x, x.t())", "is_signed(x.to(lib.uint8))",
          "x.is_signed()"]


@pytest.mark.parametrize("expr", COPIES)
def test_copies_and_aliases(expr):
    x = np.arange(12.0).reshape(3, 4)

    def fn(lib):
        g = {"lib": lib, "x": lib.tensor(x, dtype=lib.float32)}
        return eval(expr if expr.startswith("x.") else "lib." + expr, g)
    check(fn, strides=True)


def test_copy_is_fresh_and_differentiable():
    def fn(lib):
        x = lib.arange(6.0).view(2, 3).requires_grad_()
        y = lib.t_copy(x)
        y2 = y.detach()
        y2.add_(1)                      # a copy: the source is untouched
        (g,) = lib.autograd.grad((y * lib.arange(6.0).view(3, 2)).sum(), x)
        return x.detach(), g
    check(fn)


def test_sum_to_size_error():
    check(lambda lib: lib.ones(2, 3).sum_to_size(4), message=True)


TENSOR_MEMBERS = ["x.new(2, 3).shape", "x.new([1, 2])", "x.new()", "x.new(lib.tensor([1, 2]))", "x.name",
                  "x.is_xla", "x.is_ipu", "x.is_vulkan", "x.is_maia", "x.is_mtia", "x.output_nr", "x.dim_order()",
                  "x.t().dim_order()", "x.is_set_to(x)", "x.is_set_to(x.clone())",
                  "x.new_empty_strided((2, 2), (1, 2)).stride()", "x.reinforce(1)", "x.xpu()", "x.ipu()",
                  "x.clone().map_(lib.ones(2, 3), lambda a, b: a + b * 2)",
                  "lib.ones(3).map2_(lib.ones(3), lib.full((3,), 2.0), lambda a, b, c: a + b * c)",
                  "x.clone().swapaxes_(0, 1).shape", "x.clone().swapdims_(0, 1).stride()",
                  "x.module_load(lib.ones(2, 3))", "x.const_data_ptr() == x.data_ptr()", "x.grad_dtype"]


@pytest.mark.parametrize("expr", TENSOR_MEMBERS)
def test_tensor_members(expr):
    check(lambda lib: eval(expr, {"lib": lib, "x": lib.arange(6.0).view(2, 3)}), message=True)


TOP = ["sym_max(2, 3)", "sym_min(2.5, 1)", "sym_float(3)", "sym_int(2.7)", "sym_int(-2.7)", "sym_not(True)",
       "sym_ite(False, 1, 2)", "sym_sqrt(4)", "sym_sum([1, 2, 3])", "typename(lib.zeros(2))",
       "typename(lib.zeros(2, dtype=lib.int64))", "typename(3)", "is_storage(3)",
       "is_distributed(lib.zeros(1))", "is_inference(lib.zeros(1))", "is_vulkan_available()",
       "vmap(lambda t: t * 2)(lib.ones(2, 3))", "fill(lib.zeros(3), 2.0)", "zero_(lib.ones(2))",
       "frobenius_norm(lib.arange(6.).view(2, 3), (0, 1))", "frobenius_norm(lib.arange(6.).view(2, 3), (0,), True)",
       "nuclear_norm(lib.arange(6.).view(2, 3))", "norm_except_dim(lib.arange(6.).view(2, 3), 2, 0)",
       "norm_except_dim(lib.arange(6.).view(2, 3), 2, 1)", "norm_except_dim(lib.arange(6.).view(2, 3), 2, -1)",
       "cond(lib.tensor(True), lambda a: a + 1, lambda a: a - 1, (lib.ones(2),))",
       "while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 2), (lib.tensor(0), lib.ones(2)))",
       "conv_tbc(lib.arange(24.).view(4, 2, 3), lib.ones(3, 3, 2), lib.zeros(2), 1)",
       "bilinear(lib.ones(2, 3), lib.ones(2, 4), lib.ones(5, 3, 4), lib.ones(5))", "is_anomaly_enabled()",
       "get_device_module('cuda').__name__.split('.')[-1]", "sym_max(2, 3.0)", "is_inference_mode_enabled()"]


@pytest.mark.parametrize("expr", TOP)
def test_top_level(expr):
    check(lambda lib: eval("lib." + expr, {"lib": lib}))
