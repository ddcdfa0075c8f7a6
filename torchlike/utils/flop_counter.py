"""torch.utils.flop_counter: FLOP counts of matmuls, convolutions and attention, per module.

FlopCounterMode watches op dispatch (torchlike/_ops/observe.py) and counts each op-table call with PyTorch's
formulas under the aten operator PyTorch's dispatch would show (F.linear -> addmm/mm, torch.matmul -> mm/bmm,
conv*d -> convolution ...). A recorded op's backward is counted when its node runs (mm/bmm per input gradient,
convolution_backward, attention backward), attributed to the modules that ran its forward. Modules are named as
PyTorch's ModuleTracker names them ("Sequential", "Sequential.0" ...); "Global" holds everything.
Scaled-dot-product attention is counted with the flash-attention formula (PyTorch's CPU math path counts 0).
"""
from __future__ import annotations

import math
import warnings
from collections import defaultdict

from .._ops import observe as _observe
from .._tensor import Tensor

__all__ = ["FlopCounterMode", "register_flop_formula"]

suffixes = ["", "K", "M", "B", "T"]


def _aten(name):
    """The torch.ops.aten packet keying the counts (a packet of its own for backward kernels such as
    convolution_backward, which torchlike runs as VJPs rather than as callable ops)."""
    from .._op_namespaces import OpOverloadPacket, ops
    try:
        return getattr(ops.aten, name)
    except AttributeError:
        def unavailable(*args, **kwargs):
            raise RuntimeError(f"aten.{name} runs inside torchlike's autograd (as a VJP) and cannot be called "
                               "directly")
        packet = OpOverloadPacket("aten", name, unavailable)
        setattr(ops.aten, name, packet)
        return packet


def mm_flop(a_shape, b_shape, *args, out_shape=None, **kwargs):
    m, k = a_shape
    k2, n = b_shape
    return m * n * 2 * k


def bmm_flop(a_shape, b_shape, out_shape=None, **kwargs):
    b, m, k = a_shape
    b2, k2, n = b_shape
    return b * m * n * 2 * k


def conv_flop_count(x_shape, w_shape, out_shape, transposed=False):
    """batch * prod(weight shape) * prod(output spatial (input spatial when transposed)) * 2."""
    batch = x_shape[0]
    conv_shape = (x_shape if transposed else out_shape)[2:]
    return batch * math.prod(w_shape) * math.prod(conv_shape) * 2


def sdpa_flop_count(query_shape, key_shape, value_shape):
    b, h, s_q, d_q = query_shape
    _, _, s_k, _ = key_shape
    _, _, _, d_v = value_shape
    return b * h * (s_q * s_k * d_q * 2 + s_q * s_k * d_v * 2)


def sdpa_backward_flop_count(grad_out_shape, query_shape, key_shape, value_shape):
    b, h, s_q, d_q = query_shape
    _, _, s_k, _ = key_shape
    _, _, _, d_v = value_shape
    return b * h * 2 * (s_q * s_k * d_v * 2 + s_q * s_k * d_q * 2)


_CUSTOM = {}


def register_flop_formula(targets, get_raw=False):
    """Decorator: `formula(*shapes...)` counts the FLOPs of the named op-table entries `targets`."""
    def deco(fn):
        for t in (targets if isinstance(targets, (list, tuple)) else [targets]):
            _CUSTOM[getattr(t, "__name__", str(t)).split(".")[-1]] = fn
        return fn
    return deco


def _shape(t):
    return tuple(t.shape)


def _matmul_counts(a, b):
    """(aten name, forward flops, backward flops per input) of torch.matmul's decomposition."""
    if a.dim() == 2 and b.dim() == 2:
        f = mm_flop(a, b)
        return "mm", f, f
    if a.dim() >= 3 and b.dim() == 2:
        m = math.prod(a[:-1])
        f = mm_flop((m, a[-1]), b)
        return "mm", f, f
    if a.dim() >= 3 and b.dim() >= 3 and a.dim() == b.dim():
        f = bmm_flop((math.prod(a[:-2]),) + tuple(a[-2:]), (math.prod(b[:-2]),) + tuple(b[-2:]))
        return "bmm", f, f
    return None


