"""Regressions found by the differential fuzzer (tools/fuzz.py), each group against real PyTorch: Tensor.where,
exception types for unsupported dtypes (a table rule, never a leaked JAX error), validation PyTorch does, NaN
semantics, out= named tuples and resizing, float16/bfloat16 norms."""
import warnings

import numpy as np
import pytest
import torch as TH

import torchlike as TL
from _harness import check, make

ALL = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
       "complex64", "complex128"]


def vals(dtype, n=4):
    if dtype == "bool":
        return np.array([True, False, True, True][:n])
    if dtype.startswith("complex"):
        return np.array([1.5 + 1j, -2.0 - 0.5j, 0.5 + 0j, 3.0 - 2j][:n])
    if dtype[0] in "ui":
        return np.array([1, 2, 3, 0][:n])
    return np.array([1.5, -2.0, 0.5, 3.25][:n])


# --- Tensor.where ------------------------------------------------------------------------------------------

def test_tensor_where_takes_self_as_input():
    x, c = np.array([1.0, 2.0, 3.0]), np.array([True, False, True])
    check(lambda lib: make(lib, x).where(make(lib, c), 0.0))
    check(lambda lib: make(lib, x, "int64").where(make(lib, c), make(lib, np.array(9), "int64")))
    check(lambda lib: make(lib, x).where(make(lib, x), 0.0), message=True)       # condition must be bool


def test_where_out_and_condition_dtype():
    c = np.array([True, False])

    def out(lib):
        o = lib.empty(0)
        r = lib.where(make(lib, c), make(lib, np.array([1.0, 2.0]), "float32"), lib.tensor(0.0), out=o)
        return r is o, o
    check(out)
    check(lambda lib: lib.where(make(lib, c), make(lib, np.array([1.0, 2.0]), "float32"), lib.tensor(0.0),
                                out=lib.empty(2, dtype=lib.float64)))
    check(lambda lib: lib.where(make(lib, np.array([1.0, 0.0])), 1.0, 2.0), message=True)


# --- exception types: unsupported dtypes -------------------------------------------------------------------

UNARY = ["erf", "erfc", "erfinv", "lgamma", "digamma", "i0", "floor", "ceil", "trunc", "fix", "frac", "round",
         "deg2rad", "rad2deg", "relu", "sign", "signbit", "isposinf", "isneginf", "bitwise_not", "abs", "msort"]
BINARY = ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "gcd", "lcm",
          "atan2", "copysign", "floor_divide", "fmod", "remainder", "hypot", "xlogy", "fmax", "fmin", "heaviside",
          "lt", "le", "gt", "ge", "pow", "clamp_min", "clamp_max"]
REDUCE = ["amax", "amin", "argmax", "argmin", "max", "min", "median", "nanmedian", "nansum", "nanmean", "aminmax",
          "sort", "argsort", "cummax", "cummin", "mode", "kthvalue", "topk", "softmax", "log_softmax"]
ACTIVATIONS = ["gelu", "elu", "celu", "selu", "hardswish", "hardsigmoid", "mish", "softplus", "logsigmoid",
               "leaky_relu", "relu6", "hardtanh", "hardshrink", "softshrink"]


@pytest.mark.parametrize("name", UNARY)
def test_unary_unsupported_dtypes(name):
    for d in ALL:
        check(lambda lib: getattr(lib, name)(make(lib, vals(d), d)), rtol=1e-2, atol=1e-2, message=True)
        if hasattr(TH.Tensor, name + "_"):
            check(lambda lib: getattr(make(lib, vals(d), d), name + "_")(), rtol=1e-2, atol=1e-2, message=True)


@pytest.mark.parametrize("name", BINARY)
def test_binary_unsupported_dtypes(name):
    for d in ALL:
        check(lambda lib: getattr(lib, name)(make(lib, vals(d), d), make(lib, vals(d)[::-1].copy(), d)),
              rtol=1e-2, atol=1e-2, message=True)


