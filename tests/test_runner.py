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


def test_import_does_not_import_torch_and_is_fast():
    code = ("import sys, time; t0 = time.perf_counter(); import jax, jax.numpy; t1 = time.perf_counter(); "
            "import torchlike; t2 = time.perf_counter(); "
            "print('torch' in sys.modules, t2 - t1)")
    r = run(["-c", code])
    assert r.returncode == 0, r.stderr
    imported, extra = r.stdout.split()
    assert imported == "False"
    assert float(extra) < 1.0, f"import torchlike took {extra}s beyond JAX's own"