class _Shape(tuple):
    def dim(self):
        return len(self)


def _counts(op, vals, tensors, out):
    """[(aten name, flops)] for the forward, and [(aten name, flops per needed input gradient)] for the backward
    (list of (name, flops) per differentiable tensor argument), or None for an op that is not counted."""
    name = op.name
    if name in _CUSTOM:
        f = _CUSTOM[name](*[_shape(t) for t in tensors], out_shape=_shape(out if not isinstance(out, tuple)
                                                                             else out[0]))
        return (name, f), (name, f)
    if name == "_nn_linear":
        x, w = vals[0], vals[1]
        k, n = w.shape[1], w.shape[0]
        m = math.prod(x.shape[:-1]) if x.dim() > 1 else 1
        if x.dim() == 1 and vals[2] is None:
            return None
        f = m * n * 2 * k
        return ("addmm" if vals[2] is not None else "mm", f), ("mm", f)
    if name in ("mm", "bmm", "addmm", "baddbmm", "matmul"):
        a, b = (vals[0], vals[1]) if name in ("mm", "bmm", "matmul") else (vals[1], vals[2])
        if name in ("addmm", "baddbmm") and not isinstance(a, Tensor):
            return None
        if name == "matmul":
            r = _matmul_counts(_Shape(a.shape), _Shape(b.shape))
            if r is None:
                return None
            return (r[0], r[1]), (r[0], r[2])
        f = mm_flop(a.shape, b.shape) if name in ("mm", "addmm") else bmm_flop(a.shape, b.shape)
        return (name, f), ("mm" if name in ("mm", "addmm") else "bmm", f)
    if name.startswith("conv") or name == "convolution":
        x, w = vals[0], vals[1]
        o = out if not isinstance(out, tuple) else out[0]
        transposed = "transpose" in name or (name == "convolution" and bool(vals[6]))
        xs, os_ = _shape(x), _shape(o)
        if x.dim() == w.dim() - 1:           # unbatched input
            xs, os_ = (1,) + xs, (1,) + os_
        f = conv_flop_count(xs, _shape(w), os_, transposed)
        return ("convolution", f), ("convolution_backward", f)
    if name == "scaled_dot_product_attention":
        q, k, v = vals[0], vals[1], vals[2]
        qs, ks, vs = _shape(q), _shape(k), _shape(v)
        if len(qs) == 3:
            qs, ks, vs = (1,) + qs, (1,) + ks, (1,) + vs
        if len(qs) != 4:
            lead = math.prod(qs[:-3])
            qs, ks, vs = (lead,) + qs[-3:], (lead,) + ks[-3:], (lead,) + vs[-3:]
        f = sdpa_flop_count(qs, ks, vs)
        return ("_scaled_dot_product_flash_attention", f), \
            ("_scaled_dot_product_flash_attention_backward", sdpa_backward_flop_count(qs, qs, ks, vs))
    return None


