"""NormalFill16<float> of libtorch's AVX2 build, bit for bit: the float32 ``normal_`` transform.

``normal_fill`` turns each row of 16 raw 32-bit draws into 16 normals: Box-Muller on AVX2 with avx_mathfun.h's
``log256_ps``/``sincos256_ps`` (float32 cephes polynomials whose mul+add pairs GCC contracted into vfmadd), then
``fma(x, std, mean)``.  Two implementations of the same instruction sequence:

- ``_fill16``: NumPy, one ufunc pass per instruction over blocks of rows: the reference, used for fills under
  ``_MIN_ROWS`` rows and wherever the kernel is not;
- ``_normal16``: the sequence traced into one fused XLA CPU kernel (a fraction of the work per value), run on
  worker threads chunk by chunk while the calling thread takes the (sequential) raw draws.  It is used once it
  reproduced ``_fill16`` on a test block (first use), and only for std / mean that keep every value a normal
  float (XLA's CPU code flushes subnormals).

An fmaf(a, b, c) of the polynomials is emulated as ``float(double(a) * b + c)``: the product is exact in
double; over all 2^24 inputs of either half this equals a correctly rounded fmaf (checked exhaustively).  The
final ``fma(x, std, mean)`` with arbitrary std and mean rounds the double sum to odd first (``_add_odd``),
which makes the rounding to float correct.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

f32, f64, u32, i32 = np.float32, np.float64, np.uint32, np.int32
_V32 = np.dtype("V32")                   # 8 float lanes, i.e. one __m256


def empty_aligned(shape, dtype):
    """np.empty on a 64-byte boundary: JAX's CPU client then wraps the array without copying it."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    buf = np.empty(size + 64, np.uint8)
    start = -buf.ctypes.data % 64
    return buf[start:start + size].view(dtype).reshape(shape)


# ---- exact fused multiply-add: the AVX2 build contracts x * y + z into vfmadd ------------------------------
def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _add_odd(a, b):
    """a + b rounded to odd: a later rounding to a narrower format is then correctly rounded."""
    s, e = _two_sum(a, b)
    fix = (e != 0) & ((s.view(np.int64) & 1) == 0)
    return np.where(fix, np.nextafter(s, np.where(e > 0, np.inf, -np.inf)), s) if fix.any() else s


def _fma32(a, b, c):
    """fmaf: a * b is exact in double, the sum is rounded to odd, then to float."""
    p = np.asarray(a, f64) * np.asarray(b, f64)
    return _add_odd(p, np.broadcast_to(np.asarray(c, f64), p.shape)).astype(f32)


# ---- NormalFill16<float> (AVX2): log256_ps and sincos256_ps of avx_mathfun.h ------------------------------
def _c32(h):
    return np.array([h], u32).view(f32)[0]


_LOG_P = [f64(_c32(h)) for h in (0x3d9021bb, 0xbdebd1b8, 0x3def251a, 0xbdfe5d4f, 0x3e11e9bf, 0xbe2aae50,
                                  0x3e4cceac, 0xbe7ffffc, 0x3eaaaaaa)]            # cephes_log_p0..p8
_Q1, _Q2 = _c32(0xb95e8083), _c32(0x3f318000)                                   # cephes_log_q1, q2
_FOPI, _DP1, _DP2, _DP3 = _c32(0x3fa2f983), _c32(0xbf490000), _c32(0xb97da000), f64(_c32(0xb3222169))
_COS_P = [f64(_c32(h)) for h in (0x37ccf5ce, 0xbab6061a, 0x3d2aaaa5)]
_SIN_P = [f64(_c32(h)) for h in (0xb94ca1f9, 0x3c08839e, 0xbe2aaaa3)]
_THETA = f32(_c32(0x40c90fdb) * f32(2.0 ** -24))      # (2pi)_f * (k 2^-24) == k * ((2pi)_f 2^-24)
_ROWS = 8192                                          # rows of 16 per block (amortises NumPy call overhead)


class _Scratch(threading.local):
    def get(self, b):
        if getattr(self, "b", 0) < b:
            self.b, self.f = b, [np.empty(b, f32) for _ in range(7)]
            self.d, self.i = [np.empty(b, f64) for _ in range(3)], [np.empty(b, i32) for _ in range(3)]
        return self


