"""torch.nn.functional: re-exports the private implementations in nn/_functional/."""
from ._functional.linear import *  # noqa: F401,F403
from ._functional.layers import *  # noqa: F401,F403
from ._functional.activations import *  # noqa: F401,F403
from ._functional.losses import *  # noqa: F401,F403
from ._functional.attention import *  # noqa: F401,F403
