"""torch.utils.collect_env: a report of the environment (python -m torch.utils.collect_env)."""
from __future__ import annotations

import locale
import os
import platform
import sys
from collections import namedtuple

__all__ = ["get_env_info", "get_pretty_env_info", "main"]

SystemEnv = namedtuple("SystemEnv", ["torch_version", "is_debug_build", "cuda_compiled_version", "gcc_version",
                                     "clang_version", "cmake_version", "os", "libc_version", "python_version",
                                     "python_platform", "is_cuda_available", "cuda_runtime_version",
                                     "cuda_module_loading", "nvidia_driver_version", "nvidia_gpu_models",
                                     "cudnn_version", "pip_version", "pip_packages", "conda_packages",
                                     "hip_compiled_version", "hip_runtime_version", "miopen_runtime_version",
                                     "caching_allocator_config", "is_xnnpack_available", "cpu_info",
                                     "jax_version", "jax_backend"])


def _pip_packages():
    from importlib import metadata
    names = ("numpy", "jax", "jaxlib", "torchlike", "ml_dtypes", "optax")
    out = []
    for n in names:
        try:
            out.append(f"[pip3] {n}=={metadata.version(n)}")
        except metadata.PackageNotFoundError:
            pass
    return "\n".join(out)


def get_env_info():
    import jax
    import torchlike
    gpus = [d for d in jax.devices() if d.platform == "gpu"]
    return SystemEnv(
        torch_version=getattr(torchlike, "__version__", "N/A"), is_debug_build=False, cuda_compiled_version=None,
        gcc_version=None, clang_version=None, cmake_version=None, os=platform.platform(),
        libc_version="-".join(platform.libc_ver()), python_version=f"{sys.version.replace(os.linesep, ' ')} "
        f"({sys.maxsize.bit_length() + 1}-bit runtime)", python_platform=platform.platform(),
        is_cuda_available=bool(gpus), cuda_runtime_version=None, cuda_module_loading="N/A",
        nvidia_driver_version=None, nvidia_gpu_models="\n".join(d.device_kind for d in gpus) or None,
        cudnn_version=None, pip_version="pip3", pip_packages=_pip_packages(), conda_packages="",
        hip_compiled_version="N/A", hip_runtime_version="N/A", miopen_runtime_version="N/A",
        caching_allocator_config=os.environ.get("PYTORCH_CUDA_ALLOC_CONF", ""), is_xnnpack_available=False,
        cpu_info=platform.processor() or platform.machine(), jax_version=jax.__version__,
        jax_backend=jax.default_backend())


def get_pretty_env_info():
    info = get_env_info()._asdict()
    pip = info.pop("pip_packages")
    lines = [f"{k.replace('_', ' ').capitalize()}: {'Could not collect' if v is None else v}" for k, v in info.items()]
    return "\n".join(lines) + "\n\nVersions of relevant libraries:\n" + pip


def main():
    print("Collecting environment information...")
    print(get_pretty_env_info())
    _ = locale.getpreferredencoding()


if __name__ == "__main__":
    main()