_scratch = _Scratch()


def _fill16(raw, out, std, mean):
    """NormalFill16<float>::operator() (AVX2) over rows of 16 raw draws; u = (raw & 0xFFFFFF) 2^-24.

    Lanes 0-7: radius = sqrt(-2 log256_ps(1 - u)); lanes 8-15: sincos256_ps(2pi u); out = fma(r cos|sin,
    std, mean).  Follows the instruction sequence of libtorch's binary (GCC contracted most mul+add pairs
    into vfmadd).  A float fma is a double product-sum rounded once to float: over all 2^24 inputs of either
    half this equals a correctly rounded fmaf (checked exhaustively).  Only same-dtype ufuncs and casts are
    used: NumPy's mixed-dtype (buffered) loops keep the GIL, and blocks run on worker threads.
    """
    rows = raw.shape[0]
    b = rows * 8
    sc = _scratch.get(b)
    x, y, z, t, e, s, co = (a[:b] for a in sc.f)
    t64, x64, w64 = (a[:b] for a in sc.d)
    ia, ib, ic = (a[:b] for a in sc.i)

    def fma(dst, a64, c, sub=False):                  # dst = fmaf(dst, a, c) (fmsubf if sub), c float or f64
        np.copyto(t64, dst)
        np.multiply(t64, a64, out=t64)
        if isinstance(c, np.ndarray):
            np.copyto(w64, c)
            c = w64
        (np.subtract if sub else np.add)(t64, c, out=t64)
        np.copyto(dst, t64, casting="same_kind")

    np.copyto(ia.view(_V32), raw.view(_V32)[:, 0])
    np.bitwise_and(ia, 0xFFFFFF, out=ia)
    np.subtract(1 << 24, ia, out=ia)                  # j = 2^24 (1 - u), exact
    np.copyto(x, ia, casting="unsafe")                # float(j) has the mantissa of 1 - u
    np.right_shift(x.view(i32), 23, out=ib)
    np.bitwise_and(x.view(i32), 0x7fffff, out=ia)
    np.bitwise_or(ia, 0x3f000000, out=ia)             # m in [0.5, 1)
    np.subtract(ia, 0x3f3504f3, out=ic)
    np.right_shift(ic, 31, out=ic)                    # -1 where m < cephes_SQRTHF
    np.add(ib, ic, out=ib)
    np.subtract(ib, 150, out=ib)                      # e = exponent(1 - u) + 1 - mask
    np.copyto(e, ib, casting="unsafe")
    np.bitwise_and(ic, 0x800000, out=ic)
    np.add(ia, ic, out=ia)                            # m + m where mask
    np.subtract(ia.view(f32), f32(1), out=x)
    np.multiply(x, x, out=z)
    np.copyto(x64, x)
    np.multiply(x64, _LOG_P[0], out=t64)
    np.add(t64, _LOG_P[1], out=t64)
    np.copyto(y, t64, casting="same_kind")
    for p in _LOG_P[2:]:
        fma(y, x64, p)                                # y = fma(y, x, p_k)
    np.multiply(y, x, out=y)
    np.multiply(e, _Q1, out=t)
    np.copyto(x64, z)
    fma(y, x64, t)                                    # fma(y, z, e * q1)
    np.multiply(z, f32(0.5), out=t)
    np.subtract(y, t, out=y)                          # fnmadd(z, 0.5, y): z * 0.5 is exact
    np.add(x, y, out=x)
    np.multiply(e, _Q2, out=t)
    np.add(x, t, out=x)                               # fma(e, q2, x): e * q2 is exact
    np.multiply(x, f32(-2), out=x)
    np.sqrt(x, out=e)                                 # e := radius
    np.copyto(ia.view(_V32), raw.view(_V32)[:, 1])
    np.bitwise_and(ia, 0xFFFFFF, out=ia)
    np.copyto(t, ia, casting="unsafe")
    np.multiply(t, _THETA, out=t)                     # theta = 2pi * u
    np.multiply(t, _FOPI, out=y)
    np.copyto(ia, y, casting="unsafe")                # cvttps2dq
    np.add(ia, 1, out=ia)
    np.bitwise_and(ia, -2, out=ia)                    # j = (j + 1) & ~1, in {0, 2, 4, 6, 8}
    np.copyto(y, ia, casting="unsafe")
    np.multiply(y, _DP1, out=x)
    np.add(t, x, out=x)                               # fma(y, DP1, x): exact product
    np.multiply(y, _DP2, out=t)
    np.add(x, t, out=x)                               # fma(DP2, y, x): exact product
    np.copyto(x64, y)
    np.multiply(x64, _DP3, out=x64)
    fma(x, 1.0, x64)                                  # fma(y, DP3, x) = x * 1 + y * DP3
    np.multiply(x, x, out=z)
    np.multiply(z, f32(0.5), out=t)
    np.copyto(x64, z)
    np.multiply(x64, _COS_P[0], out=t64)
    np.add(t64, _COS_P[1], out=t64)
    np.copyto(co, t64, casting="same_kind")
    fma(co, x64, _COS_P[2])
    np.multiply(co, z, out=co)
    fma(co, x64, t, sub=True)                         # fmsub(z, y, z * 0.5)
    np.add(co, f32(1), out=co)
    np.multiply(x64, _SIN_P[0], out=t64)
    np.add(t64, _SIN_P[1], out=t64)
    np.copyto(s, t64, casting="same_kind")
    fma(s, x64, _SIN_P[2])
    np.multiply(s, z, out=s)
    np.copyto(x64, x)
    fma(s, x64, x64)                                  # fma(x, y2, x)
    sb, cb = s.view(i32), co.view(i32)                # poly_mask = (j & 2) == 0 picks sin/cos polys
    np.right_shift(ia, 1, out=ib)
    np.bitwise_and(ib, 1, out=ib)
    np.negative(ib, out=ib)
    np.bitwise_xor(sb, cb, out=ic)
    np.bitwise_and(ic, ib, out=ic)
    np.bitwise_xor(ic, sb, out=ib)                    # sin before its sign
    np.bitwise_xor(ic, cb, out=cb)                    # cos before its sign
    np.bitwise_and(ia, 4, out=ic)
    np.left_shift(ic, 29, out=ic)
    np.bitwise_xor(ib, ic, out=sb)                    # swap_sign_bit_sin
    np.add(ia, 2, out=ia)
    np.bitwise_and(ia, 4, out=ia)
    np.left_shift(ia, 29, out=ia)
    np.bitwise_xor(cb, ia, out=cb)                    # sign_bit_cos = ~(j - 2) & 4 == (j + 2) & 4
    np.multiply(e, co, out=co)
    np.multiply(e, s, out=s)
    np.copyto(out.view(_V32)[:, 0], co.view(_V32))
    np.copyto(out.view(_V32)[:, 1], s.view(_V32))
    if std != 1 or mean != 0:
        out[...] = _fma32(out, std, mean)
    elif not e.all():                                 # radius 0 (u = 0): fma(-0., 1, 0) is +0.
        np.add(out, f32(0), out=out)


