"""DataLoader with worker processes: same batches as in-process loading, errors, seeds and clean shutdown."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import numpy as np
import pytest

import torchlike as torch
from torchlike.utils.data import DataLoader, Dataset, IterableDataset, _launch, get_worker_info


class SlowSquares(Dataset):
    """~20 ms per item, like a dataset that decodes images from disk."""

    def __init__(self, n=120, delay=0.02):
        self.n, self.delay = n, delay

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(self.delay)
        return {"x": torch.tensor([float(i), float(i * i)]), "y": i, "arr": np.full((2,), i, np.int16)}


class Failing(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise ValueError(f"bad item {i}")
        return i


class Sharded(IterableDataset):
    """Each worker yields its own range (a different length per worker)."""

    def __iter__(self):
        info = get_worker_info()
        wid = 0 if info is None else info.id
        return iter(range(100 * wid, 100 * wid + 5 + wid))


class Seeds(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = get_worker_info()
        return torch.tensor([info.id, info.seed, torch.initial_seed(), info.num_workers])


class Dies(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        os._exit(3)


class Locked(Dataset):
    """Cannot be pickled, even by value: the DataLoader falls back to loading in the main process."""

    def __init__(self):
        self.lock = threading.Lock()

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return i


def live_children():
    """PIDs of the DataLoader workers still around: every descendant of this process (zombies too, they were not
    reaped) except the idle fork server that starts workers (it lives until this process exits)."""
    parents = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/status") as fh:
                    status = fh.read()
            except OSError:
                continue
            parents[int(p)] = int(status.split("\nPPid:\t")[1].split("\n")[0])
    zygote = _launch._zygote[0]
    skip = {zygote.pid} if zygote is not None else set()
    found, frontier = [], {os.getpid()}
    while frontier:
        kids = {c for c, par in parents.items() if par in frontier}
        found += [k for k in kids if k not in skip]
        frontier = kids
    return found


def same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.keys() == y.keys()
        for k in x:
            assert x[k].dtype == y[k].dtype and x[k].shape == y[k].shape
            assert np.array_equal(np.asarray(x[k]), np.asarray(y[k])), k


def test_same_batches_as_single_process_and_faster():
    ds = SlowSquares(80)
    torch.manual_seed(0)
    t0 = time.perf_counter()
    single = DataLoader(ds, batch_size=8, shuffle=True)
    ref = [list(single), list(single)]                 # two epochs: each draws its seeds from torch's RNG
    t1 = time.perf_counter()
    torch.manual_seed(0)
    loader = DataLoader(ds, batch_size=8, shuffle=True, num_workers=2)
    first = list(loader)
    t2 = time.perf_counter()
    second = list(loader)
    t3 = time.perf_counter()
    same(first, ref[0])
    same(second, ref[1])
    print(f"\n{len(ds)} items at {ds.delay * 1000:.0f} ms per epoch: num_workers=0 {(t1 - t0) / 2:.2f}s; "
          f"num_workers=2 {t2 - t1:.2f}s (first epoch, with start-up), {t3 - t2:.2f}s (second epoch)")
    assert not live_children()


def _first_batch(num_workers):
    """A list of ints collated by `tuple`: a worker unpickles only builtins and never needs JAX, so its first batch
    costs its start-up."""
    t0 = time.perf_counter()
    it = iter(DataLoader(list(range(16)), batch_size=4, num_workers=num_workers, collate_fn=tuple))
    batch = next(it)
    elapsed = time.perf_counter() - t0
    kinds = {type(w.proc).__name__ for w in getattr(it, "_workers", ())}
    del it
    return elapsed, batch, kinds


@pytest.mark.skipif(not _launch.USE_ZYGOTE, reason="workers are fresh interpreters on this platform")
def test_workers_are_forked_and_start_fast():
    """Workers come from the fork server (it exits, and every worker becomes a fresh interpreter importing JAX, if
    anything at `import torchlike` starts a JAX backend). Timing is relative only: the first batch of a new
    DataLoader's workers against the start of one fresh interpreter importing torchlike, measured alongside."""
    _first_batch(2)                                  # boots the fork server (a fresh interpreter, once per process)
    in_process, batch0, _ = _first_batch(0)
    workers = []
    for _ in range(2):                               # best of two: a load spike cannot make it fail
        elapsed, batch, kinds = _first_batch(2)
        assert batch == batch0 == (0, 1, 2, 3)
        assert kinds == {"_ForkedProc"}, f"workers were not forked by the fork server: {kinds}"
        workers.append(elapsed)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torchlike"], check=True, env=_launch._worker_env())
    fresh = time.perf_counter() - t0
    print(f"\nfirst batch: num_workers=0 {in_process * 1e3:.1f} ms, num_workers=2 {min(workers) * 1e3:.1f} ms; "
          f"a fresh interpreter importing torchlike {fresh:.2f} s")
    assert _launch.USE_ZYGOTE
    assert min(workers) < max(fresh / 4, 20 * in_process), (min(workers), fresh, in_process)
    assert not live_children()


