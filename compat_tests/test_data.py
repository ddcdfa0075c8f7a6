"""torch.utils.data: datasets, samplers, collation and the single-process DataLoader, compared with PyTorch."""
from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest
import torch as TH

import torchlike as TL
from _harness import check


def flat(x):
    """Batches as comparable values: dicts become sorted (key, value) tuples, other containers stay."""
    if isinstance(x, dict):
        return tuple((k, flat(v)) for k, v in sorted(x.items(), key=lambda kv: str(kv[0])))
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__,) + tuple(flat(v) for v in x)
    if isinstance(x, (list, tuple)):
        return type(x)(flat(v) for v in x)
    if isinstance(x, bytes):
        return "bytes:" + x.decode()
    return x


def batches(loader, epochs=1):
    return [flat(b) for _ in range(epochs) for b in loader]


def tensor_ds(lib, n=10):
    return lib.utils.data.TensorDataset(lib.arange(n * 2, dtype=lib.float32).reshape(n, 2), lib.arange(n))


class _Squares:
    """A map-style dataset returning mixed Python/NumPy/tensor samples (made a Dataset of each library)."""

    def __init__(self, lib, n=7):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": self.lib.tensor([i, i * i], dtype=self.lib.float32), "i": i, "f": i / 2, "name": f"s{i}",
                "np": np.full((2,), i, dtype=np.int32), "npf": np.float32(i)}


def squares(lib, n=7):
    return type("Squares", (_Squares, lib.utils.data.Dataset), {})(lib, n)


def counting_iterable(lib, n=7):
    class Counting(lib.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(n))

        def __len__(self):
            return n
    return Counting()


# --- datasets --------------------------------------------------------------------------------------------------

def test_tensor_dataset():
    check(lambda lib: (len(tensor_ds(lib)), tensor_ds(lib)[3], tensor_ds(lib)[2:4]))
    check(lambda lib: lib.utils.data.TensorDataset(lib.ones(3), lib.ones(4)), message=True)


def test_concat_subset_stack_chain():
    def go(lib):
        D = lib.utils.data
        a, b = tensor_ds(lib, 4), tensor_ds(lib, 3)
        cat = a + b
        sub = D.Subset(cat, [6, 0, 3])
        st = D.StackDataset(a, D.Subset(b, [0, 1, 2, 0]))
        named = D.StackDataset(p=a, q=D.Subset(b, [2, 1, 0, 0]))
        chain = counting_iterable(lib, 3) + counting_iterable(lib, 2)
        return (len(cat), cat[5], cat[-1], cat.cumulative_sizes, len(sub), sub[0], sub.__getitems__([1, 2]),
                len(st), st[1], st.__getitems__([0, 3]), flat(named[2]), [flat(x) for x in named.__getitems__([0])],
                list(chain), len(chain))
    check(go)
    check(lambda lib: (tensor_ds(lib, 4) + tensor_ds(lib, 3))[-8], message=True)
    check(lambda lib: lib.utils.data.ConcatDataset([]), message=True)
    check(lambda lib: lib.utils.data.StackDataset(tensor_ds(lib, 2), tensor_ds(lib, 3)), message=True)
    check(lambda lib: lib.utils.data.StackDataset(), message=True)


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.5, 0.25, 0.25], [1, 1, 8]])
@pytest.mark.parametrize("seeded", ["manual_seed", "generator"])
def test_random_split(lengths, seeded):
    def go(lib):
        ds = tensor_ds(lib, 10)
        if seeded == "manual_seed":
            lib.manual_seed(123)
            parts = lib.utils.data.random_split(ds, lengths)
        else:
            parts = lib.utils.data.random_split(ds, lengths, generator=lib.Generator().manual_seed(42))
        return [list(p.indices) for p in parts], lib.rand(2)
    check(go)


def test_random_split_errors():
    check(lambda lib: lib.utils.data.random_split(tensor_ds(lib, 10), [3, 3]), message=True)
    check(lambda lib: lib.utils.data.random_split(tensor_ds(lib, 10), [1.5, -0.5]), message=True)


# --- samplers ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["seq", "random", "random_repl", "random_more", "random_gen", "subset", "weighted",
                                  "weighted_norepl", "batch", "batch_drop", "distributed", "distributed_drop"])
def test_samplers(kind):
    def go(lib):
        D = lib.utils.data
        lib.manual_seed(7)
        data = list(range(10))
        g = lib.Generator().manual_seed(3)
        s = {"seq": lambda: D.SequentialSampler(data),
             "random": lambda: D.RandomSampler(data),
             "random_repl": lambda: D.RandomSampler(data, replacement=True, num_samples=70),
             "random_more": lambda: D.RandomSampler(data, num_samples=25),
             "random_gen": lambda: D.RandomSampler(data, generator=g),
             "subset": lambda: D.SubsetRandomSampler([5, 9, 1, 3], generator=g),
             "weighted": lambda: D.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 12),
             "weighted_norepl": lambda: D.WeightedRandomSampler([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5, False),
             "batch": lambda: D.BatchSampler(D.RandomSampler(data), 3, False),
             "batch_drop": lambda: D.BatchSampler(D.SequentialSampler(data), 4, True),
             "distributed": lambda: D.DistributedSampler(list(range(11)), num_replicas=3, rank=1, seed=5),
             "distributed_drop": lambda: D.DistributedSampler(list(range(11)), num_replicas=3, rank=2,
                                                              shuffle=False, drop_last=True)}[kind]()
        return len(s), list(s), list(s), lib.rand(1)
    check(go)