# ---- the NumPy fill: blocks of _ROWS rows on worker threads, raw draws in order on the calling thread -----
_pool = []


def _ncpu():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _workers():
    if not _pool:
        _pool.append(ThreadPoolExecutor(min(4, _ncpu()), thread_name_prefix="mt19937"))
    return _pool[0]


if hasattr(os, "register_at_fork"):                   # a forked child must not reuse the parent's threads
    os.register_at_fork(after_in_child=_pool.clear)


def _run(pool, fn, arg_tuples):
    """fn(*args) for each of `arg_tuples`, produced here in order (the raw draws are sequential); on the worker
    pool when there is one, waiting for all of them."""
    if pool is None:
        for args in arg_tuples:
            fn(*args)
        return
    for job in [pool.submit(fn, *args) for args in arg_tuples]:
        job.result()


def _fill_numpy(draw, rows, out, std, mean):
    def blocks():
        for r0 in range(0, rows, 16 * _ROWS):
            r1 = min(rows, r0 + 16 * _ROWS)
            raw = draw(16 * (r1 - r0)).reshape(-1, 16)
            for b0 in range(r0, r1, _ROWS):
                yield raw[b0 - r0:b0 - r0 + _ROWS], out[b0:min(r1, b0 + _ROWS)], std, mean
    _run(_workers() if rows >= 4 * _ROWS and _ncpu() > 1 else None, _fill16, blocks())


