"""torch._dynamo.config: torch.compile's settings. The names torchlike.compile reads (cache_size_limit /
recompile_limit, suppress_errors, warm_up) live on torchlike._compile.config and are forwarded there; the other
names PyTorch has are kept here so that libraries can read and set them (they do not change torchlike's compile).
`patch(...)` sets some for the duration of a `with` block or a decorated function, as PyTorch's does."""
from __future__ import annotations

import contextlib
import sys
import types

from .._compile import config as _compile_config

_FORWARDED = ("cache_size_limit", "recompile_limit", "suppress_errors", "warm_up")

accumulated_cache_size_limit = 256
accumulated_recompile_limit = 256
verbose = False
capture_scalar_outputs = False
capture_dynamic_output_shape_ops = False
automatic_dynamic_shapes = True
assume_static_by_default = True
specialize_int = False
specialize_float = False
force_parameter_static_shapes = True
force_nn_module_property_static_shapes = True
guard_nn_modules = True
inline_inbuilt_nn_modules = True
optimize_ddp = True
error_on_recompile = False
skip_fwd_side_effects_in_bwd_under_checkpoint = False
allow_unspec_int_on_nn_module = False
dynamic_shapes = True
cache_size_limit_warnings = True
replay_record_enabled = False
rewrite_assert_with_torch_assert = True
raise_on_ctx_manager_usage = True
allow_rnn = False
capture_autograd_function = True
capture_func_transforms = True
log_compilation_metrics = True
trace_numpy = True
numpy_default_float = "float64"
use_numpy_random_stream = False
compiled_autograd = False
prefer_deferred_runtime_asserts_over_guards = False
allow_complex_guards_as_runtime_asserts = False
do_not_emit_runtime_asserts = False
skip_nnmodule_hook_guards = True
enable_cpp_guard_manager = True
disable = False
cprofile = False
repro_after = None
repro_level = 2
base_dir = ""
debug_dir_root = ""


class _ConfigModule(types.ModuleType):
    def __getattr__(self, name):
        if name in _FORWARDED:
            return getattr(_compile_config, name)
        raise AttributeError(f"module 'torch._dynamo.config' has no attribute '{name}'")

    def __setattr__(self, name, value):
        if name in _FORWARDED:
            setattr(_compile_config, name, value)
        else:
            super().__setattr__(name, value)

    def patch(self, arg1=None, arg2=None, **kwargs):
        """config.patch(name, value) / config.patch({name: value}) / config.patch(name=value): a context manager
        and decorator that restores the previous values afterwards."""
        changes = {}
        if isinstance(arg1, str):
            changes[arg1] = arg2
        elif isinstance(arg1, dict):
            changes.update(arg1)
        changes.update(kwargs)
        for k in changes:
            if not hasattr(self, k):
                raise AttributeError(f"torch._dynamo.config has no attribute '{k}'")
        mod = self

        class _Patch(contextlib.ContextDecorator):
            def __enter__(self):
                self.saved = {k: getattr(mod, k) for k in changes}
                for k, v in changes.items():
                    setattr(mod, k, v)
                return self

            def __exit__(self, *exc):
                for k, v in self.saved.items():
                    setattr(mod, k, v)
                return False
        return _Patch()

    def get_config_copy(self):
        out = {k: v for k, v in vars(self).items() if not k.startswith("_") and not callable(v)
               and not isinstance(v, types.ModuleType)}
        out.update({k: getattr(_compile_config, k) for k in _FORWARDED})
        return out

    def save_config(self):
        import pickle
        return pickle.dumps(self.get_config_copy())

    def load_config(self, data):
        import pickle
        for k, v in (pickle.loads(data) if isinstance(data, bytes) else data).items():
            setattr(self, k, v)


sys.modules[__name__].__class__ = _ConfigModule
