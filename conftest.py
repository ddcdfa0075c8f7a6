"""The test tiers (see README): `smoke` is a quick cross-section of the default tier, chosen by file here so that it
stays one list; `slow` and `ecosystem` are marked where they are defined."""
import os

import pytest

SMOKE = {  # about two minutes on 2 cores: creation/copies, views, autograd, nn paths, optim, compile, save/load
    "tests/test_storage.py", "tests/test_runner.py", "tests/test_interrupt.py", "tests/test_load_untrusted.py",
    "tests/test_jit.py", "tests/test_check_grads.py", "tests/test_mt19937.py", "tests/test_jax_bridge.py",
    "tests/test_compile.py", "tests/test_namespace_compiler.py", "tests/test_utils_misc.py", "tests/test_metadata.py",
    "compat_tests/test_smoke.py", "compat_tests/test_core.py", "compat_tests/test_views.py",
    "compat_tests/test_save_load.py", "compat_tests/test_view_alias.py", "compat_tests/test_fuzz.py",
    "compat_tests/test_random.py", "compat_tests/test_nn_paths.py", "compat_tests/test_optim.py",
}
ROOT = os.path.dirname(os.path.abspath(__file__))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if os.path.relpath(str(item.fspath), ROOT).replace(os.sep, "/") in SMOKE:
            item.add_marker(pytest.mark.smoke)


_RUN = [0]


def _release():
    import gc

    import jax
    jax.clear_caches()
    gc.collect()


@pytest.fixture(autouse=True, scope="module")
def _release_compiled_programs():
    """Tests compile thousands of small kernels; dropping JAX's in-memory executables after each module and every
    150 tests keeps the default tier's peak memory bounded (a kernel needed again is compiled again, or read from
    the disk cache)."""
    yield
    if os.environ.get("TORCHLIKE_TEST_KEEP_CACHES") != "1":
        _release()


@pytest.fixture(autouse=True)
def _release_every_150_tests():
    yield
    _RUN[0] += 1
    if _RUN[0] % 150 == 0 and os.environ.get("TORCHLIKE_TEST_KEEP_CACHES") != "1":
        _release()
