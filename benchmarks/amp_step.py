"""`python -m benchmarks.amp_step [--device cpu|cuda] [--lib torchlike|torch] [--compile] [--rounds N]`: one MLP
training step (784-512-512-10, batch 256, SGD) in float32 and inside `torch.autocast` (bfloat16 on the CPU, float16
on CUDA), interleaved rounds; prints the median wall and CPU time per step and the autocast/float32 ratios. CPU
time is the steadier measure on a shared machine."""
from __future__ import annotations

import argparse
import importlib
import statistics
import time


def _build(lib, device, compiled):
    lib.manual_seed(0)
    nn = lib.nn
    m = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)).to(device)
    opt = lib.optim.SGD(m.parameters(), lr=0.01)
    x, y = lib.randn(256, 784, device=device), lib.randint(0, 10, (256,), device=device)
    low = lib.bfloat16 if device == "cpu" else lib.float16

    def step(amp):
        opt.zero_grad()
        with lib.autocast(device, dtype=low, enabled=amp):
            loss = nn.functional.cross_entropy(m(x), y)
        loss.backward()
        opt.step()
        return loss
    f32, amp = (lambda: step(False)), (lambda: step(True))
    if compiled:
        f32, amp = lib.compile(f32), lib.compile(amp)
    return f32, amp


def _time(fn, repeats):
    wall, cpu = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn().item()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall) * 1e3, statistics.median(cpu) * 1e3


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--device", default="cpu")
    p.add_argument("--lib", default="torchlike")
    p.add_argument("--compile", action="store_true")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--repeats", type=int, default=15)
    a = p.parse_args(argv)
    lib = importlib.import_module(a.lib)
    f32, amp = _build(lib, a.device, a.compile)
    for _ in range(5):
        f32().item()
        amp().item()
    rows = {"float32": [], "autocast": []}
    for _ in range(a.rounds):
        rows["float32"].append(_time(f32, a.repeats))
        rows["autocast"].append(_time(amp, a.repeats))
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in rows.items()}
    (w32, c32), (wlo, clo) = best["float32"], best["autocast"]
    print(f"{a.lib} {a.device}{' compiled' if a.compile else ''}: float32 {w32:.2f} ms wall / {c32:.2f} ms CPU; "
          f"autocast {wlo:.2f} ms wall / {clo:.2f} ms CPU; ratio {wlo / w32:.2f} wall, {clo / c32:.2f} CPU")


if __name__ == "__main__":
    main()
