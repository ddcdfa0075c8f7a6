"""Ctrl-C during a training step never leaves a tensor pointing at a freed (donated) array (issue 13, item 3).

An optimizer step and a compiled step hand their old parameter/state arrays to XLA (donation), which deletes them
when the call starts; the call and the write-back of its outputs run under `_storage.no_interrupt`, so a SIGINT
arriving in between raises KeyboardInterrupt only once every storage holds its new array. A failed donating call
leaves readable (NaN) tensors and says so."""
from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import jax
import numpy as np
import pytest

import torchlike as torch
from torchlike import _storage
from torchlike._compile import _trace
from torchlike.optim import _fused

nn = torch.nn
ROOT = Path(__file__).resolve().parents[1]


# -- no_interrupt itself ---------------------------------------------------------------------------------------

def test_a_sigint_inside_the_block_is_raised_on_exit():
    before = signal.getsignal(signal.SIGINT)
    reached = []
    with pytest.raises(KeyboardInterrupt):
        with _storage.no_interrupt():
            signal.raise_signal(signal.SIGINT)      # the handler runs here: it only records
            reached.append(1)
    assert reached == [1]
    assert signal.getsignal(signal.SIGINT) is before


def test_no_sigint_no_exception_and_the_handler_is_restored():
    before = signal.getsignal(signal.SIGINT)
    with _storage.no_interrupt():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before


def test_a_custom_handler_is_called_after_the_block_and_nesting_defers_to_the_outermost():
    calls = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: calls.append(signum))
    try:
        with _storage.no_interrupt():
            with _storage.no_interrupt():
                signal.raise_signal(signal.SIGINT)
                assert calls == []
            assert calls == []
        assert calls == [signal.SIGINT]
        with _storage.no_interrupt():
            pass
        assert calls == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, old)


def test_an_ignored_sigint_stays_ignored():
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with _storage.no_interrupt():
            assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
            signal.raise_signal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, old)


def test_an_exception_in_the_block_is_kept_as_the_context_of_the_deferred_interrupt():
    with pytest.raises(KeyboardInterrupt) as ei:
        with _storage.no_interrupt():
            signal.raise_signal(signal.SIGINT)
            raise ValueError("inner")
    assert isinstance(ei.value.__context__, ValueError)


def test_other_threads_leave_the_handler_alone():
    before = signal.getsignal(signal.SIGINT)
    seen = []

    def worker():
        with _storage.no_interrupt():
            seen.append(signal.getsignal(signal.SIGINT))
    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == [before]


# -- the worst point: a SIGINT right after the donating call returned, before the write-back ------------------

def _model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3))


def _data():
    g = torch.Generator().manual_seed(1)
    return torch.randn(5, 6, generator=g), torch.randint(0, 3, (5,), generator=g)


def _backward(m, opt, x, y):
    opt.zero_grad()
    nn.functional.cross_entropy(m(x), y).backward()


def _snapshot(m, opt):
    """Every parameter and optimizer-state tensor as NumPy (reading each one: a deleted array raises). Copies
    (clone), so that the storages stay jax arrays as they were."""
    out = [p.detach().clone().numpy() for p in m.parameters()]
    for st in opt.state.values():
        out += [v.detach().clone().numpy() for _, v in sorted(st.items()) if isinstance(v, torch.Tensor)]
    return out


def _assert_same(got, want):
    assert len(got) == len(want) > 0
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


def _save_load(m, opt):
    buf = io.BytesIO()
    torch.save({"model": m.state_dict(), "optim": opt.state_dict()}, buf)
    buf.seek(0)
    return torch.load(buf)


def _interrupt_after(fn):
    """`fn`, then a SIGINT delivered at once (its Python handler runs before this wrapper returns)."""
    def wrapped(*args):
        out = fn(*args)
        signal.raise_signal(signal.SIGINT)
        return out
    return wrapped


def _make_opt(kind, m):
    if kind == "adam":
        return torch.optim.Adam(m.parameters(), lr=0.01)
    return torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)


