"""The drop-in runner and the import contract."""
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=ROOT)


def run(args, **kw):
    return subprocess.run([sys.executable] + args, capture_output=True, text=True, env=ENV, **kw)


def test_runner_resolves_torch_and_passes_argv(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""
        import sys
        import torch
        import torch.autograd
        from torch import Tensor
        print(torch.__name__, torch.tensor([1, 2]).sum().item(), sys.argv[1:], __name__)
        print(type(torch.ones(1)) is Tensor, torch.autograd.__name__)
    """))
    r = run(["-m", "torchlike", str(script), "a", "--b"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["torchlike 3 ['a', '--b'] __main__", "True torchlike.autograd"]


def test_runner_traceback_names_the_script(tmp_path):
    script = tmp_path / "boom.py"
    script.write_text("import torch\n\ndef f():\n    raise ValueError('boom')\n\nf()\n")
    r = run(["-m", "torchlike", str(script)])
    assert r.returncode == 1
    assert str(script) in r.stderr and "line 4, in f" in r.stderr and "ValueError: boom" in r.stderr


def test_install_as_torch_in_process():
    code = "import torchlike; torchlike.install_as_torch(); import torch, torch.cuda; print(torch is torchlike, torch.cuda.__name__)"
    r = run(["-c", code])
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "True torchlike.cuda"


_NO_BACKEND = ("from jax._src import xla_bridge as xb; "
               "print('backends', sorted(xb._backends), xb.backends_are_initialized())")


def test_import_does_not_import_torch_nor_start_a_backend():
    """Importing torchlike (and its public packages) neither imports PyTorch nor starts JAX's runtime: nothing is
    placed or compiled at import (the DataLoader's fork server cannot fork once a backend runs). No wall-clock
    limit: the time is printed only."""
    code = ("import sys, time; t0 = time.perf_counter(); import jax, jax.numpy; t1 = time.perf_counter(); "
            "import torchlike, torchlike.nn, torchlike.nn.functional, torchlike.optim, torchlike.optim.lr_scheduler, "
            "torchlike.utils.data, torchlike.autograd, torchlike.func, torchlike.fft, torchlike.linalg, "
            "torchlike.testing, torchlike.serialization, torchlike.vision; t2 = time.perf_counter(); "
            "print('torch' in sys.modules, round(t2 - t1, 3), round(t1 - t0, 3)); " + _NO_BACKEND)
    r = run(["-c", code])
    assert r.returncode == 0, r.stderr
    first, second = r.stdout.splitlines()
    imported, extra, jax_s = first.split()
    print(f"\nimport torchlike: {extra}s beyond JAX's own {jax_s}s")
    assert imported == "False"
    assert second == "backends [] False", second


def test_runner_starts_no_backend_before_the_script(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text("import torch, torch.nn, torch.utils.data\n" + _NO_BACKEND.replace("; ", "\n") + "\n"
                      "print(torch.ones(2).sum().item())\n")
    r = run(["-m", "torchlike", str(script)])
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["backends [] False", "2.0"]


def test_no_submodule_starts_a_backend_at_import():
    """Every module of the package, imported one after another: none starts a JAX backend (names the culprit)."""
    code = ("import importlib, pkgutil, torchlike; from jax._src import xla_bridge as xb\n"
            "for m in pkgutil.walk_packages(torchlike.__path__, 'torchlike.'):\n"
            "    if m.name.endswith('__main__'):\n"
            "        continue\n"
            "    try:\n"
            "        importlib.import_module(m.name)\n"
            "    except ImportError:\n"
            "        continue\n"
            "    if xb.backends_are_initialized():\n"
            "        print('backend started by', m.name)\n"
            "        break\n"
            "else:\n"
            "    print('ok')\n")
    r = run(["-c", code])
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"
