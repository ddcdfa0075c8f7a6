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
