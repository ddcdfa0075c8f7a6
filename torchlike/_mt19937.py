"""Bit-exact NumPy re-implementation of PyTorch's CPU default generator (``at::CPUGeneratorImpl``).

PyTorch's CPU generator is an MT19937 (``at::mt19937``, ATen/core/MT19937RNGEngine.h) seeded with
``init_genrand(seed & 0xffffffff)``; its raw 32-bit stream is the one NumPy's legacy ``RandomState``
produces, so raw draws come from NumPy and each sampler mirrors the C++ routine named in its docstring
(ATen/core/TransformationHelper.h, ATen/core/DistributionsHelper.h, ATen/native/cpu/DistributionTemplates.h,
...).  It reproduces the x86-64 AVX2 build of libtorch: the FMA contractions GCC emitted (read off the
disassembly) and the AVX2 ``log256_ps``/``sincos256_ps`` (ATen/native/cpu/avx_mathfun.h) behind the
vectorised float ``normal_`` (``_mt19937_normal``: NumPy, and a fused XLA kernel for large fills).  float64
``log``/``sin``/... must be glibc's (checked at import).  Large float outputs are allocated 64-byte aligned,
so that JAX wraps them without a copy.
"""
from __future__ import annotations

import math
import operator
import os
import struct
import sys
import threading

import numpy as np

try:  # bfloat16 for NumPy comes with JAX
    import ml_dtypes
    _BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover
    _BF16 = None

from ._mt19937_normal import _add_odd, _fma32, _two_sum, empty_aligned, normal_fill

__all__ = ["MT19937Generator", "DEFAULT_SEED"]

DEFAULT_SEED = 67280421310721            # c10::detail::default_rng_seed_val
_N = 624                                 # MERSENNE_STATE_N
_STATE_SIZE = 5056                       # sizeof(at::detail::CPUGeneratorImplState)
f32, f64, u32, u64, i32 = np.float32, np.float64, np.uint32, np.uint64, np.int32
_TWO_PI = 2.0 * math.pi                  # 2.0 * c10::pi<double>
_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}   # numeric_limits<T>::digits
_FLOATS = tuple(_DIGITS)
_MAX = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38, "float32": 3.4028234663852886e38,
        "float64": 1.7976931348623157e308, "bool": 1}


def _dtype(d):
    d = getattr(d, "name", d)
    if isinstance(d, (type, np.dtype)):
        d = np.dtype(d).name
    if d not in _FLOATS + ("uint8", "int8", "int16", "int32", "int64", "bool", "complex64", "complex128"):
        raise TypeError(f"unsupported dtype {d!r}")
    return d


def _np(name):
    return _BF16 if name == "bfloat16" else np.dtype(name)


def _shape(shape):
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)


def _lim(name):
    if name in _MAX:
        return -_MAX[name] if name != "bool" else 0, _MAX[name]
    return int(np.iinfo(name).min), int(np.iinfo(name).max)


def _cast(x, name):
    """static_cast<scalar_t>(double / int64 / float): c10::Half and c10::BFloat16 only take a float."""
    x = np.asarray(x)
    if name in ("float16", "bfloat16"):
        return x.astype(f32).astype(_np(name))
    if name == "bool":
        return x != 0
    if name in ("uint8", "int8", "int16") and x.dtype.kind == "f":
        return x.astype(np.int64).astype(name)                 # cvttsd2si, then truncation
    return x.astype(_np(name))


def _exact_libm():
    """NumPy's float64 log/sin/... are glibc's on x86-64 (AVX512 builds may use SVML): else use `math`."""
    x = np.random.RandomState(1).random_sample(256)
    out = []
    for npf, mf, v in ((np.log, math.log, 1 - x), (np.log1p, math.log1p, -x), (np.sin, math.sin, 6.3 * x),
                       (np.cos, math.cos, 6.3 * x), (np.tan, math.tan, 3.1 * x - 1.5), (np.exp, math.exp, 8 * x)):
        ok = np.array_equal(npf(v), [mf(t) for t in v.tolist()])
        out.append(npf if ok else (lambda a, mf=mf: np.asarray(np.frompyfunc(mf, 1, 1)(np.asarray(a, f64)), f64)))
    return out


_log, _log1p, _sin, _cos, _tan, _exp = _exact_libm()