@pytest.mark.parametrize("name", REDUCE)
def test_reductions_and_sorting_unsupported_dtypes(name):
    extra = {"kthvalue": (1,), "topk": (1,), "cummax": (0,), "cummin": (0,), "softmax": (0,),
             "log_softmax": (0,)}.get(name, ())
    for d in ALL:
        check(lambda lib: getattr(lib, name)(make(lib, vals(d), d), *extra), rtol=1e-2, atol=1e-2, message=True)
        if name in ("max", "min", "median", "argmax"):
            check(lambda lib: getattr(lib, name)(make(lib, vals(d), d), 0), rtol=1e-2, message=True)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_reject_complex(name):
    for d in ("complex64", "int64", "bool"):
        check(lambda lib: getattr(lib.nn.functional, name)(make(lib, vals(d), d)), message=True)


def test_no_leaked_jax_errors_for_complex():
    """Every op of the table given complex (or bool) inputs raises torch's exception type, or computes."""
    for name in ["erf", "floor", "gcd", "lgamma", "hypot", "fmod", "remainder", "argmax", "frac", "signbit"]:
        for d in ("complex64", "bool"):
            try:
                getattr(TL, name)(*([make(TL, vals(d), d)] * (2 if name in ("gcd", "hypot", "fmod",
                                                                          "remainder") else 1)))
            except Exception as e:  # noqa: BLE001
                assert type(e) in (RuntimeError, NotImplementedError), (name, d, type(e), e)


def test_unsupported_dtype_inplace_and_lerp_addc():
    check(lambda lib: make(lib, vals("complex64"), "complex64").abs_(), message=True)
    for d in ("int64", "bool", "uint8"):
        a = vals(d)
        check(lambda lib: lib.lerp(make(lib, a, d), make(lib, a, d), 0.5), message=True)
        check(lambda lib: lib.lerp(make(lib, a, d), make(lib, a, d), make(lib, a, d)), message=True)
        check(lambda lib: lib.addcdiv(make(lib, a, d), make(lib, a, d), make(lib, a, d)))
        check(lambda lib: lib.addcmul(make(lib, a, d), make(lib, a, d), make(lib, a, d)), message=True)


@pytest.mark.parametrize("kind", ["int", "float", "complex"])
def test_python_scalar_conversions(kind):
    conv = {"int": int, "float": float, "complex": complex}[kind]
    for a, d in ((np.ones(3), "float32"), (np.zeros((0,)), "int64"), (np.ones((2, 2)), "int64"),
                 (np.array(2.5), "float32"), (np.array(1 + 2j), "complex64"), (np.array(np.nan), "float64"),
                 (np.array(np.inf), "float32")):
        check(lambda lib: _parts(conv(make(lib, a, d))), message=True)


def _parts(v):
    return (v.real, v.imag) if isinstance(v, complex) else v


# --- validation PyTorch does ---------------------------------------------------------------------------------

def test_add_sub_alpha_validation():
    i, f, b = np.array([1, 2]), np.array([1.0, 2.0]), np.array([True, False])
    for name in ("add", "sub", "rsub"):
        check(lambda lib: getattr(lib, name)(make(lib, i, "int64"), make(lib, i, "int64"), alpha=0.5), message=True)
        check(lambda lib: getattr(lib, name)(make(lib, i, "int64"), 2, alpha=True), message=True)
        check(lambda lib: getattr(lib, name)(make(lib, f, "float32"), make(lib, i, "int64"), alpha=0.5))
        check(lambda lib: getattr(lib, name)(make(lib, f, "float32"), make(lib, f, "float32"), alpha=1j),
              message=True)
    check(lambda lib: lib.add(make(lib, b, "bool"), make(lib, b, "bool"), alpha=True))
    check(lambda lib: make(lib, i, "int64").add_(make(lib, i, "int64"), alpha=2.5), message=True)
    check(lambda lib: lib.add(make(lib, i, "int64"), make(lib, i, "int64"), alpha=lib.tensor(0.5)), message=True)


