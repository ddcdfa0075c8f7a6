"""The drop-in runner: make `import torch` / `import torchvision` resolve to torchlike's modules."""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

ALIASES = {"torch": "torchlike", "torchvision": "torchlike.vision"}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, real_name):
        self.real_name = real_name

    def create_module(self, spec):
        return importlib.import_module(self.real_name)

    def exec_module(self, module):
        pass


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Maps torch[.x.y] to torchlike[.x.y] (and torchvision to torchlike.vision)."""

    def find_spec(self, fullname, path=None, target=None):
        top, _, rest = fullname.partition(".")
        if top not in ALIASES:
            return None
        real = ALIASES[top] + ("." + rest if rest else "")
        try:
            real_spec = importlib.util.find_spec(real)
        except ModuleNotFoundError:
            real_spec = None
        if real_spec is None:
            return None
        spec = importlib.util.spec_from_loader(fullname, _AliasLoader(real), is_package=real_spec.submodule_search_locations is not None)
        return spec


_installed = [False]


def install_as_torch():
    """After this call, `import torch` (and torch.nn, torch.utils.data, torchvision ...) give torchlike's modules, and
    importlib.metadata reports torch 2.13.0 / torchvision 0.28.0 (torchlike/_metadata.py)."""
    if _installed[0]:
        return
    for name in list(sys.modules):
        if name == "torch" or name.startswith("torch.") or name == "torchvision" or name.startswith("torchvision."):
            raise RuntimeError("install_as_torch() must run before the real torch is imported")
    from ._metadata import MetadataFinder
    sys.meta_path.insert(0, _AliasFinder())
    sys.meta_path.insert(0, MetadataFinder())      # importlib.metadata: torch 2.13.0, torchvision 0.28.0
    _installed[0] = True


def real_module_name(name):
    """The torchlike module `python -m torchlike -m NAME` runs: torch.distributed.run (torchrun) and the other
    torch[.x] / torchvision[.x] modules map to torchlike's; anything else is run as named."""
    top, _, rest = name.partition(".")
    if top == "torchrun" and not rest:
        return "torchlike.distributed.run"
    if top in ALIASES:
        return ALIASES[top] + ("." + rest if rest else "")
    return name
