"""A CIFAR-sized CNN training step (batch 64, 3x32x32, two conv+pool blocks, Adam): median times of torchlike
eager, torchlike.compile and PyTorch eager, as ratios measured in the same run.

    python benchmarks/bench_cnn.py [--repeats 30]
"""
from __future__ import annotations

import argparse
import functools

import numpy as np

from _timing import timeit as _timeit

timeit = functools.partial(_timeit, warmup=5)


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


def _jax_step(x, y, repeats):
    """The same CNN and Adam step written directly in JAX (lax.conv, max of strided slices, optax.adam)."""
    import jax
    import jax.numpy as jnp
    import optax
    from jax import lax
    k = jax.random.split(jax.random.PRNGKey(0), 4)
    f = jnp.float32          # torchlike runs JAX in x64 mode: be explicit
    params = {"c1": (jax.random.normal(k[0], (32, 3, 3, 3), f) * 0.1, jnp.zeros(32, f)),
              "c2": (jax.random.normal(k[1], (64, 32, 3, 3), f) * 0.05, jnp.zeros(64, f)),
              "f1": (jax.random.normal(k[2], (128, 4096), f) * 0.01, jnp.zeros(128, f)),
              "f2": (jax.random.normal(k[3], (10, 128), f) * 0.1, jnp.zeros(10, f))}

    def conv(h, wb):
        w, b = wb
        return lax.conv_general_dilated(h, w, (1, 1), ((1, 1), (1, 1)),
                                        dimension_numbers=("NCHW", "OIHW", "NCHW")) + b[None, :, None, None]

    def pool(h):
        return jnp.maximum(jnp.maximum(h[:, :, 0::2, 0::2], h[:, :, 0::2, 1::2]),
                           jnp.maximum(h[:, :, 1::2, 0::2], h[:, :, 1::2, 1::2]))

    def loss(p, xb, yb):
        h = pool(jax.nn.relu(conv(xb, p["c1"])))
        h = pool(jax.nn.relu(conv(h, p["c2"]))).reshape(xb.shape[0], -1)
        h = jax.nn.relu(h @ p["f1"][0].T + p["f1"][1])
        h = h @ p["f2"][0].T + p["f2"][1]
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(h), yb[:, None], 1))
    opt = optax.adam(1e-3)

    @jax.jit
    def step(p, s, xb, yb):
        lv, g = jax.value_and_grad(loss)(p, xb, yb)
        u, s = opt.update(g, s, p)
        return optax.apply_updates(p, u), s, lv
    state = [params, opt.init(params)]
    xj, yj = jnp.asarray(x), jnp.asarray(y)

    def run():
        state[0], state[1], lv = step(state[0], state[1], xj, yj)
        lv.block_until_ready()
    return timeit(run, repeats)


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
    res["hand-written jax.jit"] = _jax_step(x, y, a.repeats)
    try:
        import torch
        torch.set_num_threads(2)
        th = build(torch, x, y)
        res["torch eager"] = timeit(th, a.repeats)
    except ImportError:
        pass
    for k, v in res.items():
        print(f"{k:20s} {v * 1e3:8.2f} ms")
    print(f"torchlike compiled / hand-written JAX: {res['torchlike compiled'] / res['hand-written jax.jit']:.2f}x")
    if "torch eager" in res:
        print(f"torchlike eager / torch: {res['torchlike eager'] / res['torch eager']:.2f}x   "
              f"torchlike compiled / torch: {res['torchlike compiled'] / res['torch eager']:.2f}x")


if __name__ == "__main__":
    main()