def test_index_put_dtype_must_match():
    x = np.zeros(3)
    for src in ((np.array(1.0), "float64"), (np.array([1]), "int64"), (np.array([1.0]), "float32")):
        check(lambda lib: make(lib, x, "float32").index_put_((lib.tensor([0]),), make(lib, src[0], src[1])),
              message=True)

    def setitem(lib, idx, value):
        t = make(lib, x, "float32")
        t[idx(lib)] = value(lib)
        return t
    check(lambda lib: setitem(lib, lambda l: l.tensor([0, 2]), lambda l: l.tensor([1, 2])), message=True)
    check(lambda lib: setitem(lib, lambda l: l.tensor([True, False, True]), lambda l: l.tensor([1.0, 2.0],
                                                                                               dtype=l.float64)))
    check(lambda lib: setitem(lib, lambda l: 0, lambda l: l.tensor(1)))                 # basic index: converts
    check(lambda lib: setitem(lib, lambda l: l.tensor([0, 1]), lambda l: 5))            # Python number: converts
    check(lambda lib: lib.index_put(make(lib, x, "float32"), (lib.tensor([1]),), lib.tensor(4.0)))


EXPANDED_WRITES = {
    "add_": lambda t, lib: t.add_(1), "exp_": lambda t, lib: t.exp_(), "clamp_": lambda t, lib: t.clamp_(0, 1),
    "copy_": lambda t, lib: t.copy_(lib.ones(2, 3)), "mul_": lambda t, lib: t.mul_(lib.ones(2, 3)),
    "out=": lambda t, lib: lib.add(lib.ones(2, 3), 1, out=t), "transposed": lambda t, lib: t.t().add_(1),
    "index_add_": lambda t, lib: t.index_add_(0, lib.tensor([0]), lib.ones(1, 3)),
    "scatter_": lambda t, lib: t.scatter_(0, lib.zeros(1, 3, dtype=lib.int64), 1.0),
    "cumsum_": lambda t, lib: t.cumsum_(0),
    # allowed by torch: fills and (with a deprecation warning) masked_fill_, index_put_, a row of the expansion
    "fill_": lambda t, lib: t.fill_(2), "zero_": lambda t, lib: t.zero_(), "row": lambda t, lib: t[0].add_(1),
    "masked_fill_": lambda t, lib: t.masked_fill_(lib.ones(2, 3, dtype=lib.bool), 1.0),
}