class FlopCounterMode:
    """Context manager counting FLOPs; `get_total_flops()`, `get_flop_counts()` ({module: {aten op: flops}}),
    `get_table(depth)` (printed on exit when display=True)."""

    def __init__(self, mods=None, depth=2, display=True, custom_mapping=None):
        self.flop_counts = defaultdict(lambda: defaultdict(int))
        self.depth = depth
        self.display = display
        if mods is not None:
            warnings.warn("mods argument is not needed anymore, you can stop passing it", stacklevel=2)
        self.custom_mapping = dict(custom_mapping or {})
        self._parents = ["Global"]
        self._names = {}
        self._handles = []

    # -- results ---------------------------------------------------------------------------------------
    def get_total_flops(self):
        return sum(self.flop_counts["Global"].values())

    def get_flop_counts(self):
        return {k: dict(v) for k, v in self.flop_counts.items()}

    def get_table(self, depth=None):
        depth = self.depth if depth is None else depth
        depth = 999999 if depth is None else depth
        total = self.get_total_flops()
        suffix = suffixes[max(0, min(len(suffixes) - 1, (len(str(total)) - 2) // 3))]
        scale = 1000 ** suffixes.index(suffix)

        def num(n):
            return f"{n / scale:.3f}{suffix}"

        def pct(n):
            return "0%" if total == 0 else f"{n / total:.2%}"

        rows, subsumed = [], False

        def process(mod, d):
            nonlocal subsumed
            t = sum(self.flop_counts[mod].values())
            subsumed |= t >= total
            pad = " " * d
            out = [[pad + mod, num(t), pct(t)]]
            out += [[pad + " - " + str(k), num(v), pct(v)] for k, v in self.flop_counts[mod].items()]
            return out

        for mod in sorted(self.flop_counts):
            if mod == "Global" or mod.count(".") + 1 > depth:
                continue
            rows.extend(process(mod, mod.count(".")))
        if "Global" in self.flop_counts and not subsumed:
            for r in rows:
                r[0] = " " + r[0]
            rows = process("Global", 0) + rows
        if not rows:
            rows = [["Global", "0", "0%"]]
        header = ["Module", "FLOP", "% Total"]
        w = [max(len(str(r[i])) for r in rows + [header]) for i in range(3)]
        lines = [f"{header[0]:<{w[0]}}  {header[1]:>{w[1]}}  {header[2]:>{w[2]}}",
                 f"{'-' * w[0]}  {'-' * w[1]}  {'-' * w[2]}"]
        lines += [f"{r[0]:<{w[0]}}  {r[1]:>{w[1]}}  {r[2]:>{w[2]}}" for r in rows]
        return "\n".join(lines)

    # -- counting --------------------------------------------------------------------------------------
    def _add(self, parents, aten_name, flops):
        key = _aten(aten_name)
        for p in dict.fromkeys(parents):
            self.flop_counts[p][key] += flops

    def on_op(self, op, vals, tensors, out):
        mapped = self.custom_mapping.get(op.name)
        if mapped is not None:
            f = mapped(*[_shape(t) for t in tensors])
            self._add(self._parents, op.name, f)
            return
        counts = _counts(op, vals, tensors, out)
        if counts is None:
            return
        (fname, fflops), (bname, bflops) = counts
        self._add(self._parents, fname, fflops)
        o = out[0] if isinstance(out, tuple) else out
        node = getattr(o, "_grad_fn", None)
        if node is not None and hasattr(node, "register_prehook"):
            parents = list(self._parents)
            # mm/bmm/convolution: one product per input gradient needed (input, weight); attention: one op
            n_grads = sum(bool(getattr(vals[i], "_requires_grad", False)) for i in op.tensor_idx[:2]) \
                if bname in ("mm", "bmm", "convolution_backward") else 1

            def count_backward(cts, parents=parents):
                self._add(parents, bname, bflops * n_grads)
                return None
            node.register_prehook(count_backward)
            self._handles.append((node, count_backward))

    def on_view(self, base, out, args, kwargs):
        pass

    # -- module tracking -------------------------------------------------------------------------------
    def _pre(self, module, inputs):
        name = self._names.get(module) or type(module).__name__
        self._names[module] = name
        for cname, child in module.named_children():
            self._names.setdefault(child, f"{name}.{cname}")
        self._parents.append(name)

    def _post(self, module, inputs, output):
        name = self._names.get(module)
        if name in self._parents:
            idx = len(self._parents) - 1 - self._parents[::-1].index(name)
            del self._parents[idx]

    def __enter__(self):
        from ..nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook
        self.flop_counts.clear()
        self._hooks = [register_module_forward_pre_hook(self._pre), register_module_forward_hook(self._post)]
        _observe.add(self)
        return self

    def __exit__(self, *args):
        _observe.remove(self)
        for h in self._hooks:
            h.remove()
        for node, fn in self._handles:      # backward counting ends with the mode
            if fn in node._pre_hooks:
                node._pre_hooks.remove(fn)
        self._handles.clear()
        if self.display:
            print(self.get_table(self.depth))
