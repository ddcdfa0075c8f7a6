"""The public random API reproduces PyTorch's CPU streams bit for bit (the generator itself: tests/test_mt19937.py)."""
import numpy as np
import pytest
import torch as TH

import torchlike as TL
from _harness import compare


def same(fn, seed):
    out = []
    for lib in (TL, TH):
        lib.manual_seed(seed)
        out.append(fn(lib))
    compare(out[0], out[1], rtol=0, atol=0)


CALLS = {
    "rand": lambda lib: lib.rand(3, 5),
    "rand_f64": lambda lib: lib.rand(17, dtype=lib.float64),
    "randn_small": lambda lib: lib.randn(7),
    "randn_vec": lambda lib: lib.randn(4, 9),
    "randn_like": lambda lib: lib.randn_like(lib.zeros(33, dtype=lib.float64)),
    "rand_like": lambda lib: lib.rand_like(lib.zeros(2, 2)),
    "randint": lambda lib: lib.randint(10, (6,)),
    "randint_lohi": lambda lib: lib.randint(-5, 5, (3, 3), dtype=lib.int32),
    "randint_like": lambda lib: lib.randint_like(lib.zeros(4, dtype=lib.int16), 3, 9),
    "randperm": lambda lib: lib.randperm(25),
    "normal_scalar": lambda lib: lib.normal(2.0, 3.0, size=(20,)),
    "normal_tensor": lambda lib: lib.normal(lib.arange(5.0), lib.ones(5)),
    "uniform_": lambda lib: lib.empty(18).uniform_(-2, 2),
    "normal_": lambda lib: lib.empty(3, 6).normal_(1.0, 0.5),
    "random_": lambda lib: lib.empty(5, dtype=lib.int64).random_(0, 100),
    "bernoulli_": lambda lib: lib.empty(10).bernoulli_(0.3),
    "bernoulli": lambda lib: lib.bernoulli(lib.full((12,), 0.6)),
    "exponential_": lambda lib: lib.empty(9).exponential_(2.0),
    "geometric_": lambda lib: lib.empty(9).geometric_(0.4),
    "cauchy_": lambda lib: lib.empty(9).cauchy_(),
    "log_normal_": lambda lib: lib.empty(9).log_normal_(),
    "multinomial": lambda lib: lib.multinomial(lib.tensor([0.1, 0.5, 0.4]), 2),
    "multinomial_repl": lambda lib: lib.multinomial(lib.tensor([[0.1, 0.5, 0.4], [1.0, 1.0, 1.0]]), 5, True),
    "sequence": lambda lib: (lib.rand(5), lib.randn(17), lib.randint(0, 10, (3,)), lib.randperm(20), lib.randn(3)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("seed", [0, 510, 2**40 + 3])
def test_streams(name, seed):
    same(CALLS[name], seed)


def test_generator_objects_and_state():
    def go(lib):
        g = lib.Generator().manual_seed(7)
        a = lib.rand(4, generator=g)
        state = lib.get_rng_state()
        b = lib.randn(20)
        lib.set_rng_state(state)
        c = lib.randn(20)
        with lib.random.fork_rng():
            lib.rand(100)
        d = lib.rand(2)
        return a, b, c, d, g.initial_seed(), lib.initial_seed(), state.dtype, tuple(state.shape)
    same(go, 42)


def test_errors():
    for lib in (TL, TH):
        with pytest.raises(RuntimeError):
            lib.randint(5, 5, (2,))
        with pytest.raises(RuntimeError):
            lib.multinomial(lib.tensor([0.5, 0.5]), 3)
        with pytest.raises(RuntimeError):
            lib.rand(2, dtype=lib.int64)


def _cnn(lib):
    nn = lib.nn
    lib.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(8 * 13 * 13, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 10))


def test_seeded_cnn_init_dropout_and_shuffle_match_torch():
    """Same seed, same numbers: initial weights, a dropout mask, DataLoader(shuffle=True) order, random_split."""
    import numpy as np
    import torch as TH
    import torchlike as TL
    a, b = _cnn(TL), _cnn(TH)
    for (k, v), w in zip(a.state_dict().items(), b.state_dict().values()):
        np.testing.assert_array_equal(np.asarray(v._value()), w.numpy(), err_msg=k)
    masks = []
    for lib in (TL, TH):
        lib.manual_seed(3)
        masks.append(np.asarray(lib.nn.functional.dropout(lib.ones(64), 0.3).tolist()))
    np.testing.assert_array_equal(*masks)
    orders = []
    for lib in (TL, TH):
        lib.manual_seed(7)
        ds = lib.utils.data.TensorDataset(lib.arange(50))
        dl = lib.utils.data.DataLoader(ds, batch_size=8, shuffle=True)
        orders.append([x.tolist() for (x,) in dl] + [x.tolist() for (x,) in dl])
        split = lib.utils.data.random_split(ds, [30, 20], generator=lib.Generator().manual_seed(1))
        orders.append(list(split[0].indices))
    assert orders[0] == orders[2] and orders[1] == orders[3]


# ---- large float fills: the fused XLA NormalFill16 kernel (torchlike/_mt19937_normal.py) ---------------------
def _bytes_both(fn, seed):
    out = []
    for lib in (TL, TH):
        lib.manual_seed(seed)
        res = fn(lib)
        out.append([(r.numpy() if lib is TH else np.asarray(r._value())).tobytes() for r in res])
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("seed", [0, 97, 2**33 + 5])
def test_randn_large_bitexact(dtype, seed):
    """10**6 + 3 normals (a padded last kernel chunk, a tail of 3), then the stream continues identically."""
    a, b = _bytes_both(lambda lib: (lib.randn(10**6 + 3, dtype=getattr(lib, dtype)), lib.rand(5)), seed)
    assert a == b


@pytest.mark.parametrize("n", [15, 16, 17, 31, 33, 16 * 8191 + 5, 16 * 8192, 16 * 8192 + 1, 16 * 32768,
                               16 * 32769 + 7, 16 * 70000 + 9])
def test_randn_and_normal_sizes_bitexact(n):
    """Around the serial / NumPy / XLA thresholds and the chunk size, with and without std and mean."""
    def fn(lib):
        return (lib.randn(n), lib.empty(n).normal_(0.5, 0.02), lib.empty(n).normal_(-3.0, 7.5),
                lib.normal(1.25, 0.1, size=(n,)), lib.randn(n, dtype=lib.float64), lib.rand(3))
    a, b = _bytes_both(fn, 4321)
    assert a == b


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_randn_half_large_bitexact(dtype):
    a, b = _bytes_both(lambda lib: (lib.randn(16 * 9000 + 11, dtype=getattr(lib, dtype)).float(), lib.rand(3)), 11)
    assert a == b


def test_randn_numpy_path_matches_xla_path(monkeypatch):
    """The NumPy NormalFill16 (fallback) and the XLA kernel give the same bytes on a large fill."""
    from torchlike import _mt19937_normal as N
    outs = []
    for use in (True, False):
        monkeypatch.setattr(N, "USE_XLA", use)
        TL.manual_seed(5)
        outs.append((np.asarray(TL.randn(16 * 9000 + 3)._value()).tobytes(),
                     np.asarray(TL.empty(16 * 9000).normal_(2.0, 0.3)._value()).tobytes()))
    assert outs[0] == outs[1]


def test_xla_kernel_in_use():
    """On x86-64 / aarch64 CPUs the fused kernel passes its first-use check (else randn silently gets slower);
    the sizes of the tests above (9000 rows of 16 and more) take it."""
    from torchlike import _mt19937_normal as N
    assert N._xla() is not None and N._MIN_ROWS <= 9000 < N._CHUNK


@pytest.mark.parametrize("mode", ["contract", "double"])
def test_xla_kernel_exhaustive(mode):
    """Every one of the 2^24 radius inputs and 2^24 angle inputs, kernel against the NumPy reference."""
    from torchlike import _mt19937_normal as N
    kernel = N._build(mode)
    if kernel is None:
        pytest.skip(f"mode {mode!r} does not reproduce NormalFill16 on this platform (not used)")
    k = np.arange(1 << 24, dtype=np.uint32).reshape(-1, 8)
    raw = np.concatenate([k, k[::-1] | np.uint32(0x5A000000)], axis=1)     # radius and angle paired differently
    ref, got = np.empty(raw.shape, np.float32), np.empty(raw.shape, np.float32)
    for b in range(0, raw.shape[0], N._ROWS):
        N._fill16(raw[b:b + N._ROWS], ref[b:b + N._ROWS], np.float32(1), np.float32(0))
    chunks = iter(raw.reshape(-1, 16 * N._CHUNK))
    N._fill_xla(lambda n: next(chunks)[:n], raw.shape[0], got, np.float32(1), np.float32(0), kernel)
    np.testing.assert_array_equal(got.view(np.uint32), ref.view(np.uint32))


@pytest.mark.parametrize("mode", ["contract", "double"])
def test_xla_kernel_affine_matches_fma32(mode):
    """fma(x, std, mean) for awkward std / mean (ties after a double sum, tiny and huge results)."""
    from torchlike import _mt19937 as M, _mt19937_normal as N
    kernel = N._build(mode)
    if kernel is None:
        pytest.skip(f"mode {mode!r} not used on this platform")
    raw = np.random.RandomState(3).randint(0, 1 << 32, size=(N._CHUNK, 16), dtype=np.uint32)
    for std, mean in ((1 + 2**-23, 2**-24), (3.0, 1.0 + 2**-23), (2.0**-40, 2.0**-100), (2.0**-40, -2.0**-100),
                      (1e30, -1e31), (0.0, 2.5), (0.0, -0.0), (1.0, -0.0), (0.75, float("inf")), (1e-7, -1.0)):
        assert N._no_subnormals(std, mean)
        std, mean = np.float32(std), np.float32(mean)
        ref = np.empty(raw.shape, np.float32)
        for b in range(0, N._CHUNK, N._ROWS):
            N._fill16(raw[b:b + N._ROWS], ref[b:b + N._ROWS], np.float32(1), np.float32(0))
        with np.errstate(all="ignore"):
            ref = M._fma32(ref, std, mean)
        got = np.empty(raw.shape, np.float32)
        N._store(got, 0, N._CHUNK, N._launch(kernel, raw, N._params(kernel, std, mean)))
        np.testing.assert_array_equal(got.view(np.uint32), ref.view(np.uint32), err_msg=f"{std} {mean}")


def test_normal_tiny_std_mean_bitexact():
    """Subnormal std / mean / results: the kernel (which flushes subnormals) is not used; torch's bytes."""
    from torchlike import _mt19937_normal as N
    assert not N._no_subnormals(1e-30, 1e-38) and not N._no_subnormals(2.0**-140, 0.0)
    def fn(lib):
        return (lib.empty(16 * 9000).normal_(1e-38, 1e-30), lib.empty(16 * 9000 + 1).normal_(0.0, 2.0**-140),
                lib.empty(16 * 9000).normal_(-1e-39, 1.0))
    a, b = _bytes_both(fn, 8)
    assert a == b


def test_randn_with_jit_disabled_bitexact():
    """Under jax.disable_jit() nothing is fused (or contracted): the NumPy path gives torch's bytes."""
    import jax
    TH.manual_seed(6)
    want = TH.randn(16 * 9000 + 1).numpy().tobytes()
    TL.manual_seed(6)
    with jax.disable_jit():
        got = np.asarray(TL.randn(16 * 9000 + 1)._value()).tobytes()
    assert got == want
