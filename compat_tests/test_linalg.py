"""Matrix products, contractions, torch.linalg (decompositions, solvers, norms) against PyTorch: values, dtypes,
shapes (1-D/2-D/batched/broadcast/empty), layouts, errors (types and messages), out=, in-place and gradients."""
import numpy as np
import pytest
import torch as TH
from hypothesis import given, settings, strategies as st

import torchlike as TL
from _harness import check, check_grad, make, sample

LAYOUTS = ["contig", "transposed", "strided"]


def rc(x):
    """Materialise torch's lazy conjugate views (the harness reads values through numpy())."""
    if isinstance(x, (tuple, list)):
        return type(x)(*map(rc, x)) if hasattr(x, "_fields") else type(x)(map(rc, x))
    return x.resolve_conj() if isinstance(x, TH.Tensor) else x


def T(lib, shape, dtype="float64", seed=0, layout="contig"):
    return make(lib, sample(shape, dtype, seed), dtype, layout)


# --- products: (name, lambda lib, *tensors, shapes) --------------------------------------------------------
PRODUCTS = [
    ("mm", lambda L, a, b: L.mm(a, b), [(2, 3), (3, 4)]),
    ("mm_empty", lambda L, a, b: L.mm(a, b), [(2, 0), (0, 4)]),
    ("mm_empty2", lambda L, a, b: L.mm(a, b), [(0, 3), (3, 2)]),
    ("matmul_11", lambda L, a, b: L.matmul(a, b), [(3,), (3,)]),
    ("matmul_21", lambda L, a, b: L.matmul(a, b), [(2, 3), (3,)]),
    ("matmul_12", lambda L, a, b: L.matmul(a, b), [(3,), (3, 2)]),
    ("matmul_31", lambda L, a, b: a @ b, [(4, 2, 3), (3,)]),
    ("matmul_13", lambda L, a, b: a @ b, [(2,), (4, 2, 3)]),
    ("matmul_32", lambda L, a, b: a @ b, [(4, 2, 3), (3, 5)]),
    ("matmul_23", lambda L, a, b: a @ b, [(2, 3), (4, 3, 5)]),
    ("matmul_bcast", lambda L, a, b: a @ b, [(2, 1, 2, 3), (4, 3, 2)]),
    ("matmul_empty_batch", lambda L, a, b: a @ b, [(0, 2, 3), (3, 2)]),
    ("bmm", lambda L, a, b: L.bmm(a, b), [(2, 2, 3), (2, 3, 4)]),
    ("dot", lambda L, a, b: L.dot(a, b), [(4,), (4,)]),
    ("vdot", lambda L, a, b: L.vdot(a, b), [(4,), (4,)]),
    ("mv", lambda L, a, b: L.mv(a, b), [(3, 4), (4,)]),
    ("outer", lambda L, a, b: L.outer(a, b), [(3,), (4,)]),
    ("ger", lambda L, a, b: a.ger(b), [(3,), (4,)]),
    ("addmm", lambda L, c, a, b: L.addmm(c, a, b), [(2, 4), (2, 3), (3, 4)]),
    ("addmm_bcast", lambda L, c, a, b: L.addmm(c, a, b, beta=0.5, alpha=2), [(4,), (2, 3), (3, 4)]),
    ("addmv", lambda L, c, a, b: L.addmv(c, a, b, alpha=-1), [(3,), (3, 4), (4,)]),
    ("addr", lambda L, c, a, b: L.addr(c, a, b, beta=2), [(3, 4), (3,), (4,)]),
    ("baddbmm", lambda L, c, a, b: L.baddbmm(c, a, b, alpha=0.5), [(2, 2, 4), (2, 2, 3), (2, 3, 4)]),
    ("addbmm", lambda L, c, a, b: L.addbmm(c, a, b, beta=0), [(2, 4), (3, 2, 3), (3, 3, 4)]),
    ("inner", lambda L, a, b: L.inner(a, b), [(2, 3), (4, 3)]),
    ("inner_0d", lambda L, a, b: L.inner(a, b), [(), (3,)]),
    ("kron", lambda L, a, b: L.kron(a, b), [(2, 3), (2,)]),
    ("tensordot", lambda L, a, b: L.tensordot(a, b, dims=1), [(2, 3), (3, 4)]),
    ("tensordot_lists", lambda L, a, b: L.tensordot(a, b, dims=([0, 2], [1, 0])), [(2, 3, 4), (4, 2, 5)]),
    ("tensordot_0", lambda L, a, b: L.tensordot(a, b, dims=0), [(2,), (3,)]),
    ("einsum_mm", lambda L, a, b: L.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)]),
    ("einsum_list", lambda L, a, b: L.einsum("ij,jk", [a, b]), [(2, 3), (3, 4)]),
    ("einsum_ell", lambda L, a, b: L.einsum("...ij,...jk", a, b), [(5, 2, 3), (3, 4)]),
    ("einsum_trace", lambda L, a: L.einsum("ii", a), [(3, 3)]),
    ("einsum_diag", lambda L, a: L.einsum("ii->i", a), [(3, 3)]),
    ("einsum_bcast1", lambda L, a, b: L.einsum("ij,ij->i", a, b), [(2, 1), (2, 3)]),
    ("einsum_spaces", lambda L, a, b: L.einsum("b i j , b j k -> b k i", a, b), [(2, 2, 3), (2, 3, 4)]),
    ("multi_dot", lambda L, a, b, c: L.linalg.multi_dot([a, b, c]), [(3,), (3, 4), (4, 2)]),
    ("multi_dot_vv", lambda L, a, b: L.linalg.multi_dot([a, b]), [(3,), (3,)]),
    ("chain_matmul", lambda L, a, b, c: L.chain_matmul(a, b, c), [(2, 3), (3, 4), (4, 2)]),
    ("vecdot", lambda L, a, b: L.linalg.vecdot(a, b), [(2, 3), (3,)]),
    ("cross", lambda L, a, b: L.linalg.cross(a, b), [(2, 3), (2, 3)]),
    ("cross_dim", lambda L, a, b: L.cross(a, b, dim=0), [(3, 2), (3, 1)]),
    ("cdist", lambda L, a, b: L.cdist(a, b), [(3, 2), (4, 2)]),
    ("cdist_p1", lambda L, a, b: L.cdist(a, b, p=1), [(2, 3, 2), (4, 2)]),
    ("cdist_pinf", lambda L, a, b: L.cdist(a, b, p=float("inf")), [(3, 2), (4, 2)]),
    ("cdist_p3", lambda L, a, b: L.cdist(a, b, p=3), [(3, 2), (4, 2)]),
    ("trapezoid", lambda L, y: L.trapezoid(y), [(3, 4)]),
    ("trapezoid_dx", lambda L, y: L.trapezoid(y, dx=0.5, dim=0), [(3, 4)]),
    ("trapezoid_x", lambda L, y, x: L.trapezoid(y, x), [(3, 4), (4,)]),
    ("trapz", lambda L, y: L.trapz(y), [(3, 4)]),
    ("cumulative_trapezoid", lambda L, y: L.cumulative_trapezoid(y), [(3, 4)]),
]


