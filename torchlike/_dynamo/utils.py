"""torch._dynamo.utils: the helpers libraries call (compile support per device, counters, timing)."""
from __future__ import annotations

import collections

counters = collections.defaultdict(collections.Counter)
compilation_time_metrics: dict = {}


def is_compile_supported(device_type):
    """torch.compile works on every device torchlike runs on."""
    return str(device_type).split(":")[0] in ("cpu", "cuda", "tpu", "meta")


def compile_times(repr="str", aggregate=False):  # noqa: A002
    return "" if repr == "str" else ([], [])


def reset_frame_count():
    return None


def is_function_or_wrapper(value):
    return callable(value)


def istype(obj, allowed_types):
    if isinstance(allowed_types, (tuple, list, set)):
        return type(obj) in allowed_types
    return type(obj) is allowed_types