def test_worker_exception_propagates_with_traceback():
    with pytest.raises(ValueError) as e:
        list(DataLoader(Failing(), batch_size=2, num_workers=2))
    msg = str(e.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 0.\nOriginal Traceback")
    assert "bad item 5" in msg and "__getitem__" in msg
    del e
    gc.collect()
    assert not live_children()


def test_early_break_leaves_no_children():
    for i, batch in enumerate(DataLoader(SlowSquares(200), batch_size=4, num_workers=2)):
        assert batch["y"].tolist() == [0, 1, 2, 3]
        assert len(live_children()) == 2
        break
    assert not live_children()
    it = iter(DataLoader(SlowSquares(200), batch_size=4, num_workers=2))
    next(it)
    pids = [w.pid for w in it._workers]
    del it
    assert not live_children() and all(not os.path.exists(f"/proc/{p}") for p in pids)


def test_iterable_dataset_order_and_worker_info():
    got = [b.tolist() for b in DataLoader(Sharded(), batch_size=2, num_workers=2)]
    # PyTorch's order: batches alternate between workers; an exhausted worker is skipped
    assert got == [[0, 1], [100, 101], [2, 3], [102, 103], [4], [104, 105]]
    assert [b.tolist() for b in DataLoader(Sharded(), batch_size=2)] == [[0, 1], [2, 3], [4]]


def test_seeds_and_worker_init_fn():
    calls = []
    torch.manual_seed(1)
    base = int(torch.empty((), dtype=torch.int64).random_().item())    # the draw a DataLoader iterator makes
    torch.manual_seed(1)
    rows = [b.tolist() for b in DataLoader(Seeds(), batch_size=None, num_workers=2,
                                           worker_init_fn=calls.append)]
    assert calls == []                               # worker_init_fn runs in the workers, not here
    assert rows == [[0, base, base, 2], [1, base + 1, base + 1, 2], [0, base, base, 2], [1, base + 1, base + 1, 2]]


def test_persistent_workers_reused_across_epochs():
    loader = DataLoader(SlowSquares(12, 0.0), batch_size=4, num_workers=2, persistent_workers=True)
    torch.manual_seed(0)
    first = list(loader)
    pids = [w.pid for w in loader._iterator._workers]
    second = list(loader)
    assert [w.pid for w in loader._iterator._workers] == pids
    same(first, second)
    del loader
    gc.collect()
    assert not live_children()


def test_worker_death_and_timeout():
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly"):
        list(DataLoader(Dies(), num_workers=1))
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.2 seconds"):
        list(DataLoader(SlowSquares(10, 1.0), num_workers=1, timeout=0.2))
    gc.collect()
    assert not live_children()


def test_unpicklable_dataset_falls_back_with_one_warning():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        got = [b.tolist() for b in DataLoader(Locked(), batch_size=2, num_workers=2)]
    assert got == [[0, 1], [2, 3], [4]]
    msgs = [str(x.message) for x in w if "cannot be sent to a worker process" in str(x.message)]
    assert len(msgs) == 1 and "num_workers=0" in msgs[0]
    assert not live_children()


SCRIPT = textwrap.dedent("""
    import torchlike as torch
    from torchlike.utils.data import DataLoader, Dataset

    print("script body ran")            # no `if __name__ == "__main__":` guard, as in many tutorials

    class Squares(Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return torch.tensor([i * i])

    torch.manual_seed(0)
    batches = [b.flatten().tolist() for b in DataLoader(Squares(), batch_size=4, num_workers=2, shuffle=True)]
    torch.manual_seed(0)
    assert batches == [b.flatten().tolist() for b in DataLoader(Squares(), batch_size=4, shuffle=True)]
    print("batches", batches)
""")


def test_unguarded_script_with_workers(tmp_path):
    path = tmp_path / "tutorial.py"
    path.write_text(SCRIPT)
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("script body ran") == 1          # the workers did not re-run the script
    assert "batches" in out.stdout
