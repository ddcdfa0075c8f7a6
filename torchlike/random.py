"""torch.random: the default CPU generator (PyTorch's MT19937 streams, bit for bit) and the random factories."""
from __future__ import annotations

import contextlib

import jax
import jax.numpy as jnp
import numpy as np

from . import _device, _dtype as D, _trace_state
from ._size import Size
from ._tensor import Tensor, from_array

_cuda_seed = [0]


class Generator:
    """torch.Generator(device='cpu'): manual_seed / seed / initial_seed / get_state / set_state."""

    def __init__(self, device="cpu"):
        from ._mt19937 import MT19937Generator
        self.device = _device.device(device)
        self._impl = MT19937Generator()

    def manual_seed(self, seed):
        self._impl.manual_seed(int(seed))
        from ._jax_random import reseed
        reseed(self, int(seed))
        return self

    def seed(self):
        return self._impl.seed()

    def initial_seed(self):
        return self._impl.initial_seed()

    def get_state(self):
        from ._ops.creation import from_numpy
        return from_numpy(self._impl.get_state().copy())

    def set_state(self, new_state):
        if not isinstance(new_state, Tensor) or new_state.dtype is not D.uint8:
            raise TypeError("expected a torch.ByteTensor, but got " + type(new_state).__name__)
        self._impl.set_state(np.asarray(new_state._value()))
        return self

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


default_generator = None


def _default():
    global default_generator
    if default_generator is None:
        default_generator = Generator()
    return default_generator


def _gen(generator, device=None):
    """The bit generator to draw from: PyTorch's MT19937 on the CPU; JAX keys under compile and on CUDA."""
    g = generator or _default()
    if _trace_state.current is not None or (device is not None and _device.canonical(device).type == "cuda"):
        from ._jax_random import JaxGen
        return JaxGen(g)
    return g._impl


def manual_seed(seed):
    seed = int(seed)
    _default().manual_seed(seed)
    _cuda_seed[0] = seed
    return _default()


def seed():
    s = _default().seed()
    _cuda_seed[0] = s
    return s


def initial_seed():
    return _default().initial_seed()


def get_rng_state():
    return _default().get_state()


def set_rng_state(new_state):
    _default().set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    if not enabled:
        yield
        return
    state = get_rng_state()
    cuda = _cuda_seed[0]
    try:
        yield
    finally:
        set_rng_state(state)
        _cuda_seed[0] = cuda


# --- factories --------------------------------------------------------------------------------------------

def _shape(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _place(values, dtype, device, requires_grad=False):
    dev = _device.canonical(device)
    if dtype is D.bfloat16:
        arr = jnp.asarray(values, jnp.float32).astype(D.bfloat16.np)
    else:
        arr = jnp.asarray(values, dtype.np)
    t = from_array(jax.device_put(arr, _device.jax_device(dev)), dtype, dev)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _out(out, t):
    if out is None:
        return t
    from ._ops.dispatch import write_out
    return write_out(out, t)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **kw):
    size = _size_kw(size, kw, "rand")
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    if dt._category < 2:
        raise RuntimeError(f'"check_uniform_bounds" not implemented for \'{_scalar_name(dt)}\'')
    return _out(out, _place(_gen(generator, device).uniform(_shape(size), dt.name), dt, device, requires_grad))


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **kw):
    size = _size_kw(size, kw, "randn")
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    if dt._category < 2:
        raise RuntimeError(f'"normal_kernel_cpu" not implemented for \'{_scalar_name(dt)}\'')
    return _out(out, _place(_gen(generator, device).normal(_shape(size), dt.name), dt, device, requires_grad))


def _scalar_name(d):
    from ._ops.dispatch import scalar_name
    return scalar_name(d)


def _size_kw(size, kw, name):
    """rand(2, 3) / rand((2, 3)) / rand(size=(2, 3))."""
    if "size" in kw:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (kw.pop("size"),)
    if kw:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kw))}'")
    return size


def _random_like(input, memory_format, make):
    """A random tensor like `input` in empty_like's layout, its values drawn in memory order (as torch fills it)."""
    from . import _layout
    if memory_format is None and input._contig:
        return make(input._size)
    stride = _layout.preserve_strides(input._size, input.stride(), memory_format)
    return _layout.from_physical(make(_layout.physical_shape(input._size, stride)), input._size, stride)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _random_like(input, memory_format, lambda size: rand(size, dtype=dtype or input.dtype,
                                                                device=device or input.device,
                                                                requires_grad=requires_grad))


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    def make(size):
        g = _gen(None, device or input.device)
        dt = dtype or input.dtype
        if size == input._size or not hasattr(g, "_std_normal_scalar") or dt._category != 2:
            return randn(size, dtype=dt, device=device or input.device, requires_grad=requires_grad)
        # a non-contiguous result: torch's normal_ draws it element by element (not normal_fill's blocks)
        return _place(g.normal(size, dt.name, serial=True), dt, device or input.device, requires_grad)
    return _random_like(input, memory_format, make)


