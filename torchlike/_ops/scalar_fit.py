"""c10's checked scalar conversion: a Python number written into a tensor of `dtype` (fill values, alpha) must fit,
or torch raises "value cannot be converted to type <C type> without overflow"."""
from __future__ import annotations

import math

import numpy as np

_CTYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
           "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}
_FLOAT_MAX = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38, "float32": 3.4028234663852886e38}


def overflows(dtype, v):
    """Whether torch refuses to convert the Python number `v` to `dtype` (c10::overflows)."""
    if isinstance(v, bool) or dtype._category in (0, 3) or not isinstance(v, (int, float)):
        return False
    if dtype._category == 1:
        info = np.iinfo(dtype.np)
        if isinstance(v, float):
            return not math.isfinite(v) or v < info.min or v > info.max
        if info.min == 0:                       # unsigned: negative integers wrap, as in C
            return v > info.max or -v > info.max
        return not info.min <= v <= info.max
    if dtype.name in _FLOAT_MAX and math.isfinite(v):
        return abs(v) > _FLOAT_MAX[dtype.name]
    return False


def check(dtype, v):
    if overflows(dtype, v):
        raise RuntimeError(f"value cannot be converted to type {_CTYPES[dtype.name]} without overflow")
