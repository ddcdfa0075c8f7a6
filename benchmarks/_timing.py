"""Timing helpers shared by the workers. Every function returns seconds (a median over its repeats)."""
from __future__ import annotations

import statistics
import time


def per_step(step, block, repeats, warmup):
    """Median wall time of one `step()` call, each call waited for with `block(result)` before the clock stops."""
    r = None
    for _ in range(warmup):
        r = step()
    if r is not None:
        block(r)
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = step()
        block(r)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), r


def per_call(fn, block, calls, repeats, warmup):
    """Median over `repeats` loops of `calls` calls of `fn()` (waiting only for the last result) of time per call."""
    r = None
    for _ in range(warmup):
        r = fn()
    block(r)
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            r = fn()
        block(r)
        ts.append((time.perf_counter() - t0) / calls)
    return statistics.median(ts)
