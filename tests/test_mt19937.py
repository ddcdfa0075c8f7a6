"""Bit-for-bit comparison of torchlike._mt19937 against the installed PyTorch's CPU generator."""
import struct

import ml_dtypes
import numpy as np
import pytest
import torch

from torchlike._mt19937 import DEFAULT_SEED, MT19937Generator

SEEDS = [0, 1, 42, 510, 2**31, 2**40 + 3, -7]
SIZES = [(0,), (1,), (7,), (15,), (16,), (17,), (31,), (1000,), (3, 7)]
FLOATS = ["float32", "float64", "float16", "bfloat16"]
INTS = ["uint8", "int8", "int16", "int32", "int64", "bool"]
TD = {n: getattr(torch, n) for n in FLOATS + INTS + ["complex64", "complex128"]}


def to_np(t):
    t = t.detach()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.numpy()


def assert_same(ours, theirs, what=""):
    theirs = to_np(theirs) if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    ours = np.asarray(ours)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, (what, ours.dtype, ours.shape,
                                                                        theirs.dtype, theirs.shape)
    assert ours.tobytes() == theirs.tobytes(), (what, ours.ravel()[:8], theirs.ravel()[:8])


def run(torch_fn, our_fn, seeds=SEEDS, sizes=SIZES):
    """Same seed on both sides, then a sequence of calls (state carried over), then the state bytes."""
    g = MT19937Generator()
    for seed in seeds:
        tg = torch.Generator().manual_seed(seed)
        g.manual_seed(seed)
        for size in sizes:
            assert_same(our_fn(g, size), torch_fn(tg, size), (seed, size))
        assert_same(g.get_state(), tg.get_state(), ("state", seed))


def empty(size, dtype):
    return torch.empty(size, dtype=TD[dtype])


# ---- raw stream, seeding, state -----------------------------------------------------------------------------
def test_raw_stream():
    g = MT19937Generator(510)
    tg = torch.Generator().manual_seed(510)
    expected = torch.rand(6, generator=tg).numpy()
    assert_same((g.random_raw32(6) & 0xFFFFFF).astype(np.float32) * np.float32(2**-24), expected)
    full = torch.empty(9, dtype=torch.int64).random_(-2**63, None, generator=tg)
    assert_same(g.random_raw64(9).view(np.int64), full)
    assert_same(g.get_state(), tg.get_state())
    assert g.random_raw32(0).dtype == np.uint32 and g.random_raw64(3).dtype == np.uint64


def test_seeds_and_initial_seed():
    g = MT19937Generator()
    assert g.initial_seed() == DEFAULT_SEED == torch.Generator().initial_seed()
    assert_same(g.get_state(), torch.Generator().get_state())
    for seed in SEEDS + [2**64 - 1, -2**63, 2**32 + 5, np.int64(3)]:
        tg = torch.Generator().manual_seed(int(seed))
        g.manual_seed(seed)
        assert g.initial_seed() == tg.initial_seed()
        assert_same(g.get_state(), tg.get_state())
    for bad in (2**64, -2**63 - 1):
        with pytest.raises(ValueError, match="Overflow when unpacking long long"):
            g.manual_seed(bad)
        with pytest.raises(ValueError, match="Overflow when unpacking long long"):
            torch.Generator().manual_seed(bad)
    with pytest.raises(RuntimeError, match="manual_seed expected a long"):
        g.manual_seed(1.5)
    s = g.seed()
    assert isinstance(s, int) and 0 <= s < 2**64 and g.initial_seed() == s
    assert_same(g.get_state(), torch.Generator().manual_seed(s).get_state())