# ---- the fused XLA kernel: the same instruction sequence, one pass over the data ---------------------------
# Every constant is a runtime argument: XLA's simplifier folds constant chains such as (k * c1) * c2 into
# k * (c1 * c2), which changes the rounding.  A float mul+add pair that the AVX2 build did not contract has an
# exact product (or goes through double), so LLVM contracting it cannot change a result; an fmaf is either left
# to that contraction (mode "contract": XLA's CPU backend always allows FMA fusion) or emulated in double
# (mode "double"); the first mode that reproduces _fill16 on a test block is used.
_CONST = np.array([f32(p) for p in _LOG_P] + [_Q1, _Q2, _THETA, _FOPI, _DP1, _DP2, f32(_DP3)]
                  + [f32(p) for p in _COS_P + _SIN_P] + [0.5, -2.0, 1.0, 1.0, 0.0], f32)
_Q1_, _Q2_, _THETA_, _FOPI_, _DP1_, _DP2_, _DP3_, _COS_, _SIN_, _HALF, _M2, _ONE, _STD, _MEAN = (
    9, 10, 11, 12, 13, 14, 15, 16, 19, 22, 23, 24, 25, 26)
_CHUNK = 1 << 15                                  # rows per kernel call (524288 normals); one compiled shape
_MIN_ROWS = 1 << 13                               # smaller fills are faster in NumPy (no padding, no compile)
_MODES = ("contract", "double")


def _fma_contract(a, b, c):
    return a * b + c


def _fma_double(a, b, c):
    """fmaf of the polynomial steps: exact product, the double sum rounded once (exhaustively equal)."""
    import jax.numpy as jnp
    return (a.astype(jnp.float64) * b.astype(jnp.float64) + c.astype(jnp.float64)).astype(jnp.float32)


def _fma_odd(a, b, c):
    """fmaf for any operands: the double sum rounded to odd (two-sum), then to float."""
    import jax.numpy as jnp
    from jax import lax
    p, c = a.astype(jnp.float64) * b.astype(jnp.float64), c.astype(jnp.float64)
    s = p + c
    bb = s - p
    err = (p - (s - bb)) + (c - bb)
    bits = lax.bitcast_convert_type(s, jnp.int64)
    fix = (err != 0) & ((bits & 1) == 0) & jnp.isfinite(s)
    bits = jnp.where(fix, bits + jnp.where((err > 0) == (s > 0), 1, -1), bits)
    return lax.bitcast_convert_type(bits, jnp.float64).astype(jnp.float32)


def _radius(lo, c, fma):
    """sqrt(-2 log256_ps(1 - u)), u from the int32 raw draws of lanes 0-7."""
    import jax.numpy as jnp
    from jax import lax
    bits = lax.bitcast_convert_type(((1 << 24) - (lo & 0xFFFFFF)).astype(jnp.float32), jnp.int32)
    ia = (bits & 0x7fffff) | 0x3f000000
    ic = (ia - 0x3f3504f3) >> 31
    e = ((bits >> 23) + ic - 150).astype(jnp.float32)
    x = lax.bitcast_convert_type(ia + (ic & 0x800000), jnp.float32) - c[_ONE]
    z = x * x
    y = fma(x, c[0], c[1])
    for k in range(2, 9):
        y = fma(y, x, c[k])
    y = _fma_double(y * x, z, e * c[_Q1_])        # two products: not left to contraction
    x = x + (y - z * c[_HALF])                    # z * 0.5 and e * q2 are exact
    x = x + e * c[_Q2_]
    return jnp.sqrt(x * c[_M2])


