"""Regenerate torchlike/_data/torch_api.txt from the installed PyTorch (a developer tool; needs torch).

One line per public name: `<namespace> <name>`, namespace in torch, Tensor, torch.linalg, torch.fft, torch.cuda, torch.nn(.functional/.init), torch.optim(.lr_scheduler),
torch.utils.data, torch.autograd, torch.func.
"""
import inspect
import os

import torch
import torch.nn.functional  # noqa: F401  (load the submodules)
import torch.utils.data  # noqa: F401

OUT = os.path.join(os.path.dirname(__file__), "..", "torchlike", "_data", "torch_api.txt")


def public(obj, want_callable=True):
    for name in sorted(dir(obj)):
        if name.startswith("_"):
            continue
        try:
            v = getattr(obj, name)
        except Exception:
            continue
        if inspect.ismodule(v):
            continue
        if want_callable and not callable(v) and not isinstance(v, (property, torch.dtype)):
            if not (inspect.isdatadescriptor(v) or inspect.isgetsetdescriptor(v)):
                continue
        yield name


def main():
    lines = [f"torch {n}" for n in public(torch)]
    lines += [f"Tensor {n}" for n in public(torch.Tensor, want_callable=False)]
    for ns in ("linalg", "fft", "cuda"):
        lines += [f"torch.{ns} {n}" for n in public(getattr(torch, ns))]

    for ns, mod in (("torch.nn", torch.nn), ("torch.nn.functional", torch.nn.functional),
                    ("torch.nn.init", torch.nn.init), ("torch.optim", torch.optim),
                    ("torch.optim.lr_scheduler", torch.optim.lr_scheduler), ("torch.utils.data", torch.utils.data),
                    ("torch.autograd", torch.autograd), ("torch.func", torch.func)):
        lines += [f"{ns} {n}" for n in public(mod)]
    with open(OUT, "w") as f:
        f.write(f"# public names of torch {torch.__version__}; regenerate with tools/gen_torch_api.py\n")
        f.write("\n".join(lines) + "\n")
    print(len(lines), "names ->", OUT)


if __name__ == "__main__":
    main()
