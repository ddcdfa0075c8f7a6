"""torch.utils.data._utils, for code that imports the collate/worker helpers from their private PyTorch home."""
from __future__ import annotations

import sys

from .._worker import ExceptionWrapper  # noqa: F401
from . import collate, fetch, worker  # noqa: F401

IS_WINDOWS = sys.platform == "win32"
MP_STATUS_CHECK_INTERVAL = 5.0
HAS_NUMPY = True
