"""An OpInfo-style sweep: each pointwise op of the table, as function, method, in-place and out= variant, over
dtypes, shapes (0-d, empty, broadcast) and layouts, against PyTorch; plus gradients in float64."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from _harness import check, check_grad, make, sample

UNARY_FLOAT = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan",
               "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf", "erfc",
               "erfinv", "lgamma", "digamma", "sinc", "reciprocal", "deg2rad", "rad2deg", "i0"]
UNARY_SAME = ["neg", "abs", "floor", "ceil", "trunc", "frac", "round", "sign", "square", "relu", "positive", "sgn"]
BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "fmax", "fmin", "remainder", "fmod", "atan2", "hypot",
          "copysign", "pow", "floor_divide", "xlogy", "float_power"]
COMPARE = ["eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor"]
BITWISE = ["bitwise_and", "bitwise_or", "bitwise_xor"]
PREDICATES = ["isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit", "logical_not"]
DOMAIN = {"log": (0.1, 4), "log2": (0.1, 4), "log10": (0.1, 4), "log1p": (-0.5, 4), "sqrt": (0.1, 4),
          "rsqrt": (0.1, 4), "asin": (-0.9, 0.9), "acos": (-0.9, 0.9), "atanh": (-0.9, 0.9), "acosh": (1.1, 4),
          "erfinv": (-0.9, 0.9), "lgamma": (0.1, 4), "digamma": (0.1, 4), "reciprocal": (0.5, 3)}
SHAPES = [(), (0,), (5,), (3, 4)]


def data(name, shape, dtype, seed=0):
    lo, hi = DOMAIN.get(name, (-3, 3))
    if dtype in ("float32", "float64", "float16", "bfloat16"):
        return (np.random.default_rng(seed).random(shape) * (hi - lo) + lo)
    return sample(shape, dtype, seed, low=max(int(lo), -3) if lo >= 0 else -3, high=3)


@pytest.mark.parametrize("name", UNARY_FLOAT + UNARY_SAME)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_unary(name, dtype):
    for shape in SHAPES:
        a = data(name, shape, dtype)
        check(lambda lib: getattr(lib, name)(make(lib, a, dtype)), rtol=1e-4, atol=1e-5)
    a = data(name, (4, 3), dtype)
    check(lambda lib: getattr(make(lib, a, dtype, "transposed"), name)(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", UNARY_FLOAT + UNARY_SAME)
def test_unary_inplace_and_out(name):
    a = data(name, (2, 3), "float32")
    check(lambda lib: getattr(make(lib, a, "float32", "strided"), name + "_")(), rtol=1e-4, atol=1e-5)
    check(lambda lib: getattr(make(lib, a.astype(np.int64) if name not in DOMAIN else a, "int64"), name + "_")())

    def out(lib):
        o = lib.empty(2, 3)
        r = getattr(lib, name)(make(lib, a, "float32"), out=o)
        return r is o, o
    check(out, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_unary_half(name):
    for op in ["exp", "sin", "sqrt", "tanh", "sigmoid", "abs", "neg", "floor"]:
        a = data(op, (6,), name)
        check(lambda lib: getattr(lib, op)(make(lib, a, name)))


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float32", "float64"), ("int64", "float32"),
                                    ("int32", "int64"), ("uint8", "int8"), ("bool", "float32")])
def test_binary(name, dtypes):
    da, db = dtypes
    a = data(name, (3, 4), da, 1)
    b = data(name, (4,), db, 2)
    if name in ("div", "remainder", "fmod", "floor_divide", "pow", "xlogy", "float_power"):
        b = np.where(b == 0, 2, b)
        if name in ("pow", "float_power", "xlogy"):
            b = np.abs(b)
    if name in ("pow", "float_power"):
        a = np.abs(a)
    check(lambda lib: getattr(lib, name)(make(lib, a, da), make(lib, b, db)), rtol=1e-4, atol=1e-5)
    check(lambda lib: getattr(make(lib, a, da, "transposed"), name)(make(lib, b, db)), rtol=1e-4, atol=1e-5)
    for scalar in (2, 2.5, True):
        check(lambda lib: getattr(lib, name)(make(lib, a, da), scalar), rtol=1e-4, atol=1e-5)
    check(lambda lib: getattr(lib, name)(make(lib, a, da), make(lib, np.asarray(b[0]), db)), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", BINARY)
def test_binary_inplace_out_broadcast_errors(name):
    a, b = np.abs(data(name, (2, 3), "float32", 3)) + 0.5, np.abs(data(name, (3,), "float32", 4)) + 0.5
    check(lambda lib: getattr(make(lib, a, "float32"), name + "_")(make(lib, b, "float32")), rtol=1e-4)
    check(lambda lib: getattr(make(lib, b, "float32"), name + "_")(make(lib, a, "float32")))   # can't broadcast out
    check(lambda lib: getattr(make(lib, np.ones((2, 3)), "int64"), name + "_")(make(lib, b, "float32")))
    check(lambda lib: getattr(lib, name)(make(lib, a, "float32"), make(lib, np.ones((4,)), "float32")))

    def out(lib):
        o = lib.empty(0)
        return getattr(lib, name)(make(lib, a, "float32"), make(lib, b, "float32"), out=o), o
    check(out, rtol=1e-4)


@pytest.mark.parametrize("name", COMPARE + BITWISE)
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("bool", "bool"), ("int32", "uint8"), ("float32", "int64")])
def test_compare_logical_bitwise(name, dtypes):
    da, db = dtypes
    a, b = sample((3, 4), da, 5, -2, 2), sample((3, 4), db, 6, -2, 2)
    check(lambda lib: getattr(lib, name)(make(lib, a, da), make(lib, b, db)))
    check(lambda lib: getattr(lib, name)(make(lib, a, da, "strided"), 1))


@pytest.mark.parametrize("name", PREDICATES)
def test_predicates(name):
    a = np.array([0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan])
    for d in ("float32", "float64"):
        check(lambda lib: getattr(lib, name)(make(lib, a, d)))
    check(lambda lib: getattr(lib, name)(make(lib, np.array([0, 3, -1]), "int64")))


OPERATORS = {
    "add": lambda x, y: x + y, "radd": lambda x, y: 2 + x, "sub": lambda x, y: x - y, "rsub": lambda x, y: 2 - x,
    "mul": lambda x, y: x * y, "rmul": lambda x, y: 3 * x, "div": lambda x, y: x / y, "rdiv": lambda x, y: 1 / x,
    "floordiv": lambda x, y: x // y, "rfloordiv": lambda x, y: 7 // x, "mod": lambda x, y: x % y,
    "rmod": lambda x, y: 7 % x, "pow": lambda x, y: x ** 2, "rpow": lambda x, y: 2 ** x, "neg": lambda x, y: -x,
    "pos": lambda x, y: +x, "abs": lambda x, y: abs(x), "eq": lambda x, y: x == y, "ne": lambda x, y: x != y,
    "lt": lambda x, y: x < y, "le": lambda x, y: x <= y, "gt": lambda x, y: x > y, "ge": lambda x, y: x >= y,
    "matmul": lambda x, y: x @ y.t(),
}


@pytest.mark.parametrize("name", sorted(OPERATORS))
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_operators(name, dtype):
    a, b = sample((3, 3), dtype, 7, 1, 4), sample((3, 3), dtype, 8, 1, 4)
    check(lambda lib: OPERATORS[name](make(lib, a, dtype), make(lib, b, dtype)), rtol=1e-4)


@pytest.mark.parametrize("name", ["and", "or", "xor", "invert", "lshift", "rshift"])
def test_bit_operators(name):
    fns = {"and": lambda x, y: x & y, "or": lambda x, y: x | y, "xor": lambda x, y: x ^ y, "invert": lambda x, y: ~x,
           "lshift": lambda x, y: x << 1, "rshift": lambda x, y: x >> 1}
    for d in ("int64", "bool", "uint8"):
        a, b = sample((4,), d, 9, 0, 5), sample((4,), d, 10, 0, 5)
        if d == "bool" and name in ("lshift", "rshift"):
            continue
        check(lambda lib: fns[name](make(lib, a, d), make(lib, b, d)))


def test_inplace_operators():
    def go(lib):
        x = lib.arange(6.0).reshape(2, 3)
        y = x
        x += 1
        x *= 2
        x -= lib.ones(3)
        x /= 4
        return x, y is x
    check(go)
    check(lambda lib: lib.arange(3).__iadd__(1.5))


MISC = {
    "clamp": lambda lib, x: lib.clamp(x, -1, 1), "clamp_min": lambda lib, x: x.clamp(min=0),
    "clamp_t": lambda lib, x: lib.clamp(x, lib.zeros(4), lib.ones(4)), "clip": lambda lib, x: x.clip(-0.5, 0.5),
    "clamp_min_fn": lambda lib, x: lib.clamp_min(x, 0.2), "clamp_max_fn": lambda lib, x: lib.clamp_max(x, 0.2),
    "where": lambda lib, x: lib.where(x > 0, x, lib.zeros_like(x)), "where_s": lambda lib, x: lib.where(x > 0, x, 0.5),
    "lerp": lambda lib, x: lib.lerp(x, lib.ones_like(x), 0.3), "lerp_t": lambda lib, x: x.lerp(x * 2, lib.full_like(x, 0.7)),
    "addcmul": lambda lib, x: lib.addcmul(x, x, x, value=0.5), "addcdiv": lambda lib, x: x.addcdiv(x, x + 5, value=2),
    "nan_to_num": lambda lib, x: lib.nan_to_num(x / 0), "nan_to_num2": lambda lib, x: (x / 0).nan_to_num(1.0, 2.0, -2.0),
    "round_dec": lambda lib, x: lib.round(x, decimals=1), "logit": lambda lib, x: lib.logit(x.sigmoid()),
    "div_trunc": lambda lib, x: lib.div(x, 0.7, rounding_mode="trunc"),
    "div_floor": lambda lib, x: lib.div(x, -0.7, rounding_mode="floor"),
    "int_div_floor": lambda lib, x: lib.div((x * 10).long(), 3, rounding_mode="floor"),
    "int_div_trunc": lambda lib, x: lib.div((x * 10).long(), -3, rounding_mode="trunc"),
    "heaviside": lambda lib, x: lib.heaviside(x.round(), lib.tensor([0.5])),
    "isclose": lambda lib, x: lib.isclose(x, x + 1e-6), "true_divide": lambda lib, x: lib.true_divide(x, 3),
    "subtract": lambda lib, x: lib.subtract(x, 1, alpha=2), "multiply": lambda lib, x: lib.multiply(x, 2),
    "divide": lambda lib, x: lib.divide(x, 2), "absolute": lambda lib, x: lib.absolute(x),
    "negative": lambda lib, x: lib.negative(x), "arctan2": lambda lib, x: lib.arctan2(x, x + 1),
    "gcd": lambda lib, x: lib.gcd((x * 10).long(), lib.tensor(6)), "lcm": lambda lib, x: lib.lcm((x * 10).long(), lib.tensor(4)),
    "fix": lambda lib, x: lib.fix(x), "angle": lambda lib, x: lib.angle(x),
}


@pytest.mark.parametrize("name", sorted(MISC))
def test_misc(name):
    a = np.array([[-1.7, -0.2, 0.0, 0.4], [1.2, 2.6, -3.1, 0.5]])
    for d in ("float32", "float64"):
        check(lambda lib: MISC[name](lib, make(lib, a, d)), rtol=1e-4, atol=1e-5)


ERRORS = {
    "bool_sub": lambda lib: lib.tensor([True]) - lib.tensor([False]),
    "bool_neg": lambda lib: -lib.tensor([True]),
    "int_neg_pow": lambda lib: lib.tensor([2]) ** -1,
    "bitwise_float": lambda lib: lib.tensor([1.0]) & lib.tensor([1.0]),
    "clamp_none": lambda lib: lib.clamp(lib.ones(2)),
    "where_cond": lambda lib: lib.where(lib.ones(2), lib.ones(2), lib.zeros(2)),
    "div_mode": lambda lib: lib.div(lib.ones(2), 2, rounding_mode="nearest"),
    "int_zero_div": lambda lib: lib.tensor([1]) // 0,
    "shape": lambda lib: lib.ones(2, 3) + lib.ones(4),
    "inplace_cast": lambda lib: lib.ones(2, dtype=lib.long).add_(1.5),
    "inplace_bool": lambda lib: lib.ones(2, dtype=lib.bool).mul_(2),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    check(ERRORS[name], message=name in ("bool_sub", "bool_neg", "inplace_cast", "where_cond"))


GRAD_UNARY = ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "abs", "relu", "neg", "reciprocal", "erf",
              "log1p", "expm1", "atan", "asinh", "square", "rsqrt", "sinh", "cosh"]


@pytest.mark.parametrize("name", GRAD_UNARY)
def test_grad_unary(name):
    a = data(name, (3, 4), "float64", 11)
    if name in ("abs", "relu"):
        a[0, 0] = 0.0      # torch's subgradient at 0
    check_grad(lambda lib, x: getattr(lib, name)(x), [(a, "float64")], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "hypot"])
def test_grad_binary(name):
    a, b = np.abs(data(name, (3, 4), "float64", 12)) + 0.2, np.abs(data(name, (4,), "float64", 13)) + 0.2
    check_grad(lambda lib, x, y: getattr(lib, name)(x, y), [(a, "float64"), (b, "float64")], rtol=1e-6, atol=1e-8)


def test_grad_clamp_where_lerp():
    a = np.array([[-2.0, -1.0, 0.0, 0.5], [1.0, 1.5, 2.0, -0.5]])
    check_grad(lambda lib, x: lib.clamp(x, -1, 1), [(a, "float64")])
    check_grad(lambda lib, x, y: lib.where(x > 0, x * y, y), [(a, "float64"), (a[::-1].copy(), "float64")])
    check_grad(lambda lib, x, y: lib.lerp(x, y, 0.3), [(a, "float64"), (a * 2, "float64")])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False, width=32), min_size=1, max_size=12),
       st.sampled_from(["add", "mul", "sub", "maximum", "div"]),
       st.floats(-10, 10, allow_subnormal=False, width=32))   # XLA:CPU flushes subnormals to zero
def test_hypothesis_binary_scalar(values, name, scalar):
    a = np.array(values)
    check(lambda lib: getattr(lib, name)(make(lib, a, "float32"), scalar), rtol=1e-5, atol=1e-4)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=1, max_size=12),
       st.sampled_from(["exp", "neg", "abs", "sign", "sigmoid", "floor", "square", "remainder"]))
def test_hypothesis_int_inputs(values, name):
    a = np.array(values)
    fn = (lambda lib, x: lib.remainder(x, 7)) if name == "remainder" else (lambda lib, x: getattr(lib, name)(x))
    check(lambda lib: fn(lib, make(lib, a, "int64")), rtol=1e-5, atol=1e-5)