# ---- exact fused multiply-add: the AVX2 build contracts x * y + z into vfmadd ------------------------------
def _fma64(a, b, c):
    """fma for doubles: Dekker TwoProduct + Boldo & Melquiond's emulated FMA (rounding to odd)."""
    a, b, c = np.broadcast_arrays(np.asarray(a, f64), np.asarray(b, f64), np.asarray(c, f64))
    p = a * b
    sa, sb = a * 134217729.0, b * 134217729.0
    ah, bh = sa - (sa - a), sb - (sb - b)
    al, bl = a - ah, b - bh
    th, tl = _two_sum(c, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    vh, vl = _two_sum(p, th)
    return vh + _add_odd(tl, vl)


def _affine64(x, std, mean):
    """transformation::normal (x * std + mean), compiled as fma(x, std, mean)."""
    return x + 0.0 if (std == 1 and mean == 0) else _fma64(x, std, mean)


# ---- topk's tie order: libstdc++ partial_sort / nth_element / sort as called by topk_impl_loop -------------
def _gt(a, b):
    return (a[0] != a[0] and b[0] == b[0]) or a[0] > b[0]      # NaN first, then larger


def _adjust_heap(v, f, hole, n, val):
    top = child = hole
    while child < (n - 1) // 2:
        child = 2 * (child + 1)
        child -= _gt(v[f + child], v[f + child - 1])
        v[f + hole], hole = v[f + child], child
    if n % 2 == 0 and child == (n - 2) // 2:
        child = 2 * (child + 1)
        v[f + hole], hole = v[f + child - 1], child - 1
    parent = (hole - 1) // 2
    while hole > top and _gt(v[f + parent], val):
        v[f + hole], hole, parent = v[f + parent], parent, (parent - 1) // 2
    v[f + hole] = val


def _heap_select(v, f, mid, last):
    for parent in range((mid - f - 2) // 2, -1, -1):
        _adjust_heap(v, f, parent, mid - f, v[f + parent])
    for i in range(mid, last):
        if _gt(v[i], v[f]):
            val, v[i] = v[i], v[f]
            _adjust_heap(v, f, 0, mid - f, val)


def _partial_sort(v, f, mid, last):
    _heap_select(v, f, mid, last)
    while mid - f > 1:
        mid -= 1
        val, v[mid] = v[mid], v[f]
        _adjust_heap(v, f, 0, mid - f, val)


def _partition_pivot(v, f, last):
    a, b, c = f + 1, f + (last - f) // 2, last - 1                  # __move_median_to_first
    if _gt(v[a], v[b]):
        m = b if _gt(v[b], v[c]) else (c if _gt(v[a], v[c]) else a)
    else:
        m = a if _gt(v[a], v[c]) else (c if _gt(v[b], v[c]) else b)
    v[f], v[m] = v[m], v[f]
    lo, hi = f + 1, last                                            # __unguarded_partition
    while True:
        while _gt(v[lo], v[f]):
            lo += 1
        hi -= 1
        while _gt(v[f], v[hi]):
            hi -= 1
        if lo >= hi:
            return lo
        v[lo], v[hi] = v[hi], v[lo]
        lo += 1


def _insert(v, i):
    val = v[i]
    while _gt(val, v[i - 1]):
        v[i], i = v[i - 1], i - 1
    v[i] = val


def _insertion_sort(v, f, last):
    for i in range(f + 1, last):
        if _gt(v[i], v[f]):
            v[f + 1:i + 1], v[f] = v[f:i], v[i]
        else:
            _insert(v, i)


def _introsort(v, f, last, depth):
    while last - f > 16:
        if depth == 0:
            return _partial_sort(v, f, last, last)
        depth -= 1
        cut = _partition_pivot(v, f, last)
        _introsort(v, cut, last, depth)
        last = cut


def _topk(values, k):
    """Indices of at::topk(values, k) (largest, sorted) on CPU, ties included."""
    v, n = [(float(x), i) for i, x in enumerate(values)], len(values)
    if k * 64 <= n:
        _partial_sort(v, 0, k, n)
    else:
        f, last, nth, depth = 0, n, k - 1, 2 * (n.bit_length() - 1)    # std::nth_element
        while last - f > 3:
            if depth == 0:
                _heap_select(v, f, nth + 1, last)
                v[f], v[nth] = v[nth], v[f]
                break
            depth -= 1
            cut = _partition_pivot(v, f, last)
            f, last = (cut, last) if cut <= nth else (f, cut)
        else:
            _insertion_sort(v, f, last)
        if k > 2:                                                       # std::sort(begin, begin + k - 1)
            _introsort(v, 0, k - 1, 2 * ((k - 1).bit_length() - 1))
            _insertion_sort(v, 0, min(k - 1, 16))
            for i in range(17, k):
                _insert(v, i - 1)
    return [i for _, i in v[:k]]


class MT19937Generator:
    """Drop-in for ``at::CPUGeneratorImpl``: seeding, raw stream, samplers and state bytes."""

    def __init__(self, seed: int = DEFAULT_SEED):
        self._rs = np.random.RandomState()
        self._lock = threading.RLock()
        self.manual_seed(seed)

    # ---- seeding and state: CPUGeneratorImpl.cpp, torch/csrc/Generator.cpp --------------------------------
    def manual_seed(self, seed: int) -> None:
        """THPGenerator_manualSeed: unpacked as uint64, else as int64 reinterpreted as uint64."""
        if isinstance(seed, float) or not hasattr(seed, "__index__"):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        seed = operator.index(seed)
        if not -(1 << 63) <= seed < (1 << 64):
            raise ValueError("Overflow when unpacking long long")
        with self._lock:
            self._seed = seed & 0xFFFFFFFFFFFFFFFF
            self._rs.seed(self._seed & 0xFFFFFFFF)    # init_genrand; NumPy pos 624 <-> torch left_ 1
            self._prefix, self._next_at_624 = np.empty(0, u32), 0     # torch next_ while NumPy is at 624
            self._next_double = self._next_float = None               # next_{double,float}_normal_sample_

    def seed(self) -> int:
        """CPUGeneratorImpl::seed: a non-deterministic 64-bit seed from /dev/urandom."""
        s = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> np.ndarray:
        """CPUGeneratorImpl::get_state: the bytes of CPUGeneratorImplState (legacy THGeneratorState)."""
        with self._lock:
            st = self._rs.get_state(legacy=False)["state"]
            pos = int(st["pos"])
            if len(self._prefix):
                left, nxt = len(self._prefix) + 1, self._next_at_624 - len(self._prefix)
            else:
                left, nxt = (1, self._next_at_624) if pos == _N else (_N + 1 - pos, pos)
            buf = bytearray(_STATE_SIZE)
            struct.pack_into("<QiiQ", buf, 0, self._seed, left, 1, nxt)   # seed, left, seeded, next
            buf[24:24 + 8 * _N] = np.asarray(st["key"], "<u8").tobytes()  # uint64 state[624]
            if self._next_double is not None:                             # normal_y, normal_is_valid
                struct.pack_into("<d8xi", buf, 5024, self._next_double, 1)
            if self._next_float is not None:
                struct.pack_into("<f?", buf, 5048, self._next_float, True)
            return np.frombuffer(bytes(buf), np.uint8).copy()

    def set_state(self, state: np.ndarray) -> None:
        """CPUGeneratorImpl::set_state, with its checks."""
        state = np.asarray(state)
        if state.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if state.size != _STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but found the input "
                               f"RNG state size to be {state.size}")
        buf = np.ascontiguousarray(state).reshape(-1).tobytes()
        seed, left, seeded, nxt = struct.unpack_from("<QiiQ", buf)
        nxt &= 0xFFFFFFFF
        if not (seeded and 0 < left <= _N and nxt <= _N):
            raise RuntimeError("Invalid mt19937 state")
        if nxt + left - 1 > _N:
            raise RuntimeError("Invalid mt19937 state: next_ + left_ reads past the state (undefined in PyTorch)")
        key = np.frombuffer(buf, "<u8", _N, 24).astype(u32)
        with self._lock:
            self._seed = seed
            if nxt + left - 1 == _N:                  # the usual layout, left_ + next_ == 625
                self._rs.set_state(("MT19937", key, nxt))
                self._prefix, self._next_at_624 = np.empty(0, u32), _N
            else:                                     # left_ - 1 draws of state[next_:], then a twist
                self._rs.set_state(("MT19937", key, _N))
                self._prefix, self._next_at_624 = _temper(key[nxt:nxt + left - 1]), nxt + left - 1
            self._next_double = struct.unpack_from("<d", buf, 5024)[0] if buf[5040:5044] != bytes(4) else None
            self._next_float = float(struct.unpack_from("<f", buf, 5048)[0]) if buf[5052] else None

    # ---- raw draws: CPUGeneratorImpl::random() / random64() ------------------------------------------------
    def random_raw32(self, n) -> np.ndarray:
        n = int(n)
        with self._lock:
            k = min(n, len(self._prefix))
            head, self._prefix = self._prefix[:k], self._prefix[k:]
            if n > k:
                self._next_at_624 = _N
                rest = self._rs.randint(0, 1 << 32, size=n - k, dtype=u32)
                return np.concatenate([head, rest]) if k else rest
            return head.copy()

    def random_raw64(self, n) -> np.ndarray:
        """detail::make64BitsFrom32Bits(random(), random()): the first draw is the high word."""
        v = self.random_raw32(2 * int(n)).view(u64)
        return (v << u64(32)) | (v >> u64(32)) if sys.byteorder == "little" else v

    def _u24(self, n):    # uniform_real_distribution<float>(0, 1): (random() & (2^24 - 1)) * 2^-24
        raw = self.random_raw32(n)
        out = empty_aligned(raw.shape, f32)
        np.copyto(out, np.bitwise_and(raw, u32(0xFFFFFF), out=raw).view(i32), casting="unsafe")
        return np.multiply(out, f32(2.0 ** -24), out=out)

    def _u53(self, n):    # uniform_real_distribution<double>(0, 1): (random64() & (2^53 - 1)) * 2^-53
        return (self.random_raw64(n) & u64((1 << 53) - 1)).astype(f64) * 2.0 ** -53

    # ---- uniform_: uniform_impl_ / uniform_kernel ---------------------------------------------------------
    def uniform(self, shape, dtype, low=0.0, high=1.0) -> np.ndarray:
        """value = x * (to - from) + from in opmath (fma-contracted); value == to is replaced by from."""
        shape, name = _shape(shape), _dtype(dtype)
        if name.startswith("complex"):                # uniform_ on view_as_real
            real = self.uniform(shape + (2,), "float32" if name == "complex64" else "float64", low, high)
            return real.view(np.dtype(name))[..., 0]
        if name not in _FLOATS:
            raise RuntimeError(f'"check_uniform_bounds" not implemented for \'{name}\'')
        low, high = float(low), float(high)
        if low > high:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}")
        if high - low > _MAX[name]:
            raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{name}>::max(), but found "
                               f"to={high} and from={low} which result in to-from to exceed the limit")
        n = math.prod(shape)
        if name == "float64":
            x = self._u53(n)
            v = x if (low, high) == (0.0, 1.0) else _fma64(x, high - low, low)
        else:
            lo, hi = f32(low), f32(high)
            v = self._u24(n)
            v = v if (lo, hi) == (0, 1) else _fma32(v, hi - lo, lo)
            v = v if name == "float32" else _cast(v, name)
        if (low, high) != (0.0, 1.0) or name in ("float16", "bfloat16"):
            v[v == _cast(high, name)] = _cast(low, name)         # value == to_scalar ? from_scalar : value
        return v.reshape(shape)

    # ---- normal_: normal_impl_ / normal_kernel --------------------------------------------------------------
    def normal(self, shape, dtype, mean=0.0, std=1.0, serial=False) -> np.ndarray:
        """normal_(mean, std); Tensor mean and/or std follow normal_out_impl (normal_(0, .) then mul_/add_).
        serial: the values of a non-contiguous tensor (drawn one by one in memory order, as for n < 16)."""
        shape, name = _shape(shape), _dtype(dtype)
        m_arr, s_arr = isinstance(mean, np.ndarray) or np.ndim(mean), isinstance(std, np.ndarray) or np.ndim(std)
        if m_arr or s_arr:
            shape = np.broadcast_shapes(shape, np.shape(mean), np.shape(std))
            if not s_arr:                             # normal_(0, std).add_(mean)
                out = self.normal(shape, name, 0.0, std)
            else:                                     # normal_(0, 1).mul_(std).add_(mean)
                out = _inplace(self.normal(shape, name, 0.0, 1.0), np.asarray(std), np.multiply)
            return _inplace(out, np.asarray(mean) if m_arr else _cast(mean, name), np.add)
        mean, std = float(mean), float(std)
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        if name.startswith("complex"):                # normal_ on view_as_real with std / sqrt(2)
            real = self.normal(shape + (2,), "float32" if name == "complex64" else "float64",
                               mean, std / math.sqrt(2))
            return real.view(np.dtype(name))[..., 0]
        if name not in _FLOATS:
            raise RuntimeError(f'"normal_kernel_cpu" not implemented for \'{name}\'')
        n = math.prod(shape)
        with self._lock:
            if n < 16 or serial:                      # serial normal_distribution<double>
                return _cast(_affine64(self._std_normal_scalar(n), std, mean), name).reshape(shape)
            if name == "float64":
                return self._normal_fill64(n, mean, std).reshape(shape)
            return self._normal_fill32(n, name, f32(mean), f32(std)).reshape(shape)

    def _std_normal_scalar(self, n):
        """normal_distribution<double>: Box-Muller on (u1, u2), r cos returned, r sin cached for the next."""
        out = np.empty(n, f64)
        i = 0
        if n and self._next_double is not None:
            out[0], self._next_double, i = self._next_double, None, 1
        m = n - i
        if m:
            u = self._u53(2 * ((m + 1) // 2))
            r, theta = np.sqrt(-2.0 * _log1p(-u[1::2])), _TWO_PI * u[0::2]
            pairs = np.stack([r * _cos(theta), r * _sin(theta)], axis=1).reshape(-1)
            out[i:] = pairs[:m]
            if m % 2:
                self._next_double = float(pairs[-1])
        return out

    def _normal_fill32(self, n, name, mean, std):
        """normal_fill<float | Half | BFloat16>: blocks of 16 uniforms through NormalFill16<float> (AVX2).

        float fills all n uniforms first; Half/BFloat16 draw only full chunks of 16; then both recompute
        the last 16 values from 16 fresh uniforms when n % 16 != 0.
        """
        rows, tail = divmod(n, 16)
        out = empty_aligned((rows + (tail > 0), 16), f32)     # aligned: the tensor wraps it without a copy
        normal_fill(self.random_raw32, rows, out, std, mean)
        if tail:
            if name == "float32":
                self.random_raw32(tail)
            normal_fill(self.random_raw32, 1, out[rows:], std, mean)
        flat = out.reshape(-1)
        if tail:
            flat[n - 16:n] = flat[16 * rows:].copy()
        return flat[:n] if name == "float32" else _cast(flat[:n], name)

    def _normal_fill64(self, n, mean, std):
        """normal_fill<double>: the scalar NormalFill16<double> (glibc log and sincos, fma(., std, mean))."""
        rows, tail = divmod(n, 16)
        u = self._u53(n)
        u = np.concatenate([u[:16 * rows], self._u53(16)]) if tail else u
        u = u.reshape(-1, 16)
        radius, theta = np.sqrt(-2 * _log(1 - u[:, :8])), _TWO_PI * u[:, 8:]
        res = np.concatenate([_affine64(radius * _cos(theta), std, mean),
                              _affine64(radius * _sin(theta), std, mean)], axis=1).reshape(-1)
        return np.concatenate([res[:n - 16], res[16 * rows:]]) if tail else res

    def log_normal(self, shape, dtype, mean=1.0, std=2.0) -> np.ndarray:
        """log_normal_kernel: exp(normal_distribution<double>(mean, std)), serial, sharing its cache."""
        shape, name = _shape(shape), self._float_only(dtype, "log_normal_cpu")
        if not std > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
        with self._lock:
            v = _exp(_affine64(self._std_normal_scalar(math.prod(shape)), float(std), float(mean)))
        return _cast(v, name).reshape(shape)

    # ---- serial kernels over double transformations of uniform_real_distribution<double> -----------------
    def exponential(self, shape, dtype, lambd=1.0) -> np.ndarray:
        """exponential_kernel: -1 / lambda * log1p(-u)."""
        shape, name = _shape(shape), _dtype(dtype)
        if name not in _FLOATS:
            raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must "
                               f"be a floating point but you specified {name}")
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
        return _cast((-1.0 / float(lambd)) * _log1p(-self._u53(math.prod(shape))), name).reshape(shape)

    def geometric(self, shape, dtype, p) -> np.ndarray:
        """geometric_kernel: ceil(log(u) / log1p(-p))."""
        shape, name = _shape(shape), _dtype(dtype)
        if name == "bool":
            raise RuntimeError("\"geometric_cpu\" not implemented for 'Bool'")
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
        u = self._u53(math.prod(shape))
        return _cast(np.ceil(_log(u) / _log1p(-float(p))), name).reshape(shape)

    def cauchy(self, shape, dtype, median=0.0, sigma=1.0) -> np.ndarray:
        """cauchy_kernel: median + sigma * tan(pi * (u - 0.5)) (double specialisation, fma-contracted)."""
        shape, name = _shape(shape), self._float_only(dtype, "cauchy_cpu")
        if not sigma > 0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
        u = self._u53(math.prod(shape))
        return _cast(_affine64(_tan((u - 0.5) * math.pi), float(sigma), float(median)), name).reshape(shape)

    def bernoulli(self, p, shape, dtype) -> np.ndarray:
        """bernoulli_kernel: u < p; scalar p and double p tensors compare a double u, others a float u."""
        name = _dtype(dtype)
        if isinstance(p, np.ndarray) or np.ndim(p):
            p = np.asarray(p)
            shape = p.shape if shape is None else _shape(shape)
            pb = np.broadcast_to(p, shape)            # expand_inplace(self, p)
            if p.dtype == f64:
                v = self._u53(math.prod(shape)).reshape(shape) < pb
            else:
                v = self._u24(math.prod(shape)).reshape(shape) < pb.astype(f32)
        else:
            p, shape = float(p), _shape(shape)
            if not 0 <= p <= 1:
                raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
            v = self._u53(math.prod(shape)).reshape(shape) < p
        return _cast(v, name)

    @staticmethod
    def _float_only(dtype, kernel):
        name = _dtype(dtype)
        if name not in _FLOATS:
            raise RuntimeError(f'"{kernel}" not implemented for \'{name}\'')
        return name

    # ---- random_ / randint: random_from_to_impl and the three random kernels -------------------------------
    def random_(self, shape, dtype, low=None, high=None) -> np.ndarray:
        """Tensor.random_(): () -> random_(); (None, to) -> random_(to); (from, to); (from, None)."""
        shape, name = _shape(shape), _dtype(dtype)
        n = math.prod(shape)
        if low is None and high is None:              # uniform_int_distribution<T>
            return self._random_default(n, name).reshape(shape)
        lo = 0 if low is None else operator.index(low)
        if high is not None:
            hi = operator.index(high)
            if lo >= hi:
                raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
            if name in _FLOATS:
                lo, hi = _update_from(lo, name), _update_to(hi, name)
                if lo >= hi:
                    raise RuntimeError("random_ expects 'from' casted to dtype to be less than 'to' casted to "
                                       f"dtype, but got from={lo} >= to={hi}")
            to_inc = hi - 1
        elif lo != -(1 << 63):                        # [from, max]
            if name in _FLOATS:
                to_inc, lo = 1 << _DIGITS[name], _update_from(lo, name)
                if lo >= to_inc:
                    raise RuntimeError("random_ expects 'from' casted to dtype to be less than or equal to "
                                       f"'to_inc' casted to dtype, but got from={lo} > to_inc={to_inc}")
            else:
                to_inc = _lim(name)[1]
        else:                                         # [int64 min, int64 max]: random64() as int64
            if name not in ("int64", "float32", "float64", "bfloat16"):
                raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, double, float "
                                   "and bfloat16")
            return _cast(self.random_raw64(n).view(np.int64), name).reshape(shape)
        for v, what in ((lo, "from"), (to_inc, "to - 1")):   # check_from_to_in_range
            if not _lim(name)[0] <= v <= _lim(name)[1]:
                raise RuntimeError(f"{what} is out of bounds for {name}")
        rng = (to_inc - lo + 1) & 0xFFFFFFFFFFFFFFFF
        # uniform_int_from_to_distribution: random64() if range >= 2^28 else random(); (v % range) + base
        v = self.random_raw64(n) if rng >= 1 << 28 else self.random_raw32(n).astype(u64)
        v = (v % u64(rng)) + u64(lo & 0xFFFFFFFFFFFFFFFF)
        return _cast(v.view(np.int64), name).reshape(shape)

    def _random_default(self, n, name):
        """transformation::uniform_int: random64() for double/int64, else random(); % (max + 1) or 2^digits + 1."""
        if name in ("int64", "float64"):
            v = self.random_raw64(n)
            return (v % u64(1 << 63)).astype(np.int64) if name == "int64" else (v % u64((1 << 53) + 1)).astype(f64)
        v = self.random_raw32(n)
        if name == "bool":
            return (v & 1).astype(np.bool_)
        if name in _FLOATS:
            return _cast(v % u32((1 << _DIGITS[name]) + 1), name)
        return (v % u32(_lim(name)[1] + 1)).astype(name)

    def randint(self, low, high, shape, dtype="int64") -> np.ndarray:
        """randint(low, high, size) == empty(size).random_(low, high)."""
        return self.random_(shape, dtype, low, high)

    def randperm(self, n, dtype="int64") -> np.ndarray:
        """randperm_cpu (TensorFactories.cpp)."""
        n, name = int(n), _dtype(dtype)
        if n < 0:
            raise RuntimeError(f"n must be non-negative, got{n}")
        with self._lock:
            if n < 0xFFFFFFFF // 20:                  # "for small n, preserve old behavior"
                z = self.random_raw32(max(n - 1, 0)) % np.arange(n, 1, -1, dtype=u32)
                a = list(range(n))
                for i, j in enumerate((z + np.arange(n - 1, dtype=u32)).tolist()):
                    a[i], a[j] = a[j], a[i]           # swap(r[i], r[i + random() % (n - i)])
            else:                                     # inside-out Fisher-Yates with random64()
                z = (self.random_raw64(n) % np.arange(1, n + 1, dtype=u64)).tolist()
                a = [0] * n
                for i, zi in enumerate(z):
                    a[i], a[zi] = a[zi], i
        return _cast(np.array(a, np.int64), name)

    def multinomial(self, probs, num_samples, replacement=False) -> np.ndarray:
        """multinomial (Distributions.cpp) and multinomial_with_replacement_apply (cpu/MultinomialKernel.cpp)."""
        probs = np.asarray(probs)
        name, k = _dtype(probs.dtype), int(num_samples)
        if probs.ndim not in (1, 2):
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        if not replacement or k == 1:                 # argmax / topk of p / q, q ~ Exp(1) in self's dtype
            q = np.divide(probs, self.exponential(probs.shape, name, 1.0), dtype=f64 if name == "float64" else f32)
            r = _cast(q, name).astype(f64).reshape(-1, probs.shape[-1])
            if k == 1:
                return np.argmax(r, axis=-1).reshape(probs.shape[:-1] + (1,))
            order = np.argsort(-r, axis=-1, kind="stable")
            idx = order[:, :k].copy()
            for i, row in enumerate(r):               # ties (or NaN): reproduce libstdc++'s order
                top = row[order[i, :k + 1]]
                if (top[1:] == top[:-1]).any() or np.isnan(row).any():
                    idx[i] = _topk(row, k)
            return idx.astype(np.int64).reshape(probs.shape[:-1] + (k,))
        acc = f64 if name == "float64" else f32       # cumulative sums in scalar_t (float for Half/BFloat16)
        rows = probs.reshape(-1, probs.shape[-1]).astype(acc)
        out = np.empty((rows.shape[0], k), np.int64)
        with self._lock:
            for i, row in enumerate(rows):
                cum = np.cumsum(row, dtype=acc)
                cum /= cum[-1]
                cum[-1] = 1                           # binary search: first slot with cum >= u
                out[i] = np.searchsorted(cum.astype(f64), self._u53(k), side="left")
        return out.reshape(probs.shape[:-1] + (k,))


def _temper(y):
    """MT19937 tempering, for draws served straight from a torch state array."""
    y = y.astype(u32)
    y ^= y >> u32(11)
    y ^= (y << u32(7)) & u32(0x9D2C5680)
    y ^= (y << u32(15)) & u32(0xEFC60000)
    return y ^ (y >> u32(18))


def _inplace(out, other, op):
    """Tensor.mul_ / add_: computed in the promoted dtype (float for BFloat16), stored in out's dtype."""
    return np.asarray(op(out.astype(f32) if out.dtype == _BF16 else out, other)).astype(out.dtype)


def _update_from(frm, name):
    """templates::update_from: the closest from whose cast to the dtype does not go below it."""
    plus1 = int(_cast(np.int64(frm + 1), name).astype(np.int64))
    return plus1 + (1 << (max(abs(frm + 1).bit_length() - 1, 0) - _DIGITS[name] + 1)) if plus1 < frm else frm


def _update_to(to, name):
    """templates::update_to: the closest to whose cast to the dtype stays below it."""
    minus1 = int(_cast(np.int64(to - 1), name).astype(np.int64))
    return minus1 - (1 << (max(abs(to - 1).bit_length() - 1, 0) - _DIGITS[name] + 1)) if minus1 >= to else to