@pytest.mark.parametrize("name,fn,shapes", PRODUCTS, ids=[p[0] for p in PRODUCTS])
def test_products_values(name, fn, shapes, dtype="float32"):      # float64 values: checked by test_products_grad
    check(lambda L: fn(L, *[T(L, s, dtype, seed=i) for i, s in enumerate(shapes)]))


@pytest.mark.parametrize("name,fn,shapes", PRODUCTS, ids=[p[0] for p in PRODUCTS])
def test_products_grad(name, fn, shapes):
    if name.startswith("cdist_pinf"):
        pytest.skip("argmax-subgradient ties")
    check_grad(lambda L, *ts: fn(L, *ts), [(sample(s, "float64", seed=i), "float64") for i, s in enumerate(shapes)])


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ["mm", "matmul_32", "bmm", "mv", "addmm", "einsum_mm", "inner"])
def test_products_layouts(name, layout):
    fn, shapes = next((f, s) for n, f, s in PRODUCTS if n == name)
    check(lambda L: fn(L, *[T(L, s, "float64", seed=i, layout=layout) for i, s in enumerate(shapes)]))


INT_PRODUCTS = ["mm", "matmul_11", "matmul_21", "matmul_32", "bmm", "dot", "vdot", "mv", "outer", "addmm", "addmv",
                "addr", "baddbmm", "addbmm", "kron", "einsum_mm", "cross", "trapezoid", "inner", "tensordot"]


