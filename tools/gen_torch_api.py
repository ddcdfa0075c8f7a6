"""Regenerate torchlike/_data/torch_api.txt from the installed PyTorch (a developer tool; needs torch).

One line per public name: `<namespace> <name>`. The namespaces are the API census of issue 14 (torch, Tensor,
torch.nn.functional, torch.nn, torch.optim(.lr_scheduler), torch.utils.data, torch.linalg, torch.fft,
torch.special, torch.autograd, torch.func, torch.distributed, torch.jit, torch.fx, torch.amp) plus two extra
namespaces reported separately (torch.cuda, torch.nn.init).

A public name is a name of the module (or of the Tensor class) that does not start with `_`, is not a module, and
is not something the module merely imported from outside torch: a class or function defined outside `torch` (typing
helpers, `functools.partial`, ...) or a plain bool/str/dict value (`TYPE_CHECKING`, doc-note dictionaries) does not
count. Numbers (`pi`, `inf`), `None` (`newaxis`) and instances of torch types (dtypes, layouts, memory formats)
do count.
"""
import importlib
import inspect
import os
import warnings

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "torchlike", "_data", "torch_api.txt")

CENSUS = ("torch", "Tensor", "torch.nn.functional", "torch.nn", "torch.optim", "torch.optim.lr_scheduler",
          "torch.utils.data", "torch.linalg", "torch.fft", "torch.special", "torch.autograd", "torch.func",
          "torch.distributed", "torch.jit", "torch.fx", "torch.amp")
EXTRA = ("torch.cuda", "torch.nn.init")


def _torch_made(obj):
    mod = getattr(obj, "__module__", None)
    return isinstance(mod, str) and (mod == "torch" or mod.startswith("torch."))


def counts(obj):
    """Whether a public attribute value counts as part of the namespace's API."""
    if inspect.ismodule(obj):
        return False
    if inspect.isclass(obj) or inspect.isroutine(obj):
        # C-implemented torch functions may carry no __module__ at all: keep those
        return _torch_made(obj) or getattr(obj, "__module__", None) in (None, "torch._C")
    if obj is None or (type(obj) in (int, float, complex)):
        return True
    if isinstance(obj, (bool, str, bytes, dict)):
        return False
    return _torch_made(type(obj)) or _torch_made(obj)


def public(obj, class_members=False):
    for name in sorted(dir(obj)):
        if name.startswith("_"):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                v = getattr(obj, name)
        except Exception:
            continue
        if class_members:
            if not inspect.ismodule(v):
                yield name
        elif counts(v):
            yield name


def namespace(ns):
    if ns == "torch":
        return torch
    if ns == "Tensor":
        return torch.Tensor
    return importlib.import_module(ns)


def main():
    warnings.simplefilter("ignore")
    lines = []
    for ns in CENSUS + EXTRA:
        lines += [f"{ns} {n}" for n in public(namespace(ns), class_members=(ns == "Tensor"))]
    with open(OUT, "w") as f:
        f.write(f"# public names of torch {torch.__version__}; regenerate with tools/gen_torch_api.py\n")
        f.write("# census: " + " ".join(CENSUS) + "\n# extra: " + " ".join(EXTRA) + "\n")
        f.write("\n".join(lines) + "\n")
    print(len(lines), "names ->", OUT)


if __name__ == "__main__":
    main()