@pytest.mark.parametrize("name", sorted(EXPANDED_WRITES))
def test_inplace_into_expanded_tensor(name):
    def go(lib):
        base = lib.zeros(1, 3)
        t = base.expand(2, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            EXPANDED_WRITES[name](t, lib)
        return base
    check(go, message=True)


def test_dtype_argument_must_be_a_torch_dtype():
    for f in (lambda lib: lib.zeros(2, dtype="float32"), lambda lib: lib.ones(2, dtype=np.float32),
              lambda lib: lib.tensor([1], dtype="float32"), lambda lib: lib.full((2,), 1, dtype="int64"),
              lambda lib: lib.arange(3, dtype="int64"), lambda lib: lib.empty(2, dtype="float64")):
        check(f)
    check(lambda lib: lib.zeros(2, dtype=float))
    check(lambda lib: lib.ones(2, dtype=int))
    check(lambda lib: lib.tensor([1, 2], dtype=bool))


def test_arange_bad_ranges():
    for args in ((float("nan"), 3.0), (0, float("inf")), (5, 0, 1), (0, 5, 0)):
        check(lambda lib: lib.arange(*args), message=True)


def test_isclose_allclose_equal():
    f, i = np.array([1.0, 2.0]), np.array([1, 2])
    check(lambda lib: lib.isclose(make(lib, f), make(lib, i, "int64")), message=True)
    check(lambda lib: lib.allclose(make(lib, f), make(lib, f + 1e-9)))
    check(lambda lib: make(lib, f).allclose(make(lib, f)))
    check(lambda lib: lib.allclose(make(lib, f), make(lib, f.astype(np.float64), "float64")), message=True)
    check(lambda lib: lib.allclose(make(lib, f), make(lib, np.ones(3))), message=True)
    check(lambda lib: lib.allclose(make(lib, f), 1.0))
    check(lambda lib: lib.isclose(make(lib, f), make(lib, f), rtol=-1), message=True)
    check(lambda lib: make(lib, f).equal(make(lib, i, "int64")))
    check(lambda lib: lib.equal(make(lib, f), make(lib, np.ones(1))))
    check(lambda lib: lib.equal(make(lib, f), 1))


def test_zeros_like_rejects_out():
    check(lambda lib: lib.zeros_like(lib.ones(2), out=lib.empty(2)))


# --- NaN semantics ---------------------------------------------------------------------------------------------

def test_sign_sgn_nan_and_negative_zero():
    a = np.array([np.nan, -0.0, 0.0, -2.5, 3.0, np.inf, -np.inf])
    for d in ("float32", "float64", "float16", "bfloat16"):
        check(lambda lib: lib.sign(make(lib, a, d)))
        check(lambda lib: lib.sgn(make(lib, a, d)))
    check(lambda lib: make(lib, a).sign_())
    check(lambda lib: lib.sgn(make(lib, np.array([complex(np.nan, 0), 0j, 3 + 4j]), "complex64")))


def test_unique_keeps_every_nan():
    a = np.array([2.0, np.nan, 1.0, np.nan, 2.0])
    for kw in ({}, {"return_inverse": True}, {"return_counts": True}, {"return_inverse": True,
                                                                       "return_counts": True}, {"sorted": False}):
        check(lambda lib: lib.unique(make(lib, a), **kw))
    check(lambda lib: lib.unique_consecutive(make(lib, np.array([np.nan, np.nan, 1.0])), return_counts=True))


# --- out= -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,args", [("max", (1,)), ("min", (1,)), ("sort", ()), ("topk", (2,)), ("mode", (1,)),
                                       ("median", (1,)), ("nanmedian", (1,)), ("kthvalue", (1,)),
                                       ("cummax", (1,)), ("cummin", (1,)), ("aminmax", ())])
def test_out_returns_the_named_tuple(name, args):
    x = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])

    def go(lib, values_dtype="float64"):
        second = lib.empty(0, dtype=lib.float64) if name == "aminmax" else lib.empty(0, dtype=lib.int64)
        out = (lib.empty(0, dtype=getattr(lib, values_dtype)), second)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = getattr(lib, name)(make(lib, x), *args, out=out)
        assert type(r).__name__ == name + "_out"
        return r[0] is out[0], r[1] is out[1], tuple(r), getattr(r, r._fields[0] if hasattr(r, "_fields")
                                                                  else ("min" if name == "aminmax" else "values"))
    check(go)
    check(lambda lib: go(lib, "float32"))       # the values out must have the input's dtype


@pytest.mark.parametrize("shape", [(0,), (3,), (2, 3), (4, 4)])
def test_out_resizes_with_warning(shape):
    def go(lib):
        o = lib.ones(shape)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = lib.add(lib.ones(2, 3), 1, out=o)
        warned = any("resized" in str(x.message) for x in w)
        return r is o, o, warned
    check(go)


# --- low-precision norms -------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_norms_accumulate_in_float32(dtype):
    for a in (np.array([300.0, 400.0]), np.array([60000.0, 60000.0]), np.full((64,), 100.0)):
        check(lambda lib: lib.norm(make(lib, a, dtype)), rtol=1e-2)
        for ord in (2, 1, 3, float("inf"), 0):
            check(lambda lib: lib.linalg.vector_norm(make(lib, a, dtype), ord=ord), rtol=1e-2)
        check(lambda lib: lib.linalg.vector_norm(make(lib, a, dtype), dtype=lib.float32), rtol=1e-3)
    m = np.full((3, 3), 300.0)
    for ord in ("fro", 1, float("inf"), "nuc", 2):
        check(lambda lib: lib.linalg.matrix_norm(make(lib, m, dtype), ord=ord), rtol=1e-2, message=True)