def randint(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
            pin_memory=False, low=None, high=None):
    """randint(high, size) or randint(low, high, size)."""
    args = list(args)
    if size is None and args and isinstance(args[-1], (tuple, list, Size)):
        size = args.pop()
    if high is None:
        if len(args) == 2:
            low, high = args
        elif len(args) == 1:
            if low is None:
                low, high = 0, args[0]
            else:
                high = args[0]
        else:
            raise TypeError("randint() received an invalid combination of arguments")
    low = 0 if low is None else low
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = D.to_dtype(dtype) or D.int64
    vals = _gen(generator, device).randint(int(low), int(high), _shape((size,)), dt.name)
    return _out(out, _place(vals, dt, device, requires_grad))


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None):
    if high is None:
        low, high = 0, low
    return _random_like(input, memory_format, lambda size: randint(low, high, size, dtype=dtype or input.dtype,
                                                                   device=device or input.device))


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    dt = D.to_dtype(dtype) or D.int64
    return _out(out, _place(_gen(generator, device).randperm(int(n), dt.name), dt, device, requires_grad))


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        m = np.asarray(mean._value()) if isinstance(mean, Tensor) else mean
        s = np.asarray(std._value()) if isinstance(std, Tensor) else std
        if isinstance(std, Tensor) and bool(np.any(s < 0)):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        dt = ref.dtype
        vals = _gen(generator).normal(tuple(shape), dt.name, m, s)
        return _out(out, _place(vals, dt, ref.device))
    if size is None:
        raise TypeError("normal() received an invalid combination of arguments")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    return _out(out, _place(_gen(generator, device).normal(_shape((size,)), dt.name, mean, std), dt, device, requires_grad))


def bernoulli(input, p=None, *, generator=None, out=None):
    if _trace_state.current is not None or input.device.type == "cuda":
        probs = input._value() if p is None else p
        vals = _gen(generator, input.device).bernoulli(probs, input._size, input.dtype.name)
        return _out(out, _place(vals, input.dtype, input.device))
    probs = np.asarray(input._value()) if p is None else p
    if p is None and (np.any(probs < 0) or np.any(probs > 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
                           "improved?  If so, please report an issue to PyTorch.)")
    vals = _gen(generator).bernoulli(probs, input._size, input.dtype.name)
    return _out(out, _place(vals, input.dtype, input.device))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    probs = np.asarray(input._value(), np.float64)
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if np.any(probs < 0) or not np.all(np.isfinite(probs)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if not replacement and num_samples > probs.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if np.any(probs.reshape(-1, probs.shape[-1]).sum(-1) == 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    vals = _gen(generator).multinomial(np.asarray(input._value()), int(num_samples), bool(replacement))
    return _out(out, _place(vals, D.int64, input.device))


# --- in-place Tensor samplers ----------------------------------------------------------------------------------

def _fill(self, vals):
    from ._ops.dispatch import check_leaf_inplace, assert_no_internal_overlap
    check_leaf_inplace(self)
    assert_no_internal_overlap(self)        # torch refuses to sample into an expanded tensor
    if self.dtype is D.bfloat16:
        arr = jnp.asarray(vals, jnp.float32).astype(D.bfloat16.np)
    else:
        arr = jnp.asarray(vals, self.dtype.np)      # wraps an aligned buffer instead of copying it
    self._assign(jax.device_put(arr, _device.jax_device(self.device)))
    return self


def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kw):
    from_ = kw.pop("from", from_)
    return _fill(self, _gen(generator, self.device).uniform(self._size, self.dtype.name, from_, to))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    return _fill(self, _gen(generator, self.device).normal(self._size, self.dtype.name, mean, std))


def random_(self, *args, generator=None, **kw):
    """random_() / random_(to) / random_(from, to) / random_(from=x) (then up to the dtype's maximum)."""
    if len(args) == 1 and "to" not in kw:
        low, high = 0, args[0]
    else:
        low, high = (list(args) + [None, None])[:2]
    low = kw.pop("from", low)
    high = kw.pop("to", high)
    if kw:
        raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kw))}'")
    return _fill(self, _gen(generator, self.device).random_(self._size, self.dtype.name, low, high))


def bernoulli_(self, p=0.5, *, generator=None):
    probs = (p._value() if _trace_state.current is not None else np.asarray(p._value())) if isinstance(p, Tensor) else p
    return _fill(self, _gen(generator, self.device).bernoulli(probs, self._size, self.dtype.name))


def exponential_(self, lambd=1.0, *, generator=None):
    return _fill(self, _gen(generator, self.device).exponential(self._size, self.dtype.name, lambd))


def geometric_(self, p, *, generator=None):
    return _fill(self, _gen(generator, self.device).geometric(self._size, self.dtype.name, p))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    return _fill(self, _gen(generator, self.device).cauchy(self._size, self.dtype.name, median, sigma))


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    return _fill(self, _gen(generator, self.device).log_normal(self._size, self.dtype.name, mean, std))


for _f in (uniform_, normal_, random_, bernoulli_, exponential_, geometric_, cauchy_, log_normal_):
    setattr(Tensor, _f.__name__, _f)
Tensor.bernoulli = lambda self, p=None, *, generator=None: bernoulli(self, p, generator=generator)
Tensor.multinomial = lambda self, num_samples, replacement=False, *, generator=None: multinomial(
    self, num_samples, replacement, generator=generator)