@pytest.mark.parametrize("kind", ["adam", "sgd"])
def test_eager_step_interrupted_right_after_the_donating_call(kind, monkeypatch):
    x, y = _data()
    ref = _model()
    ref_opt = _make_opt(kind, ref)
    m = _model()
    opt = _make_opt(kind, m)
    for model, o in ((ref, ref_opt), (m, opt)):        # the state exists: the next step donates it too
        _backward(model, o, x, y)
        o.step()
    _backward(ref, ref_opt, x, y)
    ref_opt.step()
    calls = []
    real = _fused._group_update_donated

    def donated(*a):
        calls.append(1)
        return _interrupt_after(real)(*a)
    monkeypatch.setattr(_fused, "_group_update_donated", donated)
    _backward(m, opt, x, y)
    with pytest.raises(KeyboardInterrupt):
        opt.step()
    assert calls == [1]                                   # the donating path ran
    _assert_same(_snapshot(m, opt), _snapshot(ref, ref_opt))     # the step completed: the new values
    loaded = _save_load(m, opt)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(loaded["model"][k].numpy(), v.numpy())


def _compiled_setup():
    x, y = _data()
    m = _model()
    opt = torch.optim.Adam(m.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(m(x), y)
        loss.backward()
        opt.step()
        return loss
    cstep = torch.compile(step)
    for _ in range(3):
        cstep()
    used, call = [], _trace.Program.__call__
    with pytest.MonkeyPatch.context() as mp:          # the program that runs the steady-state step
        mp.setattr(_trace.Program, "__call__", lambda self, a: used.append(self) or call(self, a))
        cstep()
    (prog,) = used
    assert prog.donate and prog._donated_storages
    return m, opt, cstep, prog


def test_compiled_step_interrupted_right_after_the_donating_call(monkeypatch):
    m, opt, cstep, prog = _compiled_setup()
    m2, opt2, cstep2, _ = _compiled_setup()
    cstep2()
    monkeypatch.setattr(prog, "jitted", _interrupt_after(prog.jitted))
    with pytest.raises(KeyboardInterrupt):
        cstep()
    _assert_same(_snapshot(m, opt), _snapshot(m2, opt2))
    _save_load(m, opt)
    monkeypatch.undo()
    cstep()
    cstep2()
    _assert_same(_snapshot(m, opt), _snapshot(m2, opt2))        # and training goes on identically


# -- an exception inside the donating call -------------------------------------------------------------------

def _xla_failure(fn, static_argnums, donate_argnums):
    """`fn` jitted with donation and a host callback that raises: a genuine XLA runtime error raised after the
    call consumed (deleted) its donated inputs."""
    def boom(v):
        raise ValueError("simulated device failure")

    def failing(*args):
        out = fn(*args)
        leaf = jax.tree_util.tree_leaves(out)[0]
        return out, jax.pure_callback(boom, jax.ShapeDtypeStruct(leaf.shape, leaf.dtype), leaf)
    return jax.jit(failing, static_argnums=static_argnums, donate_argnums=donate_argnums)


def _assert_lost_but_readable(m, opt, excinfo):
    assert any("values are lost" in n for n in getattr(excinfo.value, "__notes__", []))
    snap = _snapshot(m, opt)                             # readable: no "Array has been deleted"
    assert any(np.isnan(a).any() for a in snap)
    _save_load(m, opt)


def test_eager_step_whose_donating_call_fails_leaves_readable_tensors(monkeypatch):
    x, y = _data()
    m = _model()
    opt = torch.optim.Adam(m.parameters(), lr=0.01)
    _backward(m, opt, x, y)
    opt.step()
    monkeypatch.setattr(_fused, "_group_update_donated", _xla_failure(_fused._group_update_fn, (0, 1, 2, 3), (4, 6)))
    _backward(m, opt, x, y)
    with pytest.raises(Exception, match="simulated device failure") as ei:
        opt.step()
    _assert_lost_but_readable(m, opt, ei)


def test_compiled_step_whose_donating_call_fails_leaves_readable_tensors(monkeypatch):
    m, opt, cstep, prog = _compiled_setup()
    monkeypatch.setattr(prog, "jitted", _xla_failure(prog._run_split, (), (0,)))
    with pytest.raises(Exception, match="simulated device failure") as ei:
        cstep()
    _assert_lost_but_readable(m, opt, ei)


@pytest.mark.parametrize("compiled", [False, True])
def test_a_call_that_fails_before_running_changes_nothing(compiled, monkeypatch):
    def fail(*a):
        raise RuntimeError("compile failed")
    if compiled:
        m, opt, cstep, prog = _compiled_setup()
        monkeypatch.setattr(prog, "jitted", fail)
        run = cstep
    else:
        x, y = _data()
        m = _model()
        opt = torch.optim.Adam(m.parameters(), lr=0.01)
        _backward(m, opt, x, y)
        opt.step()
        _backward(m, opt, x, y)
        monkeypatch.setattr(_fused, "_group_update_donated", fail)
        run = opt.step
    before = _snapshot(m, opt)
    with pytest.raises(RuntimeError, match="compile failed") as ei:
        run()
    assert not getattr(ei.value, "__notes__", [])
    _assert_same(_snapshot(m, opt), before)


# -- SIGINT at random points of many steps, a checkpoint saved every time (a subprocess: the signals stay there) --

_SOAK = textwrap.dedent(r'''
    import io, json, os, random, signal, sys, threading, time, traceback
    import torchlike as torch
    nn = torch.nn

    def setup(mode):
        torch.manual_seed(0)
        m = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
        opt = (torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9) if mode == "sgd"
               else torch.optim.Adam(m.parameters(), lr=1e-3))
        x, y = torch.randn(8, 16), torch.randint(0, 4, (8,))

        def step():
            opt.zero_grad()
            loss = nn.functional.cross_entropy(m(x), y)
            loss.backward()
            opt.step()
            return loss
        return m, opt, (torch.compile(step) if mode == "compiled" else step)

    def check(m, opt):
        buf = io.BytesIO()
        torch.save({"model": m.state_dict(), "optim": opt.state_dict()}, buf)
        buf.seek(0)
        d = torch.load(buf)
        ts = list(d["model"].values()) + [v for s in d["optim"]["state"].values() for v in s.values()
                                         if isinstance(v, torch.Tensor)]
        assert len(ts) >= 8, len(ts)
        for t in ts:
            assert bool(torch.isfinite(t).all()), t

    rng = random.Random(int(sys.argv[1]))
    trials = int(sys.argv[2])
    main = threading.main_thread().ident
    report = {}
    for mode in sys.argv[3:]:
        m, opt, step = setup(mode)
        for _ in range(3):
            step()
        t0 = time.perf_counter()
        for _ in range(10):
            loss = step()
        float(loss)
        per = (time.perf_counter() - t0) / 10
        r = report[mode] = {"trials": 0, "interrupted": 0, "deferred": 0, "failures": []}
        for trial in range(trials):
            r["trials"] += 1
            kill = ((lambda: os.kill(os.getpid(), signal.SIGINT)) if trial % 2 else
                    (lambda: signal.pthread_kill(main, signal.SIGINT)))
            timer = threading.Timer(rng.uniform(0, 3 * per), kill)
            end = time.perf_counter() + 20
            try:
                timer.start()
                while time.perf_counter() < end:
                    step()
            except KeyboardInterrupt as e:
                r["interrupted"] += 1
                last = traceback.extract_tb(e.__traceback__)[-1]      # raised by no_interrupt on exit
                r["deferred"] += last.name == "__exit__" and last.filename.endswith("_storage.py")
            timer.join()
            try:
                check(m, opt)
            except Exception as e:
                r["failures"].append(f"{trial}: {type(e).__name__}: {str(e)[:200]}")
                break
    print("REPORT", json.dumps(report))
''')


def _soak(tmp_path, trials, seed):
    script = tmp_path / "soak.py"
    script.write_text(_SOAK)
    p = subprocess.run([sys.executable, str(script), str(seed), str(trials), "adam", "sgd", "compiled"],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("REPORT ")]
    assert p.returncode == 0 and lines, p.stdout[-2000:] + p.stderr[-4000:]
    report = json.loads(lines[-1][len("REPORT "):])
    for mode, r in report.items():
        assert r["failures"] == [], (mode, r)
        assert r["trials"] == r["interrupted"] == trials, (mode, r)
    # the signal often lands inside a donating call or its write-back, where it used to lose the arrays (about a
    # third of the interrupts here): the test does reach the window
    assert sum(r["deferred"] for r in report.values()) > 0, report


def test_sigint_at_random_points_of_training_always_leaves_a_saveable_model(tmp_path):
    _soak(tmp_path, trials=30, seed=13)


@pytest.mark.slow
def test_sigint_soak(tmp_path):
    _soak(tmp_path, trials=300, seed=2024)
