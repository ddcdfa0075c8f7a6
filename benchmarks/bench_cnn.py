"""A CIFAR-sized CNN training step (batch 64, 3x32x32, two conv+pool blocks, Adam): median times of torchlike
eager, torchlike.compile and PyTorch eager, as ratios measured in the same run.

    python benchmarks/bench_cnn.py [--repeats 30]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def timeit(fn, repeats, warmup=5):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def build(lib, x, y):
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64 * 8 * 8, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    X, Y = lib.from_numpy(x), lib.from_numpy(y)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        opt.step()
        return loss
    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=30)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3, 32, 32)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    import torchlike
    res = {}
    tl = build(torchlike, x, y)
    res["torchlike eager"] = timeit(lambda: tl()._value().block_until_ready(), a.repeats)
    tlc = torchlike.compile(build(torchlike, x, y))
    res["torchlike compiled"] = timeit(lambda: tlc()._value().block_until_ready(), a.repeats)
    try:
        import torch
        torch.set_num_threads(2)
        th = build(torch, x, y)
        res["torch eager"] = timeit(th, a.repeats)
    except ImportError:
        pass
    for k, v in res.items():
        print(f"{k:20s} {v * 1e3:8.2f} ms")
    if "torch eager" in res:
        print(f"torchlike eager / torch: {res['torchlike eager'] / res['torch eager']:.2f}x   "
              f"torchlike compiled / torch: {res['torchlike compiled'] / res['torch eager']:.2f}x")


if __name__ == "__main__":
    main()
