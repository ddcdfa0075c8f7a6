"""The torchvision the oracle (real PyTorch) run imports, for libraries that need torchvision even under PyTorch
(timm, segmentation-models-pytorch). PyPI's torchvision wheels need PyTorch's CUDA build, so this package is
torchlike's own torchvision facade (torchlike/vision) executed on real torch: each module's source is loaded with
`torchlike` read as `torch` (the same twin that compat_tests/test_vision_models.py checks against torchvision's
architectures and initialisation). Only the ecosystem tier puts this folder on PYTHONPATH, and only for the run
under real PyTorch."""
import importlib.abc
import importlib.util
import os
import sys
import types

_VISION = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))), "torchlike", "vision")


def _twin_source(path):
    src = open(path).read()
    src = src.replace("from torchlike import _trace_state, random as _random",
                      "from torchvision import _trace_state; from torch import random as _random")
    src = src.replace("from torchlike import _trace_state", "from torchvision import _trace_state")
    src = src.replace("torchlike.vision", "torchvision").replace("import torchlike as torch", "import torch")
    return src.replace("from torchlike import", "from torch import").replace("from torchlike.", "from torch.")


class _Loader(importlib.abc.Loader):
    def __init__(self, path):
        self.path = path

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(compile(_twin_source(self.path), self.path, "exec"), module.__dict__)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if not name.startswith("torchvision."):
            return None
        rel = os.path.join(_VISION, *name.split(".")[1:])
        if os.path.isfile(os.path.join(rel, "__init__.py")):
            file = os.path.join(rel, "__init__.py")
            return importlib.util.spec_from_file_location(name, file, loader=_Loader(file),
                                                          submodule_search_locations=[rel])
        if os.path.isfile(rel + ".py"):
            return importlib.util.spec_from_file_location(name, rel + ".py", loader=_Loader(rel + ".py"))
        return None


_trace_state = types.SimpleNamespace(tracing=lambda: False)   # torchlike's compile tracer: never active on torch
sys.meta_path.insert(0, _Finder())
__path__ = [_VISION]
exec(compile(_twin_source(os.path.join(_VISION, "__init__.py")), os.path.join(_VISION, "__init__.py"), "exec"))
