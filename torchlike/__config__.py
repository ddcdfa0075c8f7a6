"""torch.__config__: how this build was made (torchlike runs on JAX/XLA)."""
from __future__ import annotations


def show():
    import jax
    import jaxlib
    return (f"PyTorch built with:\n  - torchlike (the PyTorch API on JAX)\n  - JAX {jax.__version__}, jaxlib "
            f"{jaxlib.__version__} (XLA)\n  - Build settings: BUILD_TYPE=Release, USE_CUDA=OFF, USE_MKLDNN=OFF, "
            "USE_OPENMP=OFF\n")


def parallel_info():
    from ._types import get_num_interop_threads, get_num_threads
    return (f"ATen/Parallel:\n\tat::get_num_threads() : {get_num_threads()}\n\tat::get_num_interop_threads() : "
            f"{get_num_interop_threads()}\nATen parallel backend: XLA (JAX)\n")


def _cxx_flags():
    return ""
