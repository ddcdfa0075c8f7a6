"""Layers of issue 14's census: FractionalMaxPool2d/3d, CrossMapLRN2d, AdaptiveLogSoftmaxWithLoss.

Each keeps PyTorch's constructor arguments, submodule/buffer layout (so state_dicts and seeded initialisation
match) and results."""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .. import functional as _act
from .._functional import fractional as _frac
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

__all__ = ["FractionalMaxPool2d", "FractionalMaxPool3d", "CrossMapLRN2d", "AdaptiveLogSoftmaxWithLoss"]


class _FractionalMaxPoolNd(Module):
    __constants__ = ["kernel_size", "return_indices", "output_size", "output_ratio"]
    _nd = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
        super().__init__()
        nd, cls = self._nd, type(self).__name__
        self.kernel_size = _frac._tuple(kernel_size, nd)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _frac._tuple(output_size, nd) if output_size is not None else None
        self.output_ratio = _frac._tuple(output_ratio, nd) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f"{cls} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):
        fn = _frac.fractional_max_pool2d if self._nd == 2 else _frac.fractional_max_pool3d
        return fn(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
                  _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    _nd = 3


def _lrn_window(channels, size):
    """Which squared channels make up each channel's scale, by torch's legacy running-sum recurrence (whose window
    is not centred the way F.local_response_norm's is)."""
    pre_pad = int((size - 1) / 2 + 1)
    m = np.zeros((channels, channels), dtype=np.float64)
    m[0, :min(pre_pad, channels)] = 1
    for c in range(1, channels):
        m[c] = m[c - 1]
        if c < channels - pre_pad + 1:
            m[c, c + pre_pad - 1] += 1
        if c > pre_pad:
            m[c, c - pre_pad] -= 1
    return m


def _lrn_back_window(channels, size):
    """The channels whose go*out/scale ratios torch's legacy backward sums for each channel."""
    pre = int(size - (size - 1) / 2)
    c = np.arange(channels)[:, None]
    j = np.arange(channels)[None, :]
    return ((j >= c - pre) & (j <= c + size - 1 - pre)).astype(np.float64)


def _cross_map_lrn2d_function():
    from ...autograd.function import Function

    class _CrossMapLRN2dFn(Function):
        """torch's legacy cross-map LRN, with its hand-written backward (not the exact derivative of the forward:
        the two use differently placed channel windows), so gradients match PyTorch's."""

        @staticmethod
        def forward(ctx, input, size, alpha, beta, k):
            import torchlike
            sq = input * input
            m = torchlike.tensor(_lrn_window(input.size(1), size), dtype=input.dtype)
            scale = torchlike.einsum("cj,njhw->nchw", m, sq) * (alpha / size) + k
            output = scale.pow(-beta) * input
            ctx.save_for_backward(input, output, scale)
            ctx.size, ctx.alpha, ctx.beta = size, alpha, beta
            return output

        @staticmethod
        def backward(ctx, grad_output):
            import torchlike
            input, output, scale = ctx.saved_tensors
            b = torchlike.tensor(_lrn_back_window(input.size(1), ctx.size), dtype=input.dtype)
            accum = torchlike.einsum("cj,njhw->nchw", b, grad_output * output / scale)
            grad = scale.pow(-ctx.beta) * grad_output - (2 * ctx.alpha * ctx.beta / ctx.size) * input * accum
            return grad, None, None, None, None
    return _CrossMapLRN2dFn


_CROSS_MAP = []


class CrossMapLRN2d(Module):
    """Local response normalisation across channels of a 4-D input (torch's legacy cross-map LRN)."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        if not _CROSS_MAP:
            _CROSS_MAP.append(_cross_map_lrn2d_function())
        return _CROSS_MAP[0].apply(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)


_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Efficient softmax approximation (Grave et al.): a head over the shortlist plus one cluster token per tail,
    and a two-layer projection per tail cluster."""

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1 \
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing "
                             "order, where each value is between 1 and n_classes-1")
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, **kw)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hsz = int(in_features // (div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hsz, bias=False, **kw),
                                        Linear(hsz, osz, bias=False, **kw)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for i2h, h2o in self.tail:
            i2h.reset_parameters()
            h2o.reset_parameters()

    def forward(self, input_, target_):
        tdim = target_.dim()
        if tdim == 1:
            if input_.size(0) != target_.size(0):
                raise RuntimeError("Input and target should have the same size in the batch dimension.")
            if input_.dim() != 2:
                raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with size "
                                   f"{input_.size()}")
        elif tdim == 0:
            if input_.dim() != 1:
                raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with size "
                                   f"{input_.size()}")
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        batched = tdim > 0
        input = input_ if batched else input_.unsqueeze(0)
        target = target_ if batched else target_.unsqueeze(0)
        n = target.size(0)
        if n and (bool((target < 0).any()) or bool((target >= self.n_classes).any())):
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{target.min().item()}, {target.max().item()}] were found. ")
        output = input.new_zeros(n)
        gather = target.clone()
        bounds = [0] + self.cutoffs
        for i in range(1, len(bounds) - 1):
            lo, hi = bounds[i], bounds[i + 1]
            mask = (target >= lo) & (target < hi)
            rows = mask.nonzero().view(-1)
            if rows.numel() == 0:
                continue
            gather = gather.index_fill(0, rows, self.shortlist_size + i - 1)
            logp = _act.log_softmax(self.tail[i - 1](input.index_select(0, rows)), dim=1)
            local = logp.gather(1, (target[mask] - lo).unsqueeze(1)).squeeze(1)
            output = output.index_copy(0, rows, local)
        head_logprob = _act.log_softmax(self.head(input), dim=1)
        output = output + head_logprob.gather(1, gather.unsqueeze(1)).squeeze()
        loss = (-output).mean()
        if not batched:
            output = output.squeeze(0)
        return _ASMoutput(output, loss)

    def _get_full_log_prob(self, input, head_output):
        import torchlike
        head_logprob = _act.log_softmax(head_output, dim=1)
        parts = [head_logprob[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            logp = _act.log_softmax(self.tail[i](input), dim=1)
            parts.append(logp + head_logprob[:, self.shortlist_size + i].unsqueeze(1))
        return torchlike.cat(parts, dim=1)

    def log_prob(self, input):
        return self._get_full_log_prob(input, self.head(input))

    def predict(self, input):
        import torchlike
        head_output = self.head(input)
        output = torchlike.argmax(head_output, dim=1)
        outside = output >= self.shortlist_size
        if not bool(outside.any()):
            return output
        if bool(outside.all()):
            return torchlike.argmax(self._get_full_log_prob(input, head_output), dim=1)
        log_prob = self._get_full_log_prob(input[outside], head_output[outside])
        output[outside] = torchlike.argmax(log_prob, dim=1)
        return output