@pytest.mark.parametrize("bad", ["replacement", "num_samples", "w_num", "w_repl", "w_shape", "b_size", "b_drop",
                                 "rank"])
def test_sampler_errors(bad):
    def go(lib):
        D = lib.utils.data
        return {"replacement": lambda: D.RandomSampler([1], replacement=1),
                "num_samples": lambda: D.RandomSampler([1], num_samples=0),
                "w_num": lambda: D.WeightedRandomSampler([1.0], True),
                "w_repl": lambda: D.WeightedRandomSampler([1.0], 2, replacement=None),
                "w_shape": lambda: D.WeightedRandomSampler([[1.0]], 2),
                "b_size": lambda: D.BatchSampler([1], 0, False),
                "b_drop": lambda: D.BatchSampler([1], 1, 0),
                "rank": lambda: D.DistributedSampler([1], num_replicas=2, rank=2)}[bad]()
    check(go, message=True)


# --- collation --------------------------------------------------------------------------------------------------

Point = collections.namedtuple("Point", ["x", "y"])


@pytest.mark.parametrize("case", ["tensors", "ints", "bools", "mixed_int_float", "floats", "strings", "bytes",
                                  "numpy", "numpy_scalars", "numpy_int_scalars", "numpy_bool_scalars", "dicts",
                                  "namedtuples", "tuples", "lists", "nested"])
def test_default_collate(case):
    def go(lib):
        batch = {"tensors": [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])],
                 "ints": [1, 2, 3], "bools": [True, False], "mixed_int_float": [1, 2.5], "floats": [0.5, 1.5],
                 "strings": ["a", "b"], "bytes": [b"a", b"b"],
                 "numpy": [np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32)],
                 "numpy_scalars": [np.float32(1), np.float32(2)], "numpy_int_scalars": [np.int64(1), np.int64(5)],
                 "numpy_bool_scalars": [np.bool_(True), np.bool_(False)],
                 "dicts": [{"a": 1, "b": lib.ones(2)}, {"a": 2, "b": lib.zeros(2)}],
                 "namedtuples": [Point(1, 2.0), Point(3, 4.0)],
                 "tuples": [(1, "x"), (2, "y")], "lists": [[1, 2], [3, 4]],
                 "nested": [{"p": [np.int16(1), (lib.ones(1), 2)]}, {"p": [np.int16(2), (lib.zeros(1), 3)]}]}[case]
        return flat(lib.utils.data.default_collate(batch))
    check(go)


@pytest.mark.parametrize("case", ["unequal", "object", "np_str"])
def test_default_collate_errors(case):
    def go(lib):
        batch = {"unequal": [[1, 2], [3]], "object": [object(), object()],
                 "np_str": [np.array(["a"]), np.array(["b"])]}[case]
        return lib.utils.data.default_collate(batch)
    check(go, message=case != "object")


def test_default_convert():
    def go(lib):
        conv = lib.utils.data.default_convert
        return (flat(conv({"a": np.arange(3), "b": [np.float64(2.0), "s"]})), flat(conv((np.ones(2), 3))),
                flat(conv(Point(np.int32(1), 2))), conv("str"), conv(5))
    check(go)


# --- DataLoader -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kw", [{}, {"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None},
                                {"batch_size": 4, "shuffle": True}, {"shuffle": True, "batch_size": 10}])
def test_loader_map_style(kw):
    def go(lib):
        lib.manual_seed(0)
        loader = lib.utils.data.DataLoader(tensor_ds(lib, 10), **kw)
        return len(loader), batches(loader, epochs=2), lib.rand(1)
    check(go)


def test_loader_mixed_samples():
    def go(lib):
        lib.manual_seed(1)
        return batches(lib.utils.data.DataLoader(squares(lib), batch_size=3, shuffle=True))
    check(go)


def test_loader_generator_and_samplers():
    def go(lib):
        D = lib.utils.data
        lib.manual_seed(5)
        ds = tensor_ds(lib, 9)
        g = lib.Generator().manual_seed(11)
        a = batches(D.DataLoader(ds, batch_size=2, shuffle=True, generator=g), epochs=2)
        b = batches(D.DataLoader(ds, batch_size=4, sampler=D.SubsetRandomSampler([0, 2, 4, 6, 8])))
        c = batches(D.DataLoader(ds, batch_sampler=D.BatchSampler(D.RandomSampler(ds), 4, True)))
        d = batches(D.DataLoader(ds, batch_size=2, sampler=D.WeightedRandomSampler([1.0] * 9, 5)))
        return a, b, c, d, lib.rand(1)
    check(go)


