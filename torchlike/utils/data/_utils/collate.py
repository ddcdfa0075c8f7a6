"""torch.utils.data._utils.collate (see torchlike/utils/data/_collate.py)."""
from .._collate import *  # noqa: F401,F403
from .._collate import __all__  # noqa: F401