def _sincos(hi, c, fma):
    """sincos256_ps(2pi u), u from the int32 raw draws of lanes 8-15: (cos, sin)."""
    import jax.numpy as jnp
    from jax import lax
    t = (hi & 0xFFFFFF).astype(jnp.float32) * c[_THETA_]
    j = ((t * c[_FOPI_]).astype(jnp.int32) + 1) & -2
    y = j.astype(jnp.float32)
    x = (t + y * c[_DP1_]) + y * c[_DP2_]         # exact products
    x = fma(y, c[_DP3_], x)
    z = x * x
    co = fma(fma(z, c[_COS_], c[_COS_ + 1]), z, c[_COS_ + 2]) * z
    co = _fma_double(co, z, -(z * c[_HALF])) + c[_ONE]
    sn = fma(fma(z, c[_SIN_], c[_SIN_ + 1]), z, c[_SIN_ + 2]) * z
    sn = fma(sn, x, x)
    swap = (j & 2) != 0
    flip = lambda v, sign: lax.bitcast_convert_type(lax.bitcast_convert_type(v, jnp.int32) ^ sign, jnp.float32)
    return flip(jnp.where(swap, sn, co), ((j + 2) & 4) << 29), flip(jnp.where(swap, co, sn), (j & 4) << 29)


def _normal16(lo, hi, c, mode):
    """Lanes 0-7 (lo) and 8-15 (hi) of rows of raw draws -> fma(NormalFill16, std, mean) as uint64 words.

    Word k holds lane k (radius * cos) in its low half and lane 8 + k (radius * sin) in its high half: one
    output element is all the work of one lane pair.  (With two outputs or a concatenate XLA fuses one loop
    per output and recomputes the radius and both polynomials in each.)  The halves come in as flat arrays:
    strided (rows, 8) slices are not vectorised.
    """
    import jax.numpy as jnp
    from jax import lax
    fma = _fma_contract if mode == "contract" else _fma_double
    affine = _fma_contract if mode == "contract" else _fma_odd
    r = _radius(lax.bitcast_convert_type(lo, jnp.int32), c, fma)
    cos, sin = _sincos(lax.bitcast_convert_type(hi, jnp.int32), c, fma)
    a, b = (lax.bitcast_convert_type(affine(r * v, c[_STD], c[_MEAN]), jnp.uint32).astype(jnp.uint64)
            for v in (cos, sin))
    return a | (b << 32)


_xla_state, _xla_lock = [], threading.Lock()
USE_XLA = True                                    # False: always the NumPy path


def _xla():
    """(jitted kernel, CPU device) of the first mode that matches _fill16, else None; built on first use."""
    if not _xla_state:
        with _xla_lock:
            if not _xla_state:
                _xla_state.append(next(filter(None, map(_build, _MODES)), None))
    return _xla_state[0]


def _check_rows():
    """A test block: structured strides over [0, 2^24) in even rows, random draws in odd ones, edge values."""
    raw = np.random.RandomState(12345).randint(0, 1 << 32, size=(_CHUNK, 16), dtype=u32)
    k = np.arange(_CHUNK * 4, dtype=u32).reshape(-1, 8)
    raw[::2, :8] = (k * u32(97)) % u32(1 << 24)
    raw[::2, 8:] = (k * u32(257)) % u32(1 << 24) | u32(0xAB000000)
    raw[:2] = [[0, 1, 2, 0xFFFFFF, 0xFFFFFE, 0x800000, 0x7FFFFF, 0xFFFFFFFF] * 2,
               [0x1000000, 3, 0x400000, 0xC00000, 0x200000, 0x600000, 0xA00000, 0xE00000] * 2]
    return raw


