"""Package metadata for the drop-in runner: importlib.metadata answers for `torch` and `torchvision` as for
PyTorch 2.13.0 / torchvision 0.28.0 (the pair released together), so that libraries checking versions
(`importlib.metadata.version('torch')`, packaging requirements, lightning_utilities' RequirementCache, transformers'
is_torch_available) take the code paths they take with PyTorch 2.13. Registered on sys.meta_path by
install_as_torch(), ahead of site-packages (a real PyTorch installed next to torchlike is not reported); nothing is
written to disk.
"""
from __future__ import annotations

import importlib.metadata as md
import os

TORCH_VERSION = "2.13.0"
TORCHVISION_VERSION = "0.28.0"

_DISTS = {
    "torch": (TORCH_VERSION, "torch", "Tensors and Dynamic neural networks in Python with strong GPU acceleration "
              "(served by torchlike: the PyTorch API on JAX)",
              ["filelock", "typing-extensions>=4.10.0", "sympy>=1.13.3", "networkx>=2.5.1", "jinja2", "fsspec>=0.8.5"]),
    "torchvision": (TORCHVISION_VERSION, "torchvision", "image and video datasets and models for torch deep "
                    "learning (served by torchlike.vision)", ["numpy", f"torch=={TORCH_VERSION}", "pillow>=5.3.0"]),
}


def _normalize(name):
    return name.lower().replace("-", "_").replace(".", "_")


class AliasDistribution(md.Distribution):
    """The metadata of `torch` or `torchvision` as torchlike serves them."""

    def __init__(self, name):
        self._name = name
        self._version, self._top, self._summary, self._requires = _DISTS[name]

    def read_text(self, filename):
        if filename in ("METADATA", "PKG-INFO"):
            lines = ["Metadata-Version: 2.1", f"Name: {self._name}", f"Version: {self._version}",
                     f"Summary: {self._summary}", "Home-page: https://pytorch.org/", "License: BSD-3-Clause",
                     "Requires-Python: >=3.10"]
            lines += [f"Requires-Dist: {r}" for r in self._requires]
            return "\n".join(lines) + "\n"
        if filename == "top_level.txt":
            return self._top + "\n"
        if filename == "INSTALLER":
            return "torchlike\n"
        return None

    def locate_file(self, path):
        import torchlike
        return os.path.join(os.path.dirname(os.path.dirname(torchlike.__file__)), str(path))

    @property
    def files(self):
        return None


class MetadataFinder(md.DistributionFinder):
    """A meta-path finder that only answers importlib.metadata's questions (find_spec finds no modules)."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        return None

    def find_distributions(self, context=md.DistributionFinder.Context()):
        name = context.name
        if name is None:
            return iter([AliasDistribution(n) for n in _DISTS])
        n = _normalize(name)
        return iter([AliasDistribution(d) for d in _DISTS if _normalize(d) == n])
