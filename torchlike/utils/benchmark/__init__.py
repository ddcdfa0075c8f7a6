"""torch.utils.benchmark: Timer, Measurement and Compare (statement timing as PyTorch reports it)."""
from __future__ import annotations

from .utils.common import Measurement, TaskSpec, ordered_unique, select_unit, set_torch_threads, trim_sigfig  # noqa
from .utils.common import unit_to_english  # noqa: F401
from .utils.compare import Compare  # noqa: F401
from .utils.timer import Language, Timer, timer  # noqa: F401

__all__ = ["Compare", "Language", "Measurement", "TaskSpec", "Timer", "select_unit", "set_torch_threads",
           "trim_sigfig", "ordered_unique", "timer", "unit_to_english"]