@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool", "float16", "complex64"])
@pytest.mark.parametrize("name", INT_PRODUCTS)
def test_products_dtypes(name, dtype):
    fn, shapes = next((f, s) for n, f, s in PRODUCTS if n == name)

    def go(L):
        ts = []
        for i, s in enumerate(shapes):
            base = "float64" if dtype == "complex64" else ("bool" if dtype == "bool" else "int64")
            a = sample(s, base, seed=i, low=-2, high=2)
            if dtype == "complex64":
                a = a + 1j * sample(s, "float64", seed=i + 7)
            if dtype == "uint8":
                a = np.abs(a)
            ts.append(make(L, a, dtype))
        return fn(L, *ts)
    check(go, rtol=1e-2 if dtype == "float16" else None, atol=1e-2 if dtype == "float16" else None, message=True)


def _o(L, *s, d="float32"):
    return L.ones(*s, dtype=getattr(L, d))


ERRORS = [
    lambda L: _o(L, 2, 3) @ _o(L, 2, 3),
    lambda L: _o(L, 2, 3) @ _o(L, 3, 2, d="float64"),
    lambda L: L.mm(_o(L, 2, 3, d="int64"), _o(L, 3, 2)),
    lambda L: L.mm(_o(L, 3), _o(L, 3, 2)),
    lambda L: L.mm(_o(L, 3, 2), _o(L, 2)),
    lambda L: L.matmul(_o(L, 3), _o(L, 3, d="float64")),
    lambda L: L.matmul(_o(L, 3), _o(L, 4)),
    lambda L: L.matmul(_o(L, 2, 3), _o(L, 4)),
    lambda L: L.matmul(_o(L, 2, 3), _o(L, 3, d="float64")),
    lambda L: L.matmul(_o(L, 3), _o(L, 4, 2)),
    lambda L: L.matmul(_o(L, 5, 2, 3), _o(L, 4, 2)),
    lambda L: L.matmul(_o(L, 5, 2, 3), _o(L, 5, 4, 2)),
    lambda L: L.matmul(_o(L, 5, 2, 3), _o(L, 4)),
    lambda L: L.matmul(_o(L, 4), _o(L, 5, 2, 3)),
    lambda L: L.matmul(_o(L, 2, 5, 2, 3), _o(L, 3, 3, 2)),
    lambda L: L.matmul(_o(L, 5, 2, 3), _o(L, 5, 3, 2, d="float64")),
    lambda L: L.matmul(_o(L, ()), _o(L, 3)),
    lambda L: L.bmm(_o(L, 2, 3), _o(L, 3, 2)),
    lambda L: L.bmm(_o(L, 2, 2, 3), _o(L, 3, 3, 2)),
    lambda L: L.bmm(_o(L, 2, 2, 3), _o(L, 2, 3, 2, d="float64")),
    lambda L: L.dot(_o(L, 3), _o(L, 4)),
    lambda L: L.dot(_o(L, 3, 1), _o(L, 3)),
    lambda L: L.dot(_o(L, 3, d="int64"), _o(L, 3)),
    lambda L: L.mv(_o(L, 2, 3), _o(L, 4)),
    lambda L: L.mv(_o(L, 2, 3, d="float64"), _o(L, 3)),
    lambda L: L.mv(_o(L, 2, 3), _o(L, 3, 1)),
    lambda L: L.outer(_o(L, 3, 1), _o(L, 2)),
    lambda L: L.addmm(_o(L, 2, 2), _o(L, 2, 3), _o(L, 3, 2, d="float64")),
    lambda L: L.addmm(_o(L, 2, 2), _o(L, 2, 3, d="float64"), _o(L, 3, 2)),
    lambda L: L.addmm(_o(L, 3, 3), _o(L, 2, 3), _o(L, 3, 2)),
    lambda L: L.addmm(_o(L, 2, 2), _o(L, 3), _o(L, 3, 2)),
    lambda L: L.addmv(_o(L, 3), _o(L, 2, 3), _o(L, 3)),
    lambda L: L.addmv(_o(L, 2, d="float64"), _o(L, 2, 3), _o(L, 3)),
    lambda L: L.addr(_o(L, 3, 3), _o(L, 2), _o(L, 3)),
    lambda L: L.addr(_o(L, 2, 3, d="int64"), _o(L, 2, d="int64"), _o(L, 3, d="int64"), alpha=0.5),
    lambda L: L.baddbmm(_o(L, 2, 2, 2, d="float64"), _o(L, 2, 2, 3), _o(L, 2, 3, 2)),
    lambda L: L.baddbmm(_o(L, 3, 2, 2), _o(L, 2, 2, 3), _o(L, 2, 3, 2)),
    lambda L: L.addbmm(_o(L, 2, 2), _o(L, 2, 2, 3), _o(L, 3, 3, 2)),
    lambda L: L.addbmm(_o(L, 2, 2), _o(L, 2, 2, 3), _o(L, 2, 4, 2)),
    lambda L: L.einsum("ij,jk", _o(L, 2, 3), _o(L, 3, 4, d="float64")),
    lambda L: L.einsum("i,i", _o(L, 2), _o(L, 3)),
    lambda L: L.einsum("ij", _o(L, 2, 3, 4)),
    lambda L: L.einsum("ij,jk", _o(L, 2, 3)),
    lambda L: L.tensordot(_o(L, 2, 3), _o(L, 3, 4, d="float64"), dims=1),
    lambda L: L.tensordot(_o(L, 2, 3), _o(L, 4, 4), dims=1),
    lambda L: L.tensordot(_o(L, 2, 3), _o(L, 3, 4)),
    lambda L: L.inner(_o(L, 2, 3), _o(L, 4)),
    lambda L: L.inner(_o(L, 2, 3), _o(L, 3, d="float64")),
    lambda L: L.cdist(_o(L, 3), _o(L, 4, 3)),
    lambda L: L.cdist(_o(L, 2, 3, d="int64"), _o(L, 4, 3, d="int64")),
    lambda L: L.cdist(_o(L, 2, 3), _o(L, 4, 3, d="float64")),
    lambda L: L.linalg.cross(_o(L, 2, 3), _o(L, 3)),
    lambda L: L.linalg.cross(_o(L, 3, 2), _o(L, 3, 2)),
    lambda L: L.linalg.cross(_o(L, 3), _o(L, 3, d="float64")),
    lambda L: L.linalg.multi_dot([_o(L, 3)]),
    lambda L: L.linalg.multi_dot([_o(L, 2, 3), _o(L, 3, 4, d="float64")]),
    lambda L: L.linalg.vecdot(_o(L, 3, d="int64"), _o(L, 3, d="int64")),
    lambda L: L.linalg.inv(_o(L, 2, 2)),
    lambda L: L.linalg.inv(L.zeros(3, 2, 2)),
    lambda L: L.linalg.inv(_o(L, 2, 3)),
    lambda L: L.linalg.inv(_o(L, 3)),
    lambda L: L.linalg.inv(_o(L, 2, 2, d="int64")),
    lambda L: L.linalg.inv(L.eye(2, dtype=L.float16)),
    lambda L: L.inverse(_o(L, 2, 2)),
    lambda L: L.linalg.det(_o(L, 2, 2, d="int64")),
    lambda L: L.linalg.det(_o(L, 2, 3)),
    lambda L: L.linalg.det(L.eye(2, dtype=L.float16)),
    lambda L: L.linalg.solve(_o(L, 2, 2), _o(L, 2)),
    lambda L: L.linalg.solve(L.zeros(3, 2, 2), _o(L, 3, 2)),
    lambda L: L.linalg.solve(L.eye(3), _o(L, 2)),
    lambda L: L.linalg.solve(L.eye(3), _o(L, 3, d="float64")),
    lambda L: L.linalg.svd(_o(L, 3, 2, d="int64")),
    lambda L: L.linalg.qr(_o(L, 3, 2), mode="x"),
    lambda L: L.linalg.eigh(_o(L, 3, 2)),
    lambda L: L.linalg.eigh(_o(L, 3, 3), UPLO="X"),
    lambda L: L.linalg.cholesky(_o(L, 3, 3)),
    lambda L: L.linalg.cholesky(L.zeros(2, 3, 3)),
    lambda L: L.linalg.matrix_power(_o(L, 3, 3), -1),
    lambda L: L.linalg.matrix_power(_o(L, 3, 2), 2),
    lambda L: L.linalg.matrix_exp(_o(L, 3, 3, d="int64")),
    lambda L: L.linalg.vector_norm(_o(L, 3, d="int64")),
    lambda L: L.linalg.vector_norm(_o(L, 0, 3), ord=float("inf")),
    lambda L: L.linalg.vector_norm(_o(L, 0), ord=-1.5),
    lambda L: L.linalg.matrix_norm(_o(L, 2, 3), ord=3),
    lambda L: L.linalg.matrix_norm(_o(L, 3)),
    lambda L: L.linalg.norm(_o(L, 2, 3, 4), ord=2),
    lambda L: L.linalg.norm(_o(L, 3), ord="fro"),
    lambda L: L.linalg.norm(_o(L, 2, 3, 4), dim=(0, 1, 2)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    (tl, tl_exc), (th, th_exc) = [(None, None), (None, None)]
    try:
        ERRORS[i](TH)
    except Exception as e:  # noqa: BLE001
        th_exc = e
    try:
        ERRORS[i](TL)
    except Exception as e:  # noqa: BLE001
        tl_exc = e
    assert th_exc is not None and tl_exc is not None, (th_exc, tl_exc)
    if isinstance(th_exc, TH.linalg.LinAlgError):   # torch._C._LinAlgError vs torchlike.linalg.LinAlgError
        assert isinstance(tl_exc, TL.linalg.LinAlgError) and isinstance(tl_exc, RuntimeError)
    else:
        assert type(tl_exc) is type(th_exc), (tl_exc, th_exc)
    assert str(tl_exc).split("\n")[0] == str(th_exc).split("\n")[0]


def test_integer_scalars_truncate():
    check(lambda L: L.addmm(T(L, (2, 2), "int64"), T(L, (2, 3), "int64", 1), T(L, (3, 2), "int64", 2),
                            alpha=1.7, beta=2.9))
    check(lambda L: L.baddbmm(T(L, (1, 2, 2), "int64"), T(L, (1, 2, 3), "int64", 1), T(L, (1, 3, 2), "int64", 2),
                              alpha=2, beta=0))


def test_beta_zero_ignores_nan():
    check(lambda L: L.addmm(L.full((2, 2), float("nan")), T(L, (2, 3)), T(L, (3, 2), seed=1), beta=0))


@pytest.mark.parametrize("name", ["mm", "matmul_21", "bmm", "dot", "mv", "outer", "addmm", "kron", "inner",
                                  "tensordot", "multi_dot"])
def test_out(name):
    fn, shapes = next((f, s) for n, f, s in PRODUCTS if n == name)

    def go(L):
        out = L.zeros(0, dtype=L.float64)
        r = fn_out(L, name, shapes, out)
        assert r is out
        return out
    check(go)


def fn_out(L, name, shapes, out):
    ts = [T(L, s, seed=i) for i, s in enumerate(shapes)]
    if name == "multi_dot":
        return L.linalg.multi_dot(ts, out=out)
    if name == "tensordot":
        return L.tensordot(*ts, dims=1, out=out)
    f = {"matmul_21": "matmul"}.get(name, name)
    return getattr(L, f)(*ts, out=out)


@pytest.mark.parametrize("name", ["addmm", "addmv", "addr", "baddbmm", "addbmm"])
def test_inplace(name):
    fn, shapes = next((f, s) for n, f, s in PRODUCTS if n == name)
    shapes = [(2, 4), (2, 3), (3, 4)] if name == "addmm" else shapes

    def go(L):
        ts = [T(L, s, seed=i) for i, s in enumerate(shapes)]
        r = getattr(ts[0], name + "_")(*ts[1:], beta=0.5, alpha=2)
        return r, ts[0]
    check(go)


# --- torch.linalg: determinants, inverses, solvers -----------------------------------------------------------

def SPD(L, n=3, batch=(), dtype="float64", seed=0):
    a = sample(batch + (n, n), "float64", seed)
    return make(L, a @ np.swapaxes(a, -1, -2) + n * np.eye(n), dtype)


LINALG = [
    ("det", lambda L, a: L.linalg.det(a), [(3, 3)]),
    ("det_batch", lambda L, a: L.det(a), [(2, 3, 3)]),
    ("det_method", lambda L, a: a.det(), [(1, 1)]),
    ("slogdet", lambda L, a: L.linalg.slogdet(a), [(2, 3, 3)]),
    ("slogdet_t", lambda L, a: L.slogdet(a), [(3, 3)]),
    ("logdet", lambda L, a: L.logdet(a), [(2, 3, 3)]),
    ("inv", lambda L, a: L.linalg.inv(a), [(2, 3, 3)]),
    ("inverse", lambda L, a: a.inverse(), [(3, 3)]),
    ("inv_ex", lambda L, a: L.linalg.inv_ex(a), [(3, 3)]),
    ("solve", lambda L, a, b: L.linalg.solve(a, b), [(3, 3), (3,)]),
    ("solve_mat", lambda L, a, b: L.linalg.solve(a, b), [(2, 3, 3), (3, 2)]),
    ("solve_batchvec", lambda L, a, b: L.linalg.solve(a, b), [(2, 3, 3), (2, 3)]),
    ("solve_left", lambda L, a, b: L.linalg.solve(a, b, left=False), [(3, 3), (2, 3)]),
    ("pinv", lambda L, a: L.linalg.pinv(a), [(4, 3)]),
    ("pinverse", lambda L, a: L.pinverse(a), [(2, 3, 4)]),
    ("matrix_power", lambda L, a: L.linalg.matrix_power(a, 3), [(2, 3, 3)]),
    ("matrix_power0", lambda L, a: L.matrix_power(a, 0), [(3, 3)]),
    ("matrix_power_neg", lambda L, a: a.matrix_power(-2), [(3, 3)]),
    ("matrix_exp", lambda L, a: L.linalg.matrix_exp(a), [(3, 3)]),
    ("svdvals", lambda L, a: L.linalg.svdvals(a), [(2, 4, 3)]),
    ("matrix_norm_fro", lambda L, a: L.linalg.matrix_norm(a), [(2, 3, 4)]),
    ("matrix_norm_nuc", lambda L, a: L.linalg.matrix_norm(a, "nuc"), [(3, 4)]),
    ("matrix_norm_2", lambda L, a: L.linalg.matrix_norm(a, 2, keepdim=True), [(2, 3, 4)]),
    ("matrix_norm_m2", lambda L, a: L.linalg.matrix_norm(a, -2), [(3, 4)]),
    ("matrix_norm_1", lambda L, a: L.linalg.matrix_norm(a, 1, dim=(0, 2)), [(3, 2, 4)]),
    ("matrix_norm_m1", lambda L, a: L.linalg.matrix_norm(a, -1), [(3, 4)]),
    ("matrix_norm_inf", lambda L, a: L.linalg.matrix_norm(a, float("inf"), keepdim=True), [(3, 4)]),
    ("matrix_norm_minf", lambda L, a: L.linalg.matrix_norm(a, -float("inf"), dim=(1, 0)), [(3, 4)]),
    ("vector_norm", lambda L, a: L.linalg.vector_norm(a), [(2, 3, 4)]),
    ("vector_norm_dim", lambda L, a: L.linalg.vector_norm(a, 3, dim=(0, 2), keepdim=True), [(2, 3, 4)]),
    ("vector_norm_1", lambda L, a: L.linalg.vector_norm(a, 1, dim=-1), [(2, 3)]),
    ("vector_norm_inf", lambda L, a: L.linalg.vector_norm(a, float("inf")), [(2, 3)]),
    ("vector_norm_0", lambda L, a: L.linalg.vector_norm(a, 0), [(2, 3)]),
    ("vector_norm_0d", lambda L, a: L.linalg.vector_norm(a), [()]),
    ("vector_norm_neg", lambda L, a: L.linalg.vector_norm(a, -1.5), [(4,)]),
    ("vector_norm_empty", lambda L, a: L.linalg.vector_norm(a, dim=1), [(0, 3)]),
    ("vector_norm_dtype", lambda L, a: L.linalg.vector_norm(a.float(), dtype=L.float64), [(3,)]),
    ("norm", lambda L, a: L.linalg.norm(a), [(2, 3, 4)]),
    ("norm_ord2", lambda L, a: L.linalg.norm(a, 2), [(3, 4)]),
    ("norm_vec_ord", lambda L, a: L.linalg.norm(a, 3), [(4,)]),
    ("norm_dim1", lambda L, a: L.linalg.norm(a, 2, dim=1), [(2, 3)]),
    ("norm_fro_dims", lambda L, a: L.linalg.norm(a, "fro", dim=(0, 1), keepdim=True), [(2, 3)]),
    ("norm_nuc", lambda L, a: L.linalg.norm(a, "nuc"), [(3, 3)]),
    ("cond", lambda L, a: L.linalg.cond(a), [(3, 3)]),
    ("matrix_rank", lambda L, a: L.linalg.matrix_rank(a), [(3, 4)]),
    ("lstsq", lambda L, a, b: L.linalg.lstsq(a, b).solution, [(4, 3), (4, 2)]),
    ("diagonal", lambda L, a: L.linalg.diagonal(a, offset=1, dim1=0, dim2=2), [(3, 2, 3)]),
]
NONDIFF = {"inv_ex", "matrix_rank", "diagonal", "cond", "vector_norm_0", "vector_norm_inf", "vector_norm_empty",
           "matrix_norm_inf", "matrix_norm_minf", "matrix_norm_1", "matrix_norm_m1", "pinv", "pinverse", "lstsq",
           "slogdet", "slogdet_t", "logdet", "vector_norm_dtype"}


def _linalg_inputs(L, shapes, dtype, layout="contig"):
    ts = []
    for i, s in enumerate(shapes):
        a = sample(s, "float64", seed=i)
        if len(s) >= 2 and s[-1] == s[-2]:
            a = a + 4 * np.eye(s[-1])      # well conditioned, positive determinant
        ts.append(make(L, a, dtype, layout))
    return ts


COMPLEX = ["det_batch", "slogdet", "logdet", "inv", "solve_mat", "solve_left", "pinv", "matrix_power_neg",
           "svdvals", "matrix_norm_nuc", "matrix_norm_1", "vector_norm_dim", "norm", "matrix_rank"]
LINALG_CASES = [(n, f, s, "float32") for n, f, s in LINALG] + [(n, f, s, "complex128") for n, f, s in LINALG
                                                               if n in COMPLEX]


@pytest.mark.parametrize("name,fn,shapes,dtype", LINALG_CASES, ids=[f"{p[0]}-{p[3]}" for p in LINALG_CASES])
def test_linalg_values(name, fn, shapes, dtype):      # float64: checked by test_linalg_grad
    def go(L):
        ts = _linalg_inputs(L, shapes, "float64")
        if dtype == "complex128":
            ts = [t * (1 + 0.5j) if t.dim() else t for t in ts]
        return rc(fn(L, *[t.to(getattr(L, dtype)) for t in ts]))
    check(go, rtol=1e-4 if dtype == "float32" else 1e-6, atol=1e-4 if dtype == "float32" else 1e-6)


@pytest.mark.parametrize("layout", ["transposed", "strided"])
@pytest.mark.parametrize("name", ["det", "inv", "solve_mat", "svdvals", "matrix_norm_2", "vector_norm_dim"])
def test_linalg_layouts(name, layout):
    fn, shapes = next((f, s) for n, f, s in LINALG if n == name)
    check(lambda L: fn(L, *_linalg_inputs(L, shapes, "float64", layout)), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name,fn,shapes", [p for p in LINALG if p[0] not in NONDIFF],
                         ids=[p[0] for p in LINALG if p[0] not in NONDIFF])
def test_linalg_grad(name, fn, shapes):
    inputs = []
    for i, s in enumerate(shapes):
        a = sample(s, "float64", seed=i)
        if len(s) >= 2 and s[-1] == s[-2]:
            a = a + 4 * np.eye(s[-1])
        inputs.append((a, "float64"))
    check_grad(lambda L, *ts: fn(L, *ts), inputs, rtol=1e-6, atol=1e-6)


def test_singular_values_info():
    check(lambda L: L.linalg.inv_ex(L.ones(3, 2, 2)))
    check(lambda L: L.linalg.cholesky_ex(L.ones(3, 3)).info)
    check(lambda L: L.linalg.slogdet(L.zeros(2, 2)))
    check(lambda L: L.logdet(-L.eye(3, dtype=L.float64)))
    check(lambda L: L.linalg.det(L.ones(0, 0)))
    check(lambda L: L.linalg.inv(L.ones(0, 0)))
    check(lambda L: L.linalg.matrix_rank(L.ones(3, 3)))
    check(lambda L: L.linalg.matrix_rank(L.ones(3, 3), hermitian=True))
    check(lambda L: L.linalg.matrix_rank(T(L, (2, 3, 3)), atol=0.5, rtol=0.1))


# --- decompositions: compare canonical parts and reconstructions ----------------------------------------------

def _recon(L, a, kind, **kw):   # .mT.conj(): core bug, torchlike's .mH does not conjugate
    if kind == "svd":
        U, S, Vh = L.linalg.svd(a, **kw)
        k = S.shape[-1]
        r = U[..., :, :k] @ (S[..., :, None].to(a.dtype) * Vh[..., :k, :])
        orth = U.mT.conj() @ U
        return (tuple(U.shape), tuple(Vh.shape)), S, r, orth
    if kind == "torch_svd":
        U, S, V = L.svd(a, **kw)
        return (tuple(U.shape), tuple(V.shape)), S, U @ (S[..., :, None].to(a.dtype) * V.mT.conj()), V.mT.conj() @ V
    if kind == "qr":
        Q, R = L.linalg.qr(a, **kw)
        return (tuple(Q.shape), tuple(R.shape)), R, Q @ R, Q.mT.conj() @ Q
    if kind == "eigh":
        w, V = L.linalg.eigh(a, **kw)
        return tuple(V.shape), w, (V * w[..., None, :].to(a.dtype)) @ V.mT.conj(), V.mT.conj() @ V
    if kind == "cholesky":
        C = L.linalg.cholesky(a, **kw)
        return tuple(C.shape), C, (C.mT.conj() @ C if kw.get("upper") else C @ C.mT.conj()), C


DECOMP = [
    ("svd", dict(), (4, 3)), ("svd", dict(full_matrices=False), (2, 3, 4)), ("torch_svd", dict(), (4, 3)),
    ("torch_svd", dict(some=False), (3, 4)), ("qr", dict(), (4, 3)), ("qr", dict(mode="complete"), (2, 4, 3)),
    ("qr", dict(), (3, 4)), ("eigh", dict(), (3, 3)), ("eigh", dict(UPLO="U"), (2, 4, 4)),
    ("cholesky", dict(), (3, 3)), ("cholesky", dict(upper=True), (2, 3, 3)),
]


@pytest.mark.parametrize("kind,kw,shape", DECOMP)
@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_decompositions(kind, kw, shape, dtype):
    def go(L):
        a = sample(shape, "float64", seed=3)
        if dtype == "complex128":
            a = a + 1j * sample(shape, "float64", seed=4)
        if kind in ("eigh", "cholesky"):
            a = a @ np.conj(np.swapaxes(a, -1, -2)) + shape[-1] * np.eye(shape[-1])
            if kind == "eigh":      # only one triangle is read
                a = np.tril(a) if kw.get("UPLO", "L") == "L" else np.triu(a)
        return rc(_recon(L, make(L, a, dtype), kind, **kw))
    check(go, rtol=1e-6, atol=1e-6)


def test_qr_r_mode_and_eig():
    check(lambda L: L.linalg.qr(T(L, (4, 3)), mode="r"))
    check(lambda L: L.qr(T(L, (4, 3))).R)

    def eig(L):
        a = T(L, (4, 4), seed=5)
        w, V = L.linalg.eig(a)
        wn = np.asarray(w.tolist())
        order = np.lexsort((np.round(wn.imag, 8), np.round(wn.real, 8)))
        recon = (V * w.reshape(1, 4)) @ L.linalg.inv(V)
        return w[L.tensor(order)], recon, L.linalg.eigvals(a)[L.tensor(order)]
    check(eig, rtol=1e-6, atol=1e-6)


def test_lstsq_drivers():
    for driver in [None, "gelsy", "gelsd", "gelss", "gels"]:
        check(lambda L: L.linalg.lstsq(T(L, (5, 3)), T(L, (5, 2), seed=1), driver=driver), rtol=1e-6, atol=1e-6)
    check(lambda L: L.linalg.lstsq(T(L, (2, 5, 3)), T(L, (2, 5), seed=1), driver="gelsd"), rtol=1e-6, atol=1e-6)


def test_linalg_out():
    check(lambda L: (lambda o: (L.linalg.inv(T(L, (3, 3)) + 3 * L.eye(3), out=o), o)[1])(L.zeros(3, 3,
                                                                                                  dtype=L.float64)))
    check(lambda L: (lambda o: (L.linalg.vector_norm(T(L, (3, 3)), out=o), o)[1])(L.zeros((), dtype=L.float64)))
    check(lambda L: (lambda o: (L.linalg.norm(T(L, (3, 3)), 2, out=o), o)[1])(L.zeros((), dtype=L.float64)))


def test_cross_default_dim():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda L: L.cross(T(L, (4, 3)), T(L, (1, 3), seed=1)))
        check(lambda L: L.cross(T(L, (3, 3)), T(L, (3, 3), seed=1)))
        check(lambda L: T(L, (3, 2)).cross(T(L, (3, 2), seed=1)))


# --- hypothesis ---------------------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=0, max_size=2), st.integers(1, 3), st.integers(1, 3),
       st.integers(1, 3), st.sampled_from([0, 1, 2]))
def test_matmul_hypothesis(batch, n, k, m, drop):
    sa = tuple(batch) + (n, k)
    sb = (k, m) if drop == 2 else (tuple(batch[1:]) + (k, m))
    if drop == 1:
        sa = (k,)
    check(lambda L: T(L, sa, "float64") @ T(L, sb, "float64", seed=1))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.sampled_from([2, 1, -1, float("inf"), -float("inf"), "fro", "nuc", -2]),
       st.booleans())
def test_matrix_norm_hypothesis(n, ord, keepdim):
    check(lambda L: L.linalg.matrix_norm(T(L, (2, n, 3)), ord, keepdim=keepdim), rtol=1e-6, atol=1e-6)
