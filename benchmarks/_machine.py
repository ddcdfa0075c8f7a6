"""The machine and software the benchmarks ran on (read without importing JAX or PyTorch)."""
from __future__ import annotations

import importlib.metadata
import os
import platform
import sys


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(pkg):
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def describe():
    """[(label, value)] for the header of the results file."""
    return [("CPU", f"{_cpu_model()}, {os.cpu_count()} cores (os.cpu_count())"),
            ("RAM", _ram_gib()),
            ("OS", platform.platform()),
            ("Python", sys.version.split()[0]),
            ("Versions", ", ".join(f"{p} {_version(p)}" for p in ("jax", "jaxlib", "torch", "numpy", "optax")))]


def load():
    try:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "unknown"