def test_state_roundtrip():
    tg = torch.Generator().manual_seed(123)
    torch.randn(5, generator=tg)                     # leaves a cached normal sample in the state
    torch.rand(100, generator=tg)
    g = MT19937Generator()
    g.set_state(tg.get_state().numpy())
    assert_same(g.get_state(), tg.get_state())
    assert_same(g.normal((3,), "float32"), torch.randn(3, generator=tg))
    assert_same(g.get_state(), tg.get_state())
    base = tg.get_state().numpy()
    for left, nxt in [(5, 0), (1, 300), (100, 20), (624, 0), (1, 624), (10, 615), (2, 623), (1, 0)]:
        st = base.copy()
        struct.pack_into("<iiQ", st, 8, left, 1, nxt)
        if left == 1 and nxt == 0:                   # also a cached float sample, unused on CPU
            struct.pack_into("<f?", st, 5048, 1.25, True)
        tg.set_state(torch.from_numpy(st.copy()))
        g.set_state(st)
        assert_same(g.get_state(), tg.get_state(), (left, nxt))
        for _ in range(2):
            assert_same(g.uniform((3,), "float32"), torch.rand(3, generator=tg), (left, nxt))
            assert_same(g.get_state(), tg.get_state(), (left, nxt))
        assert_same(g.normal((700,), "float32"), torch.randn(700, generator=tg), (left, nxt))
        assert_same(g.get_state(), tg.get_state(), (left, nxt))
    with pytest.raises(TypeError, match="ByteTensor"):
        g.set_state(base.astype(np.float32))
    with pytest.raises(RuntimeError, match="of size 5056 but found the input RNG state size to be 100"):
        g.set_state(base[:100])
    for field in (8, 12):                            # left == 0, seeded == 0
        st = base.copy()
        st[field:field + 4] = 0
        with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
            g.set_state(st)
        with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
            torch.Generator().set_state(torch.from_numpy(st))


def test_mixed_sequence():
    def torch_seq(tg, _):
        out = [torch.rand(5, generator=tg), torch.randn(17, generator=tg),
               torch.randint(0, 10, (3,), generator=tg), torch.randperm(20, generator=tg),
               torch.randn(3, generator=tg), torch.randn(1, generator=tg),
               torch.randn(2, dtype=torch.float64, generator=tg), torch.empty(4).log_normal_(generator=tg),
               torch.randn(16, generator=tg), torch.randn(1, generator=tg), torch.rand(2, 3, generator=tg),
               torch.multinomial(torch.tensor([0.2, 0.5, 0.3]), 4, True, generator=tg),
               torch.empty(5).exponential_(generator=tg), torch.randn(40, generator=tg)]
        return torch.cat([t.double().flatten() for t in out])

    def our_seq(g, _):
        out = [g.uniform((5,), "float32"), g.normal((17,), "float32"), g.randint(0, 10, (3,)), g.randperm(20),
               g.normal((3,), "float32"), g.normal((1,), "float32"), g.normal((2,), "float64"),
               g.log_normal((4,), "float32"), g.normal((16,), "float32"), g.normal((1,), "float32"),
               g.uniform((2, 3), "float32"), g.multinomial(np.array([0.2, 0.5, 0.3], np.float32), 4, True),
               g.exponential((5,), "float32"), g.normal((40,), "float32")]
        return np.concatenate([np.asarray(a, np.float64).ravel() for a in out])

    run(torch_seq, our_seq, sizes=[None, None])


# ---- continuous distributions -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
def test_rand_and_uniform(dtype):
    run(lambda tg, s: torch.rand(s, dtype=TD[dtype], generator=tg), lambda g, s: g.uniform(s, dtype))
    run(lambda tg, s: empty(s, dtype).uniform_(-3.3, 7.1, generator=tg), lambda g, s: g.uniform(s, dtype, -3.3, 7.1),
        seeds=SEEDS[:3])
    run(lambda tg, s: empty(s, dtype).uniform_(0.25, 0.5, generator=tg), lambda g, s: g.uniform(s, dtype, 0.25, 0.5),
        seeds=SEEDS[3:4])


