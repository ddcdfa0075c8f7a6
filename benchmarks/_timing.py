"""Shared by the benchmarks: the median wall time of a callable."""
from __future__ import annotations

import statistics
import time


def timeit(fn, repeats, warmup=20):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)