def test_loader_custom_collate():
    def go(lib):
        loader = lib.utils.data.DataLoader(list(range(7)), batch_size=3, collate_fn=lambda b: sum(b))
        return list(loader), len(loader)
    check(go)


@pytest.mark.parametrize("kw", [{"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None},
                                {"batch_size": 2}])
def test_loader_iterable(kw):
    def go(lib):
        loader = lib.utils.data.DataLoader(counting_iterable(lib, 7), **kw)
        return len(loader), batches(loader)
    check(go)


def test_iterable_length_warning():
    msgs = []
    for lib in (TL, TH):
        class Liar(lib.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(5))

            def __len__(self):
                return 2
        loader = lib.utils.data.DataLoader(Liar(), batch_size=None)
        len(loader)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            list(loader)
        msgs.append([str(x.message).split(" was reported")[1] for x in w])
    assert msgs[0] == msgs[1] and len(msgs[0]) == 3


@pytest.mark.parametrize("bad", ["num_workers", "timeout", "prefetch", "prefetch_neg", "persistent", "shuffle_sampler",
                                 "batch_sampler", "batch_none_drop", "iter_shuffle", "iter_sampler",
                                 "iter_batch_sampler", "mp_context"])
def test_loader_argument_errors(bad):
    def go(lib):
        D = lib.utils.data
        ds = tensor_ds(lib, 4)
        it = counting_iterable(lib)
        return {"num_workers": lambda: D.DataLoader(ds, num_workers=-1),
                "timeout": lambda: D.DataLoader(ds, timeout=-1),
                "prefetch": lambda: D.DataLoader(ds, prefetch_factor=2),
                "prefetch_neg": lambda: D.DataLoader(ds, num_workers=1, prefetch_factor=-1),
                "persistent": lambda: D.DataLoader(ds, persistent_workers=True),
                "shuffle_sampler": lambda: D.DataLoader(ds, shuffle=True, sampler=D.SequentialSampler(ds)),
                "batch_sampler": lambda: D.DataLoader(ds, batch_size=2, batch_sampler=[[0, 1]]),
                "batch_none_drop": lambda: D.DataLoader(ds, batch_size=None, drop_last=True),
                "iter_shuffle": lambda: D.DataLoader(it, shuffle=True),
                "iter_sampler": lambda: D.DataLoader(it, sampler=[0]),
                "iter_batch_sampler": lambda: D.DataLoader(it, batch_sampler=[[0]]),
                "mp_context": lambda: D.DataLoader(ds, multiprocessing_context="spawn")}[bad]()
    check(go, message=bad not in ("iter_sampler", "iter_batch_sampler"))


def test_loader_attributes_frozen():
    check(lambda lib: setattr(lib.utils.data.DataLoader(tensor_ds(lib, 4)), "batch_size", 2), message=True)

    def go(lib):
        loader = lib.utils.data.DataLoader(tensor_ds(lib, 4), batch_size=2)
        return (loader.batch_size, loader.drop_last, type(loader.sampler).__name__,
                type(loader.batch_sampler).__name__, loader.num_workers, loader.prefetch_factor,
                loader.collate_fn.__name__, lib.utils.data.get_worker_info())
    check(go)


def test_pin_memory_warning_on_cpu():
    if TL.cuda.is_available():
        pytest.skip("pin_memory is meaningful with a GPU")
    msgs = []
    for lib in (TL, TH):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = batches(lib.utils.data.DataLoader(tensor_ds(lib, 4), batch_size=2, pin_memory=True))
        msgs.append([str(x.message) for x in w if "pin_memory" in str(x.message)])
    assert msgs[0] == msgs[1] and len(msgs[0]) == 1
    assert len(out) == 2


# --- worker processes (a few, against PyTorch's fork-based workers) ----------------------------------------------

@pytest.mark.filterwarnings("ignore:os.fork:RuntimeWarning")   # torch forks its workers (they never touch JAX)
def test_workers_match_torch_iterable_order_and_seeds():
    pytest.importorskip("cloudpickle")               # local classes reach torchlike's workers by value

    def go(lib):
        import random

        class Probe(lib.utils.data.IterableDataset):
            def __iter__(self):
                info = lib.utils.data.get_worker_info()
                for k in range(3 + info.id):
                    yield (info.id, k, info.seed, lib.initial_seed(), random.random(),
                           int(np.random.randint(0, 2 ** 31)), lib.rand(1))
        lib.manual_seed(2024)
        out = [flat(b) for b in lib.utils.data.DataLoader(Probe(), batch_size=2, num_workers=2)]
        return out, lib.rand(1)
    check(go)


def test_generate_state_matches_torch():
    from torch.utils.data._utils.worker import _generate_state as th_state

    from torchlike.utils.data._worker import _generate_state as tl_state
    for base in (0, 1, 2 ** 32 - 1, 2 ** 32, 937055941807507096, 2 ** 63 - 1):
        for wid in (0, 1, 7):
            assert tl_state(base, wid) == th_state(base, wid)