@pytest.mark.parametrize("dtype", FLOATS)
def test_randn_and_normal(dtype):
    run(lambda tg, s: torch.randn(s, dtype=TD[dtype], generator=tg), lambda g, s: g.normal(s, dtype))
    run(lambda tg, s: empty(s, dtype).normal_(1.7, 3.3, generator=tg), lambda g, s: g.normal(s, dtype, 1.7, 3.3),
        seeds=SEEDS[:3])
    big = [(80003,), (300003,), (16 * 18000,)]       # the last ones run on worker threads
    run(lambda tg, s: torch.randn(s, dtype=TD[dtype], generator=tg), lambda g, s: g.normal(s, dtype),
        seeds=[5], sizes=big)
    run(lambda tg, s: empty(s, dtype).normal_(-2.0, 0.3, generator=tg), lambda g, s: g.normal(s, dtype, -2.0, 0.3),
        seeds=[6], sizes=big[1:2])


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_normal_tensor_mean_std(dtype):
    rs = np.random.RandomState(0)
    mean = torch.from_numpy(rs.randn(4, 5)).to(TD[dtype])
    std = torch.from_numpy(rs.rand(4, 5) + 0.1).to(TD[dtype])
    col, row = mean[:, :1].contiguous(), std[:1, :].contiguous()
    m, s, c, r = map(to_np, (mean, std, col, row))
    cases = [(lambda tg: torch.normal(mean, std, generator=tg), lambda g: g.normal((), dtype, m, s)),
             (lambda tg: torch.normal(mean, 2.5, generator=tg), lambda g: g.normal((), dtype, m, 2.5)),
             (lambda tg: torch.normal(1.5, std, generator=tg), lambda g: g.normal((), dtype, 1.5, s)),
             (lambda tg: torch.normal(col, row, generator=tg), lambda g: g.normal((), dtype, c, r))]
    for tf, of in cases:
        run(lambda tg, _: tf(tg), lambda g, _: of(g), seeds=SEEDS[:3], sizes=[None, None])


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex(dtype):
    run(lambda tg, s: torch.randn(s, dtype=TD[dtype], generator=tg), lambda g, s: g.normal(s, dtype),
        seeds=SEEDS[:2])
    run(lambda tg, s: torch.rand(s, dtype=TD[dtype], generator=tg), lambda g, s: g.uniform(s, dtype),
        seeds=SEEDS[:2])


@pytest.mark.parametrize("dtype", FLOATS)
def test_exponential_cauchy_log_normal(dtype):
    run(lambda tg, s: empty(s, dtype).exponential_(2.5, generator=tg), lambda g, s: g.exponential(s, dtype, 2.5))
    run(lambda tg, s: empty(s, dtype).cauchy_(generator=tg), lambda g, s: g.cauchy(s, dtype), seeds=SEEDS[:3])
    run(lambda tg, s: empty(s, dtype).cauchy_(0.5, 2.0, generator=tg), lambda g, s: g.cauchy(s, dtype, 0.5, 2.0),
        seeds=SEEDS[3:])
    run(lambda tg, s: empty(s, dtype).log_normal_(generator=tg), lambda g, s: g.log_normal(s, dtype),
        seeds=SEEDS[:3])
    run(lambda tg, s: empty(s, dtype).log_normal_(0.3, 0.7, generator=tg),
        lambda g, s: g.log_normal(s, dtype, 0.3, 0.7), seeds=SEEDS[3:])


@pytest.mark.parametrize("dtype", FLOATS + INTS[:-1])
def test_geometric(dtype):
    run(lambda tg, s: empty(s, dtype).geometric_(0.2, generator=tg), lambda g, s: g.geometric(s, dtype, 0.2))


# ---- discrete distributions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS + INTS)
def test_random_default(dtype):
    run(lambda tg, s: empty(s, dtype).random_(generator=tg), lambda g, s: g.random_(s, dtype))


@pytest.mark.parametrize("dtype", FLOATS + INTS)
def test_random_ranges(dtype):
    lo, hi = (0, 2) if dtype == "bool" else (3, 50)
    run(lambda tg, s: empty(s, dtype).random_(lo, hi, generator=tg), lambda g, s: g.random_(s, dtype, lo, hi),
        seeds=SEEDS[:4])
    run(lambda tg, s: empty(s, dtype).random_(hi, generator=tg), lambda g, s: g.random_(s, dtype, None, hi),
        seeds=SEEDS[4:])
    if dtype != "bool":
        run(lambda tg, s: empty(s, dtype).random_(5, None, generator=tg), lambda g, s: g.random_(s, dtype, 5, None),
            seeds=SEEDS[:2])
    if dtype in ("int64", "float32", "float64", "bfloat16"):
        run(lambda tg, s: empty(s, dtype).random_(-2**63, None, generator=tg),
            lambda g, s: g.random_(s, dtype, -2**63, None), seeds=SEEDS[:2])
    if dtype in ("float16", "int16"):
        hi = 65504 if dtype == "float16" else 30000
        run(lambda tg, s: empty(s, dtype).random_(-hi, hi, generator=tg),
            lambda g, s: g.random_(s, dtype, -hi, hi), seeds=SEEDS[:1])