# --- out= dtype rules, factories' dtype=, scalar overflow, stacking errors, samplers on expanded tensors --------

def _t(lib, dtype, shape=(3, 3)):
    return make(lib, np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape) % 4, dtype)


_OUT_CALLS = {
    "mm": lambda lib, x, o: lib.mm(x, x, out=o), "triu": lambda lib, x, o: lib.triu(x, out=o),
    "tril": lambda lib, x, o: lib.tril(x, out=o), "msort": lambda lib, x, o: lib.msort(x, out=o),
    "diag": lambda lib, x, o: lib.diag(x, out=o), "abs": lambda lib, x, o: lib.abs(x, out=o),
    "neg": lambda lib, x, o: lib.neg(x, out=o), "floor": lambda lib, x, o: lib.floor(x, out=o),
    "sign": lambda lib, x, o: lib.sign(x, out=o), "clamp": lambda lib, x, o: lib.clamp(x, 0, 2, out=o),
    "clamp_tensor": lambda lib, x, o: lib.clamp(x, min=x[0], out=o),
    "all": lambda lib, x, o: lib.all(x, out=o), "any": lambda lib, x, o: lib.any(x, dim=0, out=o),
    "isposinf": lambda lib, x, o: lib.isposinf(x, out=o), "signbit": lambda lib, x, o: lib.signbit(x, out=o),
    "amax": lambda lib, x, o: lib.amax(x, 0, out=o), "dot": lambda lib, x, o: lib.dot(x[0], x[0], out=o),
    "index_select": lambda lib, x, o: lib.index_select(x, 0, lib.tensor([0, 2]), out=o),
    "add": lambda lib, x, o: lib.add(x, x, out=o), "sin": lambda lib, x, o: lib.sin(x, out=o),
}


@pytest.mark.parametrize("name", sorted(_OUT_CALLS))
@pytest.mark.parametrize("dtype,out_dtype", [("float32", "float64"), ("float64", "float32"), ("int64", "float32"),
                                             ("bool", "float32"), ("float32", "float32"), ("bool", "bool"),
                                             ("float32", "bool"), ("uint8", "uint8")])
def test_out_dtype_rules(name, dtype, out_dtype):
    f = _OUT_CALLS[name]
    check(lambda lib: f(lib, _t(lib, dtype), lib.empty(0, dtype=getattr(lib, out_dtype))), message=True)


def test_out_dtype_checked_before_missing_kernel():
    b = np.array([[True, False], [False, True]])
    check(lambda lib: lib.mm(make(lib, b), make(lib, b), out=lib.empty(2, 2)), message=True)
    i = np.array([1, 2])
    for fn in ("nextafter", "logaddexp"):
        check(lambda lib: getattr(lib, fn)(make(lib, i, "int64"), make(lib, i, "int64"),
                                           out=lib.empty(2, dtype=lib.bool)), message=True)
        check(lambda lib: getattr(lib, fn)(make(lib, i, "int64"), make(lib, i, "int64"), out=lib.empty(2)))


@pytest.mark.parametrize("factory", [
    lambda lib, d, o: lib.arange(5, dtype=d, out=o), lambda lib, d, o: lib.full((5,), 2.0, dtype=d, out=o),
    lambda lib, d, o: lib.zeros(5, dtype=d, out=o), lambda lib, d, o: lib.ones(5, dtype=d, out=o),
    lambda lib, d, o: lib.linspace(0, 1, 5, dtype=d, out=o), lambda lib, d, o: lib.empty(5, dtype=d, out=o)[:0]])
