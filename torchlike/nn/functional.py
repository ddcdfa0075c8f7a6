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
