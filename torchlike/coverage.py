"""API coverage against PyTorch's public names: `python -m torchlike.coverage [--missing] [--markdown]`.

The list of PyTorch names is a data file generated from real PyTorch (tools/gen_torch_api.py), so this module
does not import torch.
"""
from __future__ import annotations

import argparse
import os
import sys

DATA = os.path.join(os.path.dirname(__file__), "_data", "torch_api.txt")


def load():
    with open(DATA) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                ns, name = line.split()
                yield ns, name


def resolve(ns):
    import importlib
    import torchlike
    if ns == "torch":
        return torchlike
    if ns == "Tensor":
        return torchlike.Tensor
    try:
        return importlib.import_module("torchlike" + ns[len("torch"):])
    except ImportError:
        return None


def report():
    """{namespace: (present names, missing names)}."""
    out = {}
    for ns, name in load():
        target = resolve(ns)
        present, missing = out.setdefault(ns, ([], []))
        (present if target is not None and hasattr(target, name) else missing).append(name)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--missing", action="store_true", help="list the missing names")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    a = p.parse_args(argv)
    rep = report()
    total_p = sum(len(v[0]) for v in rep.values())
    total = sum(len(v[0]) + len(v[1]) for v in rep.values())
    if a.markdown:
        print("| namespace | present | of | share |\n|---|---|---|---|")
    for ns, (present, missing) in rep.items():
        n = len(present) + len(missing)
        if a.markdown:
            print(f"| `{ns}` | {len(present)} | {n} | {100 * len(present) / n:.0f}% |")
        else:
            print(f"{ns:14s} {len(present):5d} / {n:5d}  ({100 * len(present) / n:.0f}%)")
        if a.missing and missing:
            print("    missing: " + ", ".join(missing))
    print(f"{'total':14s} {total_p:5d} / {total:5d}" if not a.markdown else f"\nTotal: {total_p} of {total}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