@pytest.mark.parametrize("bounds", [(0, 10), (-5, 5), (0, 2**28 - 1), (0, 2**28), (0, 2**28 + 1),
                                    (-2**40, 2**40), (0, 2**32), (0, 2**32 + 1), (-2**63, 2**63 - 1)])
def test_randint(bounds):
    lo, hi = bounds
    run(lambda tg, s: torch.randint(lo, hi, s, generator=tg), lambda g, s: g.randint(lo, hi, s))
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to'"):
        MT19937Generator().randint(hi, lo, (2,))


@pytest.mark.parametrize("dtype", ["int32", "float32", "float64"])
def test_randint_dtypes(dtype):
    run(lambda tg, s: torch.randint(-20, 20, s, dtype=TD[dtype], generator=tg),
        lambda g, s: g.randint(-20, 20, s, dtype), seeds=SEEDS[:3])


def test_randperm():
    for dtype in ("int64", "int32", "float32"):
        run(lambda tg, s: torch.randperm(s[0], dtype=TD[dtype], generator=tg),
            lambda g, s: g.randperm(s[0], dtype), sizes=[(0,), (1,), (2,), (7,), (20,), (1000,)])
    run(lambda tg, s: torch.randperm(s[0], generator=tg), lambda g, s: g.randperm(s[0]), seeds=[3],
        sizes=[(100000,)])


@pytest.mark.parametrize("dtype", FLOATS + INTS)
def test_bernoulli_scalar(dtype):
    run(lambda tg, s: empty(s, dtype).bernoulli_(0.3, generator=tg), lambda g, s: g.bernoulli(0.3, s, dtype))


@pytest.mark.parametrize("pdtype", FLOATS)
def test_bernoulli_tensor(pdtype):
    p = torch.rand(3, 7, generator=torch.Generator().manual_seed(9)).to(TD[pdtype])
    pn = to_np(p)
    run(lambda tg, _: torch.bernoulli(p, generator=tg), lambda g, _: g.bernoulli(pn, None, pdtype),
        sizes=[None, None])
    for out in ("float32", "bool", "int64", "float16"):
        run(lambda tg, _: empty((3, 7), out).bernoulli_(p, generator=tg), lambda g, _: g.bernoulli(pn, (3, 7), out),
            seeds=SEEDS[:2], sizes=[None])
    row = p[1].contiguous()                          # p broadcast over self
    run(lambda tg, _: empty((4, 7), "float32").bernoulli_(row, generator=tg),
        lambda g, _: g.bernoulli(to_np(row), (4, 7), "float32"), seeds=SEEDS[:2], sizes=[None])


PROBS = [np.array([0.1, 0.2, 0.3, 0.4]), np.random.RandomState(0).rand(3, 7),
         np.random.RandomState(1).rand(5, 100), np.array([0, 1, 0, 2, 0, 0.5]),
         np.random.RandomState(2).randint(0, 3, (4, 40)).astype(float) + 0.5]


@pytest.mark.parametrize("dtype", FLOATS)
def test_multinomial(dtype):
    for probs in PROBS:
        pt = torch.from_numpy(probs).to(TD[dtype])
        pn = to_np(pt)
        for k, rep in [(1, False), (1, True), (3, False), (4, True), (50, True), (probs.shape[-1], False)]:
            run(lambda tg, _: torch.multinomial(pt, k, rep, generator=tg), lambda g, _: g.multinomial(pn, k, rep),
                seeds=SEEDS[:4], sizes=[None, None])


def test_errors_match_torch():
    g = MT19937Generator()
    int8, long = torch.empty(2, dtype=torch.int8), torch.empty(2, dtype=torch.long)
    for ours, theirs in [(lambda: g.uniform((2,), "float32", 2, 1), lambda: torch.empty(2).uniform_(2, 1)),
                         (lambda: g.normal((2,), "float32", 0, -1), lambda: torch.empty(2).normal_(0, -1)),
                         (lambda: g.geometric((2,), "float32", 1.5), lambda: torch.empty(2).geometric_(1.5)),
                         (lambda: g.exponential((2,), "int64"), lambda: long.exponential_()),
                         (lambda: g.random_((2,), "int8", 0, 300), lambda: int8.random_(0, 300))]:
        with pytest.raises(RuntimeError) as ours_err:
            ours()
        with pytest.raises(RuntimeError) as theirs_err:
            theirs()
        assert str(ours_err.value).split(",")[0][:25] == str(theirs_err.value).split(",")[0][:25]
