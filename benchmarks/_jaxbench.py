"""The hand-written JAX/optax baselines: one `jax.jit` of loss + grad + optax update per training step.

Everything is float32 (explicit dtypes). The settings mirror torchlike's: full-precision float32 matmuls and
convolutions, and (for the start-up measurement) the same persistent-compilation-cache thresholds.
"""
from __future__ import annotations

import functools
import math
import time

from . import _config as C
from ._timing import per_call, per_step


def load(device, cache_dir=None):
    import jax
    jax.config.update("jax_default_matmul_precision", C.JAX_MATMUL_PRECISION)
    if cache_dir:
        jax.config.update("jax_compilation_cache_dir", cache_dir)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", C.JAX_CACHE_MIN_COMPILE_S)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", C.JAX_CACHE_MIN_ENTRY_BYTES)
    dev = jax.devices()[0]
    if (device == "cuda") != (dev.platform == "gpu"):
        raise RuntimeError(f"asked for device {device!r} but JAX's first device is {dev}")
    return jax, dev


def block(r):
    r.block_until_ready()


def _device_name(dev):
    return "cpu" if dev.platform == "cpu" else getattr(dev, "device_kind", str(dev))


def _linear_init(rng, o, i):
    """PyTorch's nn.Linear/Conv default init scale (uniform +-1/sqrt(fan_in)), as float32 numpy arrays."""
    import numpy as np
    bound = 1.0 / math.sqrt(i)
    return (rng.uniform(-bound, bound, (o, i)).astype(np.float32), rng.uniform(-bound, bound, o).astype(np.float32))


def mlp_params(rng):
    return [_linear_init(rng, o, i) for i, o in ((784, 128), (128, 64), (64, 10))]


def cnn_params(rng):
    w1, b1 = _linear_init(rng, 16, 3 * 9)
    w2, b2 = _linear_init(rng, 32, 16 * 9)
    return [(w1.reshape(16, 3, 3, 3), b1), (w2.reshape(32, 16, 3, 3), b2), _linear_init(rng, 10, 32 * 8 * 8)]


def _xent(jax, logits, y):
    import jax.numpy as jnp
    return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], 1))


def mlp_loss(p, x, y):
    import jax
    h = x
    for k, (w, b) in enumerate(p):
        h = h @ w.T + b
        if k < len(p) - 1:
            h = jax.nn.relu(h)
    return _xent(jax, h, y)


def cnn_loss(p, x, y):
    """lax.conv in NCHW, max-pool as the max of 4 strided slices."""
    import jax
    import jax.numpy as jnp
    from jax import lax

    def conv(h, w, b):
        return lax.conv_general_dilated(h, w, (1, 1), ((1, 1), (1, 1)),
                                        dimension_numbers=("NCHW", "OIHW", "NCHW")) + b[None, :, None, None]

    def pool(h):
        return jnp.maximum(jnp.maximum(h[:, :, 0::2, 0::2], h[:, :, 0::2, 1::2]),
                           jnp.maximum(h[:, :, 1::2, 0::2], h[:, :, 1::2, 1::2]))
    h = pool(jax.nn.relu(conv(x, *p[0])))
    h = pool(jax.nn.relu(conv(h, *p[1]))).reshape(x.shape[0], -1)
    return _xent(jax, h @ p[2][0].T + p[2][1], y)


def make_step(jax, dev, loss, params, opt_name, x, y):
    """A zero-argument step over jitted (params, opt_state) -> (params, opt_state, loss); returns the loss."""
    import optax
    opt = optax.sgd(C.SGD_LR) if opt_name == "sgd" else optax.adam(C.ADAM_LR)
    donate = (0, 1)         # parameters and optimizer state updated in place, as torchlike.compile does

    @functools.partial(jax.jit, donate_argnums=donate)
    def step(p, s, xb, yb):
        lv, g = jax.value_and_grad(loss)(p, xb, yb)
        u, s = opt.update(g, s, p)
        return optax.apply_updates(p, u), s, lv
    params = jax.device_put(params, dev)
    state = [params, opt.init(params)]
    xj, yj = jax.device_put(x, dev), jax.device_put(y, dev)

    def run():
        state[0], state[1], lv = step(state[0], state[1], xj, yj)
        return lv
    return run


def _data(shape, batch, seed=0):
    import numpy as np
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch,) + shape).astype(np.float32), rng.integers(0, 10, batch).astype(np.int32)


def _finite(t, lv):
    return t if math.isfinite(float(lv)) else float("nan")


def ops(device, cfg):
    import jax.numpy as jnp
    import numpy as np
    jax, dev = load(device)
    fns = {"add": jax.jit(jnp.add), "matmul": jax.jit(jnp.matmul), "relu": jax.jit(jax.nn.relu),
           "sum": jax.jit(jnp.sum)}
    res = {}
    rng = np.random.default_rng(0)
    for n in C.OP_SIZES:
        a, b = (jax.device_put(rng.standard_normal((n, n)).astype(np.float32), dev) for _ in range(2))
        for op in C.OPS:
            f = fns[op]
            call = (lambda: f(a)) if op in ("relu", "sum") else (lambda: f(a, b))
            res[f"ops.{op}.{n}"] = per_call(call, block, cfg.op_calls, cfg.op_repeats, cfg.op_warmup)
    return {"results": {"jax": res}, "device": _device_name(dev)}


def _time_model(device, loss, params_fn, shape, batch, opt_name, repeats, warmup):
    import numpy as np
    jax, dev = load(device)
    x, y = _data(shape, batch)
    run = make_step(jax, dev, loss, params_fn(np.random.default_rng(0)), opt_name, x, y)
    t, lv = per_step(run, block, repeats, warmup)
    return _finite(t, lv), _device_name(dev)


def mlp_section(device, cfg):
    res = {}
    for b in C.MLP_BATCHES:
        for opt in C.OPTIMIZERS:
            res[f"mlp.b{b}.{opt}"], name = _time_model(device, mlp_loss, mlp_params, (784,), b, opt,
                                                       cfg.mlp_repeats, cfg.mlp_warmup)
    return {"results": {"jax": res}, "device": name}


def cnn_section(device, cfg):
    t, name = _time_model(device, cnn_loss, cnn_params, (3, 32, 32), C.CNN_BATCH, "adam",
                          cfg.cnn_repeats, cfg.cnn_warmup)
    return {"results": {"jax": {f"cnn.b{C.CNN_BATCH}.adam": t}}, "device": name}


def first_step(device, cfg, cache_dir):
    """Like _libbench.first_step: import jax + optax, build the MLP step (batch 64, SGD), time the first steps."""
    t0 = time.perf_counter()
    import jax  # noqa: F401
    import optax  # noqa: F401
    t_import = time.perf_counter() - t0
    import numpy as np
    jax, dev = load(device, cache_dir)
    x, y = _data((784,), 64)
    run = make_step(jax, dev, mlp_loss, mlp_params(np.random.default_rng(0)), "sgd", x, y)
    steps, first_done, lv = [], None, None
    for _ in range(cfg.startup_steps):
        t1 = time.perf_counter()
        lv = run()
        lv.block_until_ready()
        steps.append(time.perf_counter() - t1)
        first_done = first_done or time.time()
    return {"import": t_import, "steps": [_finite(s, lv) for s in steps], "first_done": first_done,
            "device": _device_name(dev)}


SECTIONS = {"ops": ops, "mlp": mlp_section, "cnn": cnn_section}
