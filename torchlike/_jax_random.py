"""Random numbers from JAX keys threaded through a Storage: used under torchlike.compile and on CUDA devices.

Each Generator owns a Storage holding a raw PRNG key (uint32[2]) seeded from its seed; a draw splits the key and
writes the new one back. Under compile the key storage is lifted like any other state, so every compiled call draws
fresh numbers, and the sequence is reproducible from `manual_seed`. (PyTorch's own CUDA streams are not reproduced.)
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from . import _device, _dtype as D
from ._storage import Storage


def _key_data(seed):
    """jax.random.key_data(jax.random.PRNGKey(seed)) for a 32-bit seed; for the default threefry2x32 keys that is
    [0, seed], built without compiling JAX's seeding kernel (a first compiled step would pay ~30 ms for it)."""
    if jax.config.jax_default_prng_impl == "threefry2x32":
        return jax.device_put(np.array([0, seed], np.uint32))
    return jax.random.key_data(jax.random.PRNGKey(seed))


def _key_storage(gen):
    st = gen.__dict__.get("_jax_key")
    if st is None:
        seed = gen.initial_seed()
        st = gen.__dict__["_jax_key"] = Storage(_key_data(seed & 0xFFFFFFFF),
                                               _device.CPU, D.uint32 if hasattr(D, "uint32") else None)
    return st


def reseed(gen, seed):
    st = gen.__dict__.get("_jax_key")
    if st is not None:
        st._data = _key_data(int(seed) & 0xFFFFFFFF)
        st.version += 1


def _next(gen):
    st = _key_storage(gen)          # under compile, this storage is lifted like any other state
    key, sub = jax.random.split(jax.random.wrap_key_data(st._data))
    st._data = jax.random.key_data(key)
    st.version += 1
    return sub


def _fdt(name):
    return jnp.dtype(D.to_dtype(name).np) if name != "bfloat16" else jnp.float32


class JaxGen:
    """The MT19937Generator interface (uniform, normal, bernoulli, ...) producing jax arrays."""

    def __init__(self, gen):
        self.gen = gen

    def uniform(self, shape, dtype, lo=0.0, hi=1.0):
        return jax.random.uniform(_next(self.gen), shape, _fdt(dtype), lo, hi)

    def normal(self, shape, dtype, mean=0.0, std=1.0):
        return jax.random.normal(_next(self.gen), shape, _fdt(dtype)) * std + mean

    def bernoulli(self, probs, shape, dtype):
        return jax.random.bernoulli(_next(self.gen), jnp.asarray(probs), shape).astype(
            jnp.float32 if dtype == "bfloat16" else D.to_dtype(dtype).np)

    def random_(self, shape, dtype, low, high):
        low = 0 if low is None else low
        if high is None:
            high = 2 ** 24 if D.to_dtype(dtype).is_floating_point else jnp.iinfo(D.to_dtype(dtype).np).max
        return jax.random.randint(_next(self.gen), shape, low, high, jnp.int64).astype(_fdt(dtype))

    def randint(self, low, high, shape, dtype="int64"):
        return jax.random.randint(_next(self.gen), shape, low, high, jnp.int64)

    def randperm(self, n, dtype="int64"):
        return jax.random.permutation(_next(self.gen), n)

    def exponential(self, shape, dtype, lambd=1.0):
        return jax.random.exponential(_next(self.gen), shape, _fdt(dtype)) / lambd

    def geometric(self, shape, dtype, p):
        return jax.random.geometric(_next(self.gen), p, shape).astype(_fdt(dtype))

    def cauchy(self, shape, dtype, median=0.0, sigma=1.0):
        return jax.random.cauchy(_next(self.gen), shape, _fdt(dtype)) * sigma + median

    def log_normal(self, shape, dtype, mean=1.0, std=2.0):
        return jnp.exp(jax.random.normal(_next(self.gen), shape, _fdt(dtype)) * std + mean)
