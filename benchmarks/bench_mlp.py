"""784-128-64-10 MLP, batch 64, CPU: median time of forward+backward (and of a full SGD step) in torchlike eager,
PyTorch eager and jax.jit(jax.grad(...)), printed as ratios measured in the same run.

    python benchmarks/bench_mlp.py [--repeats 200]
"""
from __future__ import annotations

import argparse
import functools

import numpy as np

from _timing import timeit as _timeit

timeit = functools.partial(_timeit, warmup=20)


def build(lib, x, y):
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    loss_fn = nn.CrossEntropyLoss()
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    X, Y = lib.from_numpy(x), lib.from_numpy(y)

    def fwd_bwd():
        model.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        return loss

    def step():
        opt.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        opt.step()
        return loss
    return fwd_bwd, step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=200)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 784)).astype(np.float32)
    y = rng.integers(0, 10, 64)

    import jax
    import jax.numpy as jnp
    import torchlike
    res = {}
    tl_fb, tl_step = build(torchlike, x, y)
    try:
        import torch
        torch.set_num_threads(2)
        th_fb, th_step = build(torch, x, y)
    except ImportError:
        torch = None

    def init(key, sizes=(784, 128, 64, 10)):
        ps = []
        for i, o in zip(sizes[:-1], sizes[1:]):
            key, k1 = jax.random.split(key)
            ps.append((jax.random.normal(k1, (o, i), jnp.float32) * 0.05, jnp.zeros((o,), jnp.float32)))
        return ps

    def loss(ps, xb, yb):
        h = xb
        for k, (w, b) in enumerate(ps):
            h = h @ w.T + b
            if k < len(ps) - 1:
                h = jax.nn.relu(h)
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(h), yb[:, None], 1))
    ps = init(jax.random.PRNGKey(0))
    xj, yj = jnp.asarray(x), jnp.asarray(y)
    g = jax.jit(jax.grad(loss))
    sgd = jax.jit(lambda ps, xb, yb: jax.tree_util.tree_map(lambda p, d: p - 0.01 * d, ps, jax.grad(loss)(ps, xb, yb)))
    state = [ps]

    def jstep():
        state[0] = sgd(state[0], xj, yj)
        jax.block_until_ready(state[0])

    res["jax.jit(grad) fwd+bwd"] = timeit(lambda: jax.block_until_ready(g(ps, xj, yj)), a.repeats)
    res["jax.jit SGD step"] = timeit(jstep, a.repeats)
    res["torchlike eager fwd+bwd"] = timeit(lambda: tl_fb()._value().block_until_ready(), a.repeats)
    res["torchlike eager SGD step"] = timeit(lambda: tl_step()._value().block_until_ready(), a.repeats)
    compiled = torchlike.compile(tl_step)
    res["torchlike compiled SGD step"] = timeit(lambda: compiled()._value().block_until_ready(), a.repeats)
    if torch is not None:
        res["torch eager fwd+bwd"] = timeit(th_fb, a.repeats)
        res["torch eager SGD step"] = timeit(th_step, a.repeats)
    for k, v in res.items():
        print(f"{k:28s} {v * 1e3:8.3f} ms")
    if torch is not None:
        print(f"torchlike/torch fwd+bwd: {res['torchlike eager fwd+bwd'] / res['torch eager fwd+bwd']:.2f}x   "
              f"torchlike/jax: {res['torchlike eager fwd+bwd'] / res['jax.jit(grad) fwd+bwd']:.2f}x")
        print(f"torchlike/torch SGD step: {res['torchlike eager SGD step'] / res['torch eager SGD step']:.2f}x   "
              f"torchlike/jax: {res['torchlike eager SGD step'] / res['jax.jit SGD step']:.2f}x")
        print(f"torchlike compiled step / torch eager: "
              f"{res['torchlike compiled SGD step'] / res['torch eager SGD step']:.2f}x   "
              f"/ jax.jit: {res['torchlike compiled SGD step'] / res['jax.jit SGD step']:.2f}x")


if __name__ == "__main__":
    main()