def _build(mode):
    try:
        import functools
        import jax
        from jax.sharding import SingleDeviceSharding
        if not jax.config.jax_enable_x64:
            return None
        dev = jax.local_devices(backend="cpu")[0]
        cpu = SingleDeviceSharding(dev)                         # NumPy arguments go to the CPU, not a GPU
        kernel = (jax.jit(functools.partial(_normal16, mode=mode), in_shardings=(cpu,) * 3, out_shardings=cpu), dev)
        raw = _check_rows()
        for std, mean in ((f32(1), f32(0)), (f32(0.02), f32(0.5)), (f32(3.5), f32(-1e-3)), (f32(0.1), f32(-0.8))):
            ref, got = np.empty(raw.shape, f32), np.empty(raw.shape, f32)
            for b in range(0, _CHUNK, _ROWS):
                _fill16(raw[b:b + _ROWS], ref[b:b + _ROWS], std, mean)
            _store(got, 0, _CHUNK, _launch(kernel, raw, _params(kernel, std, mean)))
            if not np.array_equal(got.view(u32), ref.view(u32)):
                return None
        return kernel
    except Exception:                             # no CPU backend, an old JAX, ...: NumPy it is
        return None


def _params(kernel, std, mean):
    import jax
    c = _CONST.copy()
    c[_STD], c[_MEAN] = std, mean
    return jax.device_put(c, kernel[1])


_halves = threading.local()


def _launch(kernel, raw, c):
    """The kernel on m <= _CHUNK rows of raw draws (zero-padded); its result may still be in the making.

    The input buffer is this thread's: store (wait for) the result before the thread launches again."""
    m = raw.shape[0]
    halves = getattr(_halves, "buf", None)        # per thread, reused once the previous result was stored
    if halves is None:
        halves = _halves.buf = empty_aligned((2, _CHUNK, 8), u32)       # aligned: JAX takes it without a copy
    np.copyto(halves[:, :m].view(_V32)[..., 0], raw.view(_V32).T)     # lanes 0-7 | 8-15, 8 at a time
    halves[:, m:] = 0
    return kernel[0](halves[0].reshape(-1), halves[1].reshape(-1), c)


def _store(out, r0, m, y):
    """Rows r0:r0+m of out from the kernel's words: low halves to lanes 0-7, high halves to lanes 8-15."""
    pairs = np.asarray(y).reshape(_CHUNK, 8)[:m].view(f32).reshape(m, 8, 2)
    lo, hi = (0, 1) if np.little_endian else (1, 0)
    np.copyto(out[r0:r0 + m, :8], pairs[:, :, lo])
    np.copyto(out[r0:r0 + m, 8:], pairs[:, :, hi])


def _fill_xla(draw, rows, out, std, mean, kernel):
    """Raw draws chunk by chunk on this thread (they are sequential); workers run the kernel on each chunk."""
    c = _params(kernel, std, mean)
    _run(_workers() if rows > _CHUNK and _ncpu() > 1 else None, _transform,
         ((kernel, draw(16 * min(_CHUNK, rows - r0)).reshape(-1, 16), c, out, r0, std, mean)
          for r0 in range(0, rows, _CHUNK)))


def _transform(kernel, raw, c, out, r0, std, mean):
    m = raw.shape[0]
    try:
        _store(out, r0, m, _launch(kernel, raw, c))
    except Exception:                             # e.g. called under a JAX trace: the draws are taken, use NumPy
        for b in range(0, m, _ROWS):
            _fill16(raw[b:b + _ROWS], out[r0 + b:r0 + min(m, b + _ROWS)], std, mean)


def _no_subnormals(std, mean):
    """XLA's CPU code flushes subnormals (FTZ/DAZ); libtorch does not.  A nonzero radius * cos|sin is at least
    2^-38 (all 2^24 inputs), so x * std + mean is a multiple of 2^min(e(std) - 84, e(mean) - 23): with these
    bounds every input and every nonzero result of fma(x, std, mean) is a normal float."""
    s, m = abs(float(std)), abs(float(mean))
    return not (0 < s < 2.0 ** -40 or 0 < m < 2.0 ** -100)


def normal_fill(draw, rows, out, std, mean):
    """out[:rows] = NormalFill16 of rows * 16 raw draws taken in order from draw(count); std, mean floats."""
    kernel = None
    if USE_XLA and rows >= _MIN_ROWS and _no_subnormals(std, mean):
        import jax
        kernel = None if jax.config.jax_disable_jit else _xla()     # op by op, nothing is contracted
    if kernel is None:
        _fill_numpy(draw, rows, out, std, mean)
    else:
        _fill_xla(draw, rows, out, std, mean, kernel)
