"""Joining and rearranging against PyTorch: cat/stack family, flips, roll, rot90, repeat/tile/repeat_interleave,
diag family, trace, tril/triu, histc, meshgrid, broadcasting helpers, block_diag, cartesian_prod, combinations,
atleast_nd, split functions; gradients."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from _harness import check, check_grad, make, sample

A = sample((3, 4), "float32", seed=1)
B = sample((2, 4), "float32", seed=2)
V = sample((4,), "float32", seed=3)
C = sample((2, 3, 4), "float32", seed=4)


def T(lib, a, dtype="float32", layout="contig"):
    return make(lib, a, dtype, layout)


CASES = [
    ("cat", lambda lib: lib.cat([T(lib, A), T(lib, B)])),
    ("cat_dim1", lambda lib: lib.cat((T(lib, A), T(lib, A, layout="transposed")), 1)),
    ("cat_neg", lambda lib: lib.cat([T(lib, A), T(lib, A)], dim=-1)),
    ("cat_promote", lambda lib: lib.cat([T(lib, A), T(lib, A, "float64"), T(lib, A, "int64")])),
    ("cat_int_bool", lambda lib: lib.cat([T(lib, A, "int32"), T(lib, A > 0, "bool")])),
    ("cat_empty1d", lambda lib: lib.cat([lib.tensor([]), T(lib, A), lib.zeros(0)])),
    ("cat_empty1d_int", lambda lib: lib.cat([lib.tensor([], dtype=lib.float64), T(lib, A, "int64")])),
    ("cat_single", lambda lib: lib.cat([T(lib, A)])),
    ("cat_empty_rows", lambda lib: lib.cat([lib.zeros(0, 4), T(lib, A)])),
    ("concat", lambda lib: lib.concat([T(lib, A), T(lib, B)])),
    ("concatenate", lambda lib: lib.concatenate([T(lib, A), T(lib, B)], axis=0)),
    ("stack", lambda lib: lib.stack([T(lib, A), T(lib, A, layout="strided")])),
    ("stack_dim", lambda lib: lib.stack([T(lib, A), T(lib, A)], 2)),
    ("stack_neg", lambda lib: lib.stack([T(lib, V), T(lib, V, "int64")], -1)),
    ("stack_0d", lambda lib: lib.stack([lib.tensor(1.0), lib.tensor(2.0)])),
    ("hstack", lambda lib: lib.hstack([T(lib, A), T(lib, A)])),
    ("hstack_1d", lambda lib: lib.hstack([T(lib, V), T(lib, V)])),
    ("vstack", lambda lib: lib.vstack([T(lib, A), T(lib, B)])),
    ("vstack_1d", lambda lib: lib.vstack([T(lib, V), T(lib, V)])),
    ("row_stack", lambda lib: lib.row_stack([T(lib, V), T(lib, A)])),
    ("dstack", lambda lib: lib.dstack([T(lib, A), T(lib, A)])),
    ("dstack_1d", lambda lib: lib.dstack([T(lib, V), T(lib, V)])),
    ("column_stack", lambda lib: lib.column_stack([T(lib, V), T(lib, A.T)])),
    ("column_stack_0d", lambda lib: lib.column_stack([lib.tensor(1.0), lib.tensor([2.0])])),
    ("flip", lambda lib: lib.flip(T(lib, C), [0, 2])),
    ("flip_method", lambda lib: T(lib, C).flip(-1)),
    ("flip_tuple", lambda lib: T(lib, A, layout="transposed").flip((0, 1))),
    ("flip_0d", lambda lib: lib.flip(lib.tensor(1.0), [])),
    ("fliplr", lambda lib: lib.fliplr(T(lib, A))),
    ("flipud", lambda lib: lib.flipud(T(lib, C))),
    ("roll_flat", lambda lib: lib.roll(T(lib, A), 3)),
    ("roll_dim", lambda lib: T(lib, A).roll(-1, 1)),
    ("roll_multi", lambda lib: lib.roll(T(lib, C), (1, -2), (0, 2))),
    ("roll_big", lambda lib: lib.roll(T(lib, A), 13, 0)),
    ("rot90", lambda lib: lib.rot90(T(lib, A))),
    ("rot90_k", lambda lib: lib.rot90(T(lib, C), 2, [1, 2])),
    ("rot90_neg", lambda lib: T(lib, A).rot90(-1, [0, 1])),
    ("rot90_k3", lambda lib: lib.rot90(T(lib, A), 3)),
    ("repeat", lambda lib: T(lib, A).repeat(2, 1)),
    ("repeat_more", lambda lib: T(lib, V).repeat(2, 1, 3)),
    ("repeat_tuple", lambda lib: T(lib, A, layout="transposed").repeat((1, 2))),
    ("repeat_0d", lambda lib: lib.tensor(2.0).repeat(3)),
    ("repeat_zero", lambda lib: T(lib, A).repeat(0, 2)),
    ("tile", lambda lib: lib.tile(T(lib, A), (2,))),
    ("tile_more", lambda lib: T(lib, V).tile((2, 2))),
    ("repeat_interleave", lambda lib: lib.repeat_interleave(T(lib, A), 2)),
    ("repeat_interleave_dim", lambda lib: T(lib, A).repeat_interleave(2, dim=1)),
    ("repeat_interleave_tensor", lambda lib: lib.repeat_interleave(T(lib, A), lib.tensor([1, 0, 2]), dim=0)),
    ("repeat_interleave_out_size", lambda lib: lib.repeat_interleave(T(lib, A), lib.tensor([1, 0, 2]), 0, output_size=3)),
    ("repeat_interleave_only", lambda lib: lib.repeat_interleave(lib.tensor([2, 0, 3]))),
    ("repeat_interleave_0d_rep", lambda lib: lib.repeat_interleave(T(lib, V), lib.tensor(2))),
    ("diag_1d", lambda lib: lib.diag(T(lib, V))),
    ("diag_1d_off", lambda lib: lib.diag(T(lib, V), -2)),
    ("diag_2d", lambda lib: lib.diag(T(lib, A), 1)),
    ("diag_2d_method", lambda lib: T(lib, A, layout="transposed").diag()),
    ("diag_embed", lambda lib: lib.diag_embed(T(lib, A))),
    ("diag_embed_off", lambda lib: lib.diag_embed(T(lib, A), 1, 0, 2)),
    ("diag_embed_neg", lambda lib: T(lib, C).diag_embed(-1, dim1=-1, dim2=0)),
    ("diagflat", lambda lib: lib.diagflat(T(lib, A))),
    ("diagflat_off", lambda lib: lib.diagflat(T(lib, V), -1)),
    ("trace", lambda lib: lib.trace(T(lib, A))),
    ("trace_int", lambda lib: lib.trace(T(lib, A, "int32"))),
    ("trace_bool", lambda lib: T(lib, A, "bool").trace()),
    ("tril", lambda lib: lib.tril(T(lib, A))),
    ("tril_k", lambda lib: T(lib, C).tril(-1)),
    ("triu", lambda lib: lib.triu(T(lib, A), 1)),
    ("triu_batch", lambda lib: T(lib, C, layout="transposed").triu(-2)),
    ("tril_", lambda lib: T(lib, A).tril_(1)),
    ("triu_", lambda lib: T(lib, A).triu_()),
    ("histc", lambda lib: lib.histc(T(lib, A), 5)),
    ("histc_range", lambda lib: lib.histc(T(lib, A, "float64"), bins=4, min=-1, max=1)),
    ("histc_const", lambda lib: lib.histc(lib.ones(4), 3)),
    ("histc_empty", lambda lib: lib.histc(lib.zeros(0), 3)),
    ("meshgrid_ij", lambda lib: lib.meshgrid(T(lib, V), lib.tensor([1.0, 2.0]), indexing="ij")),
    ("meshgrid_xy", lambda lib: lib.meshgrid(T(lib, V), lib.tensor([1.0, 2.0]), indexing="xy")),
    ("meshgrid_xy3", lambda lib: lib.meshgrid([T(lib, V), lib.tensor([1.0, 2.0]), lib.tensor([5.0, 6.0, 7.0])],
                                              indexing="xy")),
    ("meshgrid_one", lambda lib: lib.meshgrid(T(lib, V), indexing="xy")),
    ("broadcast_tensors", lambda lib: lib.broadcast_tensors(T(lib, A), T(lib, V), lib.tensor(1))),
    ("broadcast_shapes", lambda lib: lib.broadcast_shapes((3, 1), (4,), 1, (1, 1, 1))),
    ("block_diag", lambda lib: lib.block_diag(T(lib, A), T(lib, V), lib.tensor(7.0), T(lib, B, "float64"))),
    ("block_diag_empty", lambda lib: lib.block_diag()),
    ("cartesian_prod", lambda lib: lib.cartesian_prod(T(lib, V), lib.tensor([1.0, 2.0]))),
    ("cartesian_prod_one", lambda lib: lib.cartesian_prod(T(lib, V))),
    ("combinations", lambda lib: lib.combinations(T(lib, V))),
    ("combinations_r3", lambda lib: lib.combinations(T(lib, V), 3)),
    ("combinations_repl", lambda lib: lib.combinations(T(lib, V), with_replacement=True)),
    ("atleast_1d", lambda lib: (lib.atleast_1d(lib.tensor(1.0)), lib.atleast_1d(T(lib, A)))),
    ("atleast_2d", lambda lib: (lib.atleast_2d(lib.tensor(1.0)), lib.atleast_2d(T(lib, V)), lib.atleast_2d(T(lib, C)))),
    ("atleast_3d", lambda lib: (lib.atleast_3d(lib.tensor(1.0)), lib.atleast_3d(T(lib, V)), lib.atleast_3d(T(lib, A)))),
    ("atleast_seq", lambda lib: lib.atleast_2d(T(lib, V), lib.tensor(1.0))),
    ("atleast_list", lambda lib: lib.atleast_3d([T(lib, V), T(lib, A)])),
    ("split_fn", lambda lib: lib.split(T(lib, A), 2)),
    ("split_sizes_fn", lambda lib: lib.split(T(lib, A), [1, 3], dim=1)),
    ("chunk_fn", lambda lib: lib.chunk(T(lib, A), 2, 1)),
    ("hsplit", lambda lib: lib.hsplit(T(lib, A), 2)),
    ("hsplit_idx", lambda lib: T(lib, A).hsplit([1, 3])),
    ("vsplit", lambda lib: lib.vsplit(T(lib, C), [1])),
    ("dsplit", lambda lib: lib.dsplit(T(lib, C), 2)),
    ("unbind_fn", lambda lib: lib.unbind(T(lib, A), 1)),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_joining(name, fn):
    check(fn)



ERRORS = [
    ("cat_empty_list", lambda lib: lib.cat([])),
    ("cat_0d", lambda lib: lib.cat([lib.tensor(1.0), lib.tensor(2.0)])),
    ("cat_shape", lambda lib: lib.cat([T(lib, A), T(lib, A.T)])),
    ("cat_ndim", lambda lib: lib.cat([T(lib, A), T(lib, V)])),
    ("cat_dim_oob", lambda lib: lib.cat([T(lib, A), T(lib, A)], 2)),
    ("cat_tensor_arg", lambda lib: lib.cat(T(lib, A))),
    ("stack_shape", lambda lib: lib.stack([T(lib, A), T(lib, B)])),
    ("stack_empty", lambda lib: lib.stack([])),
    ("stack_dim_oob", lambda lib: lib.stack([T(lib, A)], 3)),
    ("flip_dup", lambda lib: lib.flip(T(lib, A), [0, 0])),
    ("flip_oob", lambda lib: lib.flip(T(lib, A), [2])),
    ("fliplr_1d", lambda lib: lib.fliplr(T(lib, V))),
    ("flipud_0d", lambda lib: lib.flipud(lib.tensor(1.0))),
    ("roll_mismatch", lambda lib: lib.roll(T(lib, A), (1, 2), (0,))),
    ("rot90_dims", lambda lib: lib.rot90(T(lib, A), 1, [0, 0])),
    ("rot90_ndims", lambda lib: lib.rot90(T(lib, V))),
    ("repeat_few", lambda lib: T(lib, A).repeat(2)),
    ("repeat_neg", lambda lib: T(lib, A).repeat(-1, 1)),
    ("repeat_interleave_neg", lambda lib: lib.repeat_interleave(T(lib, V), -1)),
    ("repeat_interleave_len", lambda lib: lib.repeat_interleave(T(lib, V), lib.tensor([1, 2]), 0)),
    ("diag_3d", lambda lib: lib.diag(T(lib, C))),
    ("trace_3d", lambda lib: lib.trace(T(lib, C))),
    ("tril_1d", lambda lib: lib.tril(T(lib, V))),
    ("triu_1d", lambda lib: lib.triu(T(lib, V))),
    ("histc_int", lambda lib: lib.histc(T(lib, A, "int64"))),
    ("histc_bins", lambda lib: lib.histc(T(lib, A), 0)),
    ("histc_range", lambda lib: lib.histc(T(lib, A), 3, 2, 1)),
    ("meshgrid_2d", lambda lib: lib.meshgrid(T(lib, A), indexing="ij")),
    ("meshgrid_bad", lambda lib: lib.meshgrid(T(lib, V), indexing="foo")),
    pytest.param("broadcast_tensors_bad", lambda lib: lib.broadcast_tensors(T(lib, A), T(lib, B))),
    pytest.param("broadcast_shapes_bad", lambda lib: lib.broadcast_shapes((3,), (4,))),
    ("block_diag_3d", lambda lib: lib.block_diag(T(lib, C))),
    ("cartesian_prod_2d", lambda lib: lib.cartesian_prod(T(lib, A))),
    ("combinations_2d", lambda lib: lib.combinations(T(lib, A))),
    ("hsplit_0d", lambda lib: lib.hsplit(lib.tensor(1.0), 1)),
    ("hsplit_uneven", lambda lib: lib.hsplit(T(lib, A), 3)),
    ("vsplit_1d", lambda lib: lib.vsplit(T(lib, V), 2)),
]


@pytest.mark.parametrize("name,fn", ERRORS)
def test_joining_errors(name, fn):
    check(fn, message=name not in ("cat_tensor_arg", "meshgrid_2d", "flip_oob"))


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int16", "int64", "float16", "bfloat16", "float64", "complex64"])
def test_joining_dtypes(dtype):
    a = sample((3, 4), dtype if dtype != "complex64" else "float32", seed=6)

    def go(lib):
        x = make(lib, a, dtype)
        return (lib.cat([x, x]), lib.stack([x, x], 1), lib.flip(x, [0]), lib.roll(x, 1, 1), lib.rot90(x),
                x.repeat(2, 1), lib.tile(x, (2,)), x.repeat_interleave(2, 0), lib.diag(x), lib.tril(x), lib.triu(x, 1),
                lib.diag_embed(x), lib.hstack([x, x]), lib.vstack([x, x]), lib.dstack([x, x]), lib.block_diag(x, x))
    check(go)


def test_out_variants():
    def go(lib):
        x = T(lib, A)
        outs = [lib.empty(0) for _ in range(7)]
        lib.cat([x, x], out=outs[0])
        lib.stack([x, x], out=outs[1])
        lib.hstack([x, x], out=outs[2])
        lib.vstack([x, x], out=outs[3])
        lib.tril(x, out=outs[4])
        lib.diag(x, out=outs[5])
        lib.histc(x, 4, out=outs[6])
        o = lib.empty(6, 4, dtype=lib.float64)
        r = lib.cat([x, x], out=o)
        return outs, o, r is o
    check(go)


GRADS = [
    ("cat", lambda lib, x, y: lib.cat([x, y, x], 0), [(3, 4), (2, 4)]),
    ("cat_dim1", lambda lib, x, y: lib.cat([x.t(), y.t()], 1), [(3, 4), (2, 4)]),
    ("stack", lambda lib, x, y: lib.stack([x, y * 2], 1), [(3, 4), (3, 4)]),
    ("hstack", lambda lib, x, y: lib.hstack([x, y]), [(3, 4), (3, 2)]),
    ("vstack", lambda lib, x, y: lib.vstack([x, y]), [(3, 4), (2, 4)]),
    ("flip", lambda lib, x: x.flip(0) * lib.arange(4.0), [(3, 4)]),
    ("roll", lambda lib, x: lib.roll(x, (1, 2), (0, 1)) * lib.arange(4.0), [(3, 4)]),
    ("rot90", lambda lib, x: lib.rot90(x) ** 2, [(3, 4)]),
    ("repeat", lambda lib, x: x.repeat(2, 3) ** 2, [(3, 4)]),
    ("tile", lambda lib, x: x.tile((2, 1, 1)) ** 2, [(3, 4)]),
    ("repeat_interleave", lambda lib, x: x.repeat_interleave(lib.tensor([1, 2, 0]), 0) ** 2, [(3, 4)]),
    ("diag", lambda lib, x: lib.diag(x, 1) ** 2, [(3, 4)]),
    ("diag_1d", lambda lib, x: lib.diag(x) ** 2, [(4,)]),
    ("diag_embed", lambda lib, x: lib.diag_embed(x, 1) ** 2, [(3, 4)]),
    ("diagflat", lambda lib, x: lib.diagflat(x) ** 2, [(2, 2)]),
    ("trace", lambda lib, x: lib.trace(x) ** 2, [(3, 4)]),
    ("tril", lambda lib, x: x.tril(1) ** 2, [(3, 4)]),
    ("triu", lambda lib, x: x.triu(-1) ** 2, [(3, 4)]),
    ("block_diag", lambda lib, x, y: lib.block_diag(x, y) ** 2, [(3, 4), (2, 2)]),
    ("meshgrid", lambda lib, x, y: lib.meshgrid(x, y, indexing="xy")[0] * lib.meshgrid(x, y, indexing="xy")[1],
     [(4,), (3,)]),
    ("cartesian_prod", lambda lib, x, y: lib.cartesian_prod(x, y) ** 2, [(4,), (3,)]),
    ("broadcast_tensors", lambda lib, x, y: lib.broadcast_tensors(x, y)[1] * 2, [(3, 4), (4,)]),
]


@pytest.mark.parametrize("name,fn,shapes", GRADS, ids=[g[0] for g in GRADS])
def test_joining_grads(name, fn, shapes):
    check_grad(fn, [(sample(s, "float64", seed=i), "float64") for i, s in enumerate(shapes)])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=2), st.integers(-3, 3), st.data())
def test_hypothesis_roll_flip_cat(shape, shift, data):
    n = len(shape)
    dim = data.draw(st.integers(-n, n - 1))
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)

    def go(lib):
        x = lib.tensor(a)
        return (lib.roll(x, shift, dim), lib.roll(x, shift), lib.flip(x, [dim]), lib.cat([x, x * 2], dim),
                lib.stack([x, x], dim), x.repeat_interleave(abs(shift) + 1, dim))
    check(go)