@pytest.mark.parametrize("dtype", [None, "float32", "int64"])
@pytest.mark.parametrize("out_dtype", ["float64", "int64", "bool"])
def test_factory_dtype_must_match_out(factory, dtype, out_dtype):
    check(lambda lib: factory(lib, dtype and getattr(lib, dtype), lib.empty(5, dtype=getattr(lib, out_dtype))),
          message=True)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1, 300, 1e10, 70000.0, 1.5, -300])
@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32", "int64", "float16", "bool", "float32"])
def test_fill_value_overflow(value, dtype):
    check(lambda lib: lib.full((2,), value, dtype=getattr(lib, dtype)), message=True)
    check(lambda lib: lib.full_like(lib.ones(2), value, dtype=getattr(lib, dtype)), message=True)


def test_index_add_alpha_overflow():
    for alpha in (float("nan"), float("inf"), 2, 1e30):
        check(lambda lib: lib.ones(3, dtype=lib.int64).index_add(0, lib.tensor([0]), lib.ones(1, dtype=lib.int64),
                                                                  alpha=alpha), message=True)


def test_vector_norm_dtype_rules():
    for src, dst in [("float64", "float32"), ("complex64", "float32"), ("float32", "complex64"), ("float32", "int64"),
                     ("float32", "float64"), ("complex64", "complex128"), ("float16", "float32")]:
        check(lambda lib: lib.linalg.vector_norm(make(lib, vals(src), src), dtype=getattr(lib, dst)), message=True)


@pytest.mark.parametrize("fn", ["vstack", "hstack", "dstack"])
def test_stacking_shape_errors(fn):
    for a, b in [((2, 3), (2, 4)), ((2, 3), (2, 3, 1)), ((3,), (4,)), ((2, 3), (3, 3)), ((2,), (2, 3)), ((), (1,))]:
        check(lambda lib: getattr(lib, fn)([lib.ones(*a), lib.ones(*b)]), message=True)


def test_where_scalars_with_out_are_type_errors():
    c = np.array([True, False])
    check(lambda lib: lib.where(make(lib, c), 1.0, lib.ones(2), out=lib.empty(2)), message=True)
    check(lambda lib: lib.where(make(lib, c), lib.ones(2), 2, out=lib.empty(2)), message=True)
    check(lambda lib: lib.where(make(lib, c), lib.ones(2), lib.zeros(2), out=lib.empty(2)))


def test_scans_in_place_on_bool():
    for fn in ("cumsum_", "cumprod_"):
        check(lambda lib: getattr(make(lib, np.array([[True, False]])), fn)(0), message=True)
        check(lambda lib: getattr(make(lib, np.array([[1, 2]]), "int32"), fn)(1))


@pytest.mark.parametrize("sampler", ["uniform_", "normal_", "bernoulli_", "exponential_", "random_", "cauchy_",
                                     "log_normal_", "geometric_"])
def test_samplers_refuse_expanded_tensors(sampler):
    args = (0.5,) if sampler == "geometric_" else ()
    check(lambda lib: getattr(lib.ones(1).expand(3), sampler)(*args), message=True)
    check(lambda lib: getattr(lib.ones(3, 2)[:, 0], sampler)(*args).shape)     # strided but no overlap: fine


@pytest.mark.parametrize("call", [lambda lib, o: lib.kthvalue(lib.arange(4.), 9, 0, out=o),
                                  lambda lib, o: lib.mode(lib.arange(4.), out=o),
                                  lambda lib, o: lib.cummax(lib.arange(4.), 0, out=o)])
def test_named_tuple_ops_take_a_tuple_out_before_anything_else(call):
    check(lambda lib: call(lib, lib.ones(())), message=True)


def test_sort_with_a_tensor_out_is_a_type_error():       # (torch's message lists sort's overloads)
    check(lambda lib: lib.sort(lib.arange(4.), out=lib.ones(())))
