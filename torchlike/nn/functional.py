"""torch.nn.functional: re-exports the private implementations in nn/_functional/."""
from ._functional.linear import *  # noqa: F401,F403
from ._functional.layers import *  # noqa: F401,F403
from ._functional.activations import *  # noqa: F401,F403
from ._functional.losses import *  # noqa: F401,F403
from ._functional.attention import *  # noqa: F401,F403
from ._functional.fractional import *  # noqa: F401,F403


def _dispatchable_functional():
    """Every public function here takes part in __torch_function__ (torch's handle_torch_function guards)."""
    import types
    from .._torch_function import dispatchable
    g = globals()
    for n, f in list(g.items()):
        if not n.startswith("_") and isinstance(f, types.FunctionType) and f.__module__.startswith("torchlike"):
            g[n] = dispatchable(f)
            g[n].__module__ = __name__


_dispatchable_functional()


# names torch.nn.functional re-exports (census of issue 14)
from ..overrides import (handle_torch_function, has_torch_function, has_torch_function_unary,  # noqa: E402,F401
                         has_torch_function_variadic)
from .._tensor import Tensor  # noqa: E402,F401
from .._breadth import conv_tbc  # noqa: E402,F401
BroadcastingList1 = BroadcastingList2 = BroadcastingList3 = list   # TorchScript annotations; plain lists eagerly


def boolean_dispatch(arg_name, arg_index, default, if_true, if_false, module_name, func_name):
    """Pick if_true/if_false by a boolean argument (torch's helper behind max_pool2d's return_indices)."""
    def fn(*args, **kwargs):
        flag = kwargs[arg_name] if arg_name in kwargs else (args[arg_index] if arg_index < len(args) else default)
        return if_true(*args, **kwargs) if flag else if_false(*args, **kwargs)
    fn.__module__, fn.__name__ = module_name, func_name
    return fn


def assert_int_or_pair(arg, arg_name, message):
    assert isinstance(arg, int) or len(arg) == 2, message.format(arg_name)
