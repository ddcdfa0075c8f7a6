"""Which of PyTorch's public functions and Tensor methods the differential tests in compat_tests/ exercise.

A static scan: names used as `lib.<name>` / `lib.linalg.<name>` / `lib.fft.<name>` (torch functions) or as
`.<name>(` / `.<name>` on tensors (Tensor methods and properties), kept when PyTorch and torchlike both have them.
usage: python tools/compat_coverage.py [--list]
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

from torchlike.coverage import load, resolve  # noqa: E402
from torchlike import dtype as _dtype_cls  # noqa: E402


def main(argv):
    src = ""
    for dirpath, _, files in os.walk(os.path.join(ROOT, "compat_tests")):
        for f in files:
            if f.endswith(".py"):
                src += open(os.path.join(dirpath, f)).read() + "\n"
    lib_names = set(re.findall(r"\blib\.((?:linalg\.|fft\.|cuda\.)?[A-Za-z_][A-Za-z0-9_]*)", src))
    attr_names = set(re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)\b", src))
    quoted = set(re.findall(r"[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']", src))   # names in parametrize tables
    covered = {}
    for ns, name in load():
        target = resolve(ns)
        if target is None or not hasattr(target, name):
            continue
        if isinstance(getattr(target, name), (type, _dtype_cls)) and ns != "Tensor":
            continue          # dtypes and classes are not functions
        if ns == "torch":
            hit = name in lib_names or name in quoted
        elif ns == "Tensor":
            hit = name in attr_names or name in quoted
        else:
            hit = f"{ns.split('.')[1]}.{name}" in lib_names or name in quoted
        if hit:
            covered.setdefault(ns, []).append(name)
    total = sum(len(v) for v in covered.values())
    for ns, names in covered.items():
        print(f"{ns:14s} {len(names)}")
        if "--list" in argv:
            print("   ", ", ".join(sorted(names)))
    print(f"total distinct public functions/methods exercised against torch: {total}")


if __name__ == "__main__":
    main(sys.argv[1:])
