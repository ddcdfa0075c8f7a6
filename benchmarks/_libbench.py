"""Measurements of PyTorch and torchlike: the same model code runs on either library (`lib` is the module)."""
from __future__ import annotations

import math
import os
import time

from . import _config as C
from ._timing import per_call, per_step


def load(name, device):
    """(lib, torch-style device string). PyTorch always runs on the CPU, with one thread per core."""
    if name == "torch":
        import torch as lib
        lib.set_num_threads(os.cpu_count())
        return lib, "cpu"
    import torchlike as lib
    return lib, ("cuda" if device == "cuda" else "cpu")


def block(t):
    """Wait for a tensor's value (torchlike dispatches to JAX asynchronously; PyTorch CPU is synchronous)."""
    v = getattr(t, "_value", None)
    if v is not None:
        v().block_until_ready()


def device_name(lib, dev):
    if dev == "cuda":
        return lib.cuda.get_device_name(0)
    return "cpu"


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def cnn(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * 8 * 8, 10))


def make_step(lib, model, opt_name, x, y):
    """The training step the issue names: zero_grad, loss, backward, optimizer step; returns the loss tensor."""
    if opt_name == "sgd":
        opt = lib.optim.SGD(model.parameters(), lr=C.SGD_LR)
    else:
        opt = lib.optim.Adam(model.parameters(), lr=C.ADAM_LR)
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def _data(lib, dev, shape, batch, seed=0):
    import numpy as np
    rng = np.random.default_rng(seed)
    # library-owned tensors (like DataLoader batches); a from_numpy tensor would make torchlike copy the shared
    # NumPy buffer on every read, since NumPy may change it at any time
    x = lib.tensor(rng.standard_normal((batch,) + shape).astype(np.float32)).to(dev)
    y = lib.tensor(rng.integers(0, 10, batch).astype(np.int64)).to(dev)
    return x, y


def _finite(t, loss):
    """The time, or NaN when the step produced a non-finite loss (the runner then reports the value missing)."""
    return t if math.isfinite(float(loss)) else float("nan")


def _time_model(name, device, build, shape, batch, opt_name, repeats, warmup):
    """{column: seconds per step} for one model/batch/optimizer: eager, and for torchlike also compiled."""
    lib, dev = load(name, device)
    modes = ("eager", "compiled") if name == "torchlike" else ("eager",)
    out = {}
    for mode in modes:
        lib.manual_seed(0)
        x, y = _data(lib, dev, shape, batch)
        step = make_step(lib, build(lib).to(dev), opt_name, x, y)
        if mode == "compiled":
            step = lib.compile(step)
        t, loss = per_step(step, block, repeats, warmup)
        col = "torch" if name == "torch" else "tl_" + mode
        out[col] = _finite(t, loss)
    return out


def _merge(results, key, per_col):
    for col, v in per_col.items():
        results.setdefault(col, {})[key] = v


def ops(name, device, cfg):
    lib, dev = load(name, device)
    fns = {"add": lambda a, b: lib.add(a, b), "matmul": lambda a, b: lib.matmul(a, b),
           "relu": lambda a, b: lib.relu(a), "sum": lambda a, b: lib.sum(a)}
    col = "torch" if name == "torch" else "tl_eager"
    res = {col: {}}
    for n in C.OP_SIZES:
        lib.manual_seed(0)
        a, b = lib.randn(n, n).to(dev), lib.randn(n, n).to(dev)
        for op in C.OPS:
            f = fns[op]
            res[col][f"ops.{op}.{n}"] = per_call(lambda: f(a, b), block, cfg.op_calls, cfg.op_repeats, cfg.op_warmup)
    return {"results": res, "device": device_name(lib, dev)}


def mlp_section(name, device, cfg):
    res = {}
    for b in C.MLP_BATCHES:
        for opt in C.OPTIMIZERS:
            _merge(res, f"mlp.b{b}.{opt}",
                   _time_model(name, device, mlp, (784,), b, opt, cfg.mlp_repeats, cfg.mlp_warmup))
    lib, dev = load(name, device)
    return {"results": res, "device": device_name(lib, dev)}


def cnn_section(name, device, cfg):
    res = {}
    _merge(res, f"cnn.b{C.CNN_BATCH}.adam",
           _time_model(name, device, cnn, (3, 32, 32), C.CNN_BATCH, "adam", cfg.cnn_repeats, cfg.cnn_warmup))
    lib, dev = load(name, device)
    return {"results": res, "device": device_name(lib, dev)}


def first_step(name, device, cfg):
    """A fresh process's first MLP steps (batch 64, SGD; torchlike compiled): import time, then each step's time.
    `first_done` is the wall clock (time.time) when the first step's result was ready."""
    t0 = time.perf_counter()
    lib, dev = load(name, device)
    t_import = time.perf_counter() - t0
    lib.manual_seed(0)
    x = lib.randn(64, 784).to(dev)
    y = lib.randint(0, 10, (64,)).to(dev)
    step = make_step(lib, mlp(lib).to(dev), "sgd", x, y)
    if name == "torchlike":
        step = lib.compile(step)
    steps, first_done, loss = [], None, None
    for _ in range(cfg.startup_steps):
        t1 = time.perf_counter()
        loss = step()
        block(loss)
        steps.append(time.perf_counter() - t1)
        first_done = first_done or time.time()
    return {"import": t_import, "steps": [_finite(s, loss) for s in steps], "first_done": first_done,
            "device": device_name(lib, dev)}


SECTIONS = {"ops": ops, "mlp": mlp_section, "cnn": cnn_section, "first_step": first_step}
