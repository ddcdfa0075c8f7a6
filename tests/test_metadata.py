"""Under the drop-in runner, importlib.metadata (and the requirement checks libraries build on it) reports torch
2.13.0 / torchvision 0.28.0, and torch's submodule import paths (torch.jit, torch._dynamo.eval_frame ...) resolve."""
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=ROOT)


def _run_script(tmp_path, code):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(code))
    r = subprocess.run([sys.executable, "-m", "torchlike", str(script)], capture_output=True, text=True, env=ENV,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_metadata_versions_under_runner(tmp_path):
    out = _run_script(tmp_path, """
        import importlib.metadata as md
        from packaging.requirements import Requirement
        from packaging.version import Version, parse
        import torch, torchvision
        print(md.version("torch"), md.version("torchvision"), md.version("Torch"))
        d = md.distribution("torch")
        print(d.metadata["Name"], d.version, d.read_text("top_level.txt").strip())
        print(Requirement("torch>=2.0").specifier.contains(md.version("torch")),
              Version(md.version("torchvision")) >= Version("0.15"))
        print(parse(torch.__version__) >= parse("2.0"), torch.__version__ >= "2.10", torch.__version__.split("+")[0])
        print(next(iter(md.distributions(name="torch"))).version)     # ours first (ahead of a real install)
    """)
    assert out == ["2.13.0 0.28.0 2.13.0", "torch 2.13.0 torch", "True True", "True True 2.13.0", "2.13.0"]


def test_requirement_cache_style_check(tmp_path):
    # what lightning_utilities.core.imports.RequirementCache does, without needing the package installed
    out = _run_script(tmp_path, """
        from importlib.metadata import distribution, version
        from packaging.requirements import Requirement
        from packaging.version import Version
        for spec in ("torch>=2.0", "torch>=2.1.0,<3.0", "torch<2.0", "torchvision>=0.16"):
            req = Requirement(spec)
            print(spec, Version(version(req.name)) in req.specifier, distribution(req.name).metadata["Name"])
    """)
    assert out == ["torch>=2.0 True torch", "torch>=2.1.0,<3.0 True torch", "torch<2.0 False torch",
                   "torchvision>=0.16 True torchvision"]


def test_submodule_import_paths_under_runner(tmp_path):
    out = _run_script(tmp_path, """
        import torch.jit, torch.compiler, torch.onnx, torch.futures
        import torch._C._nn
        from torch._C import _TensorMeta
        from torch._dynamo.eval_frame import OptimizedModule
        from torch._dynamo._trace_wrapped_higher_order_op import TransformGetItemToIndex
        from torch.jit import Final
        from torch.jit.annotations import List
        import torch._dynamo.config
        import torch.nn as nn
        m = nn.Linear(2, 2)
        print(torch.jit.__name__, isinstance(torch.compile(m), OptimizedModule), torch.jit.is_scripting(),
              torch.onnx.is_in_onnx_export(), torch._C._nn._parse_to("cpu")[0], torch._dynamo.config.cache_size_limit)
    """)
    assert out == ["torchlike.jit True False False cpu 8"]


def test_metadata_not_changed_without_runner():
    code = "import importlib.metadata as md, torchlike; print(md.version('torch'))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() != "2.13.0"          # the real PyTorch's own metadata (the test oracle): 2.13.0+cpu
