"""torch.utils.cpp_extension: importable as on a CPU-only build without a toolchain for torch's C++ API.

Building or loading a C++/CUDA extension needs libtorch's headers and ABI, which a JAX backend has none of:
`load`, `load_inline` and the setuptools build_ext raise RuntimeError saying so. CUDA_HOME/ROCM_HOME are None.
"""
from __future__ import annotations

import os

__all__ = ["get_default_build_root", "check_compiler_ok_for_platform", "get_compiler_abi_compatibility_and_version",
           "BuildExtension", "CppExtension", "CUDAExtension", "SyclExtension", "include_paths", "library_paths",
           "load", "load_inline", "is_ninja_available", "verify_ninja_availability",
           "remove_extension_h_precompiler_headers",
           "get_cxx_compiler", "check_compiler_is_gcc"]

CUDA_HOME = None
ROCM_HOME = None
SYCL_HOME = None
HIP_HOME = None
IS_HIP_EXTENSION = False
IS_WINDOWS = os.name == "nt"
IS_MACOS = False
IS_LINUX = not IS_WINDOWS
LIB_EXT = ".pyd" if IS_WINDOWS else ".so"
_NO_BUILD = ("torch C++/CUDA extensions cannot be built or loaded with torchlike: there is no libtorch (C++ API, "
             "ATen headers, dispatcher) on this JAX backend. Write the op in Python (torch.library.custom_op) "
             "or JAX instead.")


def get_default_build_root():
    import getpass
    import tempfile
    return os.path.realpath(os.path.join(tempfile.gettempdir(), f"torch_extensions_{getpass.getuser()}"))


def is_ninja_available():
    import shutil
    return shutil.which("ninja") is not None


def verify_ninja_availability():
    if not is_ninja_available():
        raise RuntimeError("Ninja is required to load C++ extensions (pip install ninja to get it)")


def check_compiler_ok_for_platform(compiler):
    return True


def get_cxx_compiler():
    return os.environ.get("CXX", "c++")


def check_compiler_is_gcc(compiler):
    return "g++" in compiler or "gcc" in compiler


def get_compiler_abi_compatibility_and_version():
    return False, None


def include_paths(device_type="cpu", torch_include_dirs=True):
    raise RuntimeError(_NO_BUILD)


def library_paths(device_type="cpu", torch_include_dirs=True):
    raise RuntimeError(_NO_BUILD)


def remove_extension_h_precompiler_headers():
    return None


def CppExtension(name, sources, *args, **kwargs):  # noqa: N802
    raise RuntimeError(_NO_BUILD)


def CUDAExtension(name, sources, *args, **kwargs):  # noqa: N802
    raise RuntimeError(_NO_BUILD)


def SyclExtension(name, sources, *args, **kwargs):  # noqa: N802
    raise RuntimeError(_NO_BUILD)


class BuildExtension:
    @classmethod
    def with_options(cls, **options):
        return cls

    def __init__(self, *args, **kwargs):
        raise RuntimeError(_NO_BUILD)


def load(name, sources, *args, **kwargs):
    raise RuntimeError(_NO_BUILD)


def load_inline(name, cpp_sources, *args, **kwargs):
    raise RuntimeError(_NO_BUILD)
