"""F.ctc_loss / torch.ctc_loss / nn.CTCLoss against PyTorch: values and log_probs gradients (PyTorch's CTC backward,
NaN for impossible alignments, zero under zero_infinity) for padded and concatenated targets, lengths as tensors or
tuples, the three reductions, float32/float64, unbatched input, blank positions, zero lengths, grad_fn names and
ATen's argument errors; plus a random sweep whose agreement rate must be 100%."""
import numpy as np
import pytest
import torch as TH

import torchlike as TL
from _harness import check, compare, run


def case(seed, T=8, N=3, C=5, S=4, dtype="float64"):
    r = np.random.default_rng(seed)
    lp = np.log(r.dirichlet(np.ones(C), size=(T, N)))
    tl = r.integers(0, S + 1, N)
    il = r.integers(0, T + 1, N)
    il[0] = T
    return lp, r, tl, il, dtype


def go(L, lp, targets, il, tl, dtype="float64", layout="padded", lengths="tensor", reduction="mean",
       zero_infinity=False, blank=0, module=False):
    x = L.tensor(lp, dtype=getattr(L, dtype), requires_grad=True)
    if layout == "concat":
        t = L.tensor(np.concatenate([targets[b, :tl[b]] for b in range(len(tl))]).astype(np.int64))
    else:
        t = L.tensor(targets)
    if lengths == "tensor":
        a, b = L.tensor(il), L.tensor(tl)
    else:
        a, b = tuple(int(v) for v in il), tuple(int(v) for v in tl)
    if module:
        loss = L.nn.CTCLoss(blank=blank, reduction=reduction, zero_infinity=zero_infinity)(x, t, a, b)
    else:
        loss = L.nn.functional.ctc_loss(x, t, a, b, blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    w = L.tensor(np.linspace(0.5, 1.5, loss.numel()).reshape(tuple(loss.shape)), dtype=loss.dtype)
    (g,) = L.autograd.grad((loss * w).sum(), [x])
    return loss, g, type(loss.grad_fn).__name__


def targets_for(r, N, S, C, blank):
    labels = [c for c in range(C) if c != blank]
    return r.choice(labels, size=(N, S)).astype(np.int64)


@pytest.mark.parametrize("layout", ["padded", "concat"])
@pytest.mark.parametrize("lengths", ["tensor", "tuple"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ctc_grid(layout, lengths, reduction, zero_infinity, dtype):
    lp, r, tl, il, _ = case(1)
    tg = targets_for(r, 3, 4, 5, 0)
    il[2] = 1                          # an impossible alignment (target longer than the input)
    tl[2] = max(tl[2], 2)
    check(lambda L: go(L, lp, tg, il, tl, dtype, layout, lengths, reduction, zero_infinity))


@pytest.mark.parametrize("blank", [0, 2, 4])
def test_ctc_blank_and_repeats(blank):
    lp, r, tl, il, _ = case(2, T=10, N=4, C=5, S=5)
    tg = targets_for(r, 4, 5, 5, blank)
    tg[1] = tg[1, 0]                   # all-repeated labels need blanks between them
    tl[1], il[1] = 5, 10
    check(lambda L: go(L, lp, tg, il, tl, blank=blank, reduction="none"))


def test_ctc_zero_lengths():
    lp, r, _, _, _ = case(3, T=6, N=4)
    tg = targets_for(r, 4, 3, 5, 0)
    il, tl = np.array([0, 0, 6, 3]), np.array([0, 2, 0, 3])
    for red in ("none", "mean"):
        check(lambda L: go(L, lp, tg, il, tl, reduction=red))
        check(lambda L: go(L, lp, tg, il, tl, reduction=red, zero_infinity=True))


def test_ctc_unbatched_and_module():
    lp, r, _, _, _ = case(4, T=7, N=1)
    tg = targets_for(r, 1, 3, 5, 0)

    def f(L, red):
        x = L.tensor(lp[:, 0], requires_grad=True)
        loss = L.nn.functional.ctc_loss(x, L.tensor(tg[0]), L.tensor(7), L.tensor(3), reduction=red)
        (g,) = L.autograd.grad(loss.sum(), [x])
        return loss, g, type(loss.grad_fn).__name__
    for red in ("none", "mean", "sum"):
        check(lambda L: f(L, red))
    check(lambda L: go(L, *case(5)[:1], targets_for(np.random.default_rng(0), 3, 4, 5, 0), np.array([8, 5, 7]),
                       np.array([4, 1, 2]), module=True))


def test_ctc_torch_function_and_float_targets():
    lp, r, tl, il, _ = case(6)
    tg = targets_for(r, 3, 4, 5, 0)

    def f(L):
        x = L.tensor(lp, requires_grad=True)
        return L.ctc_loss(x, L.tensor(tg.astype(np.float32)), L.tensor(il), L.tensor(tl), 0, 0, False)
    check(f)


@pytest.mark.slow
def test_ctc_random_sweep():
    agree, total = 0, 0
    for seed in range(60):
        r = np.random.default_rng(100 + seed)
        T, N, C = int(r.integers(1, 12)), int(r.integers(1, 5)), int(r.integers(2, 7))
        S = int(r.integers(0, 6))
        blank = int(r.integers(0, C))
        lp = np.log(r.dirichlet(np.ones(C), size=(T, N)))
        tg = targets_for(r, N, max(S, 1), C, blank)[:, :S]
        tl = r.integers(0, S + 1, N)
        il = r.integers(0, T + 1, N)
        kw = dict(dtype=["float32", "float64"][seed % 2], layout=["padded", "concat"][(seed // 2) % 2],
                  lengths=["tensor", "tuple"][(seed // 4) % 2], reduction=["none", "mean", "sum"][seed % 3],
                  zero_infinity=bool(seed % 5 == 0), blank=blank)
        (a, ea), (b, eb) = run(lambda L: go(L, lp, tg, il, tl, **kw))
        total += 1
        try:
            if eb is not None:
                assert ea is not None and type(ea) is type(eb) and str(ea) == str(eb)
            else:
                assert ea is None, ea
                compare(a, b)
            agree += 1
        except AssertionError as e:
            print(seed, kw, e)
    assert agree == total, f"{agree}/{total} agree"


def test_ctc_grad_fn_names():
    lp, r, tl, il, _ = case(7)
    tg = targets_for(r, 3, 4, 5, 0)
    for red, zi in (("none", False), ("none", True), ("mean", False), ("sum", True)):
        (a, _), (b, _) = run(lambda L: go(L, lp, tg, il, tl, reduction=red, zero_infinity=zi)[2])
        assert a == b


@pytest.mark.parametrize("i", range(17))
def test_ctc_errors(i):
    lp, r, _, _, _ = case(8, T=6, N=3)
    tg = targets_for(r, 3, 3, 5, 0)

    def f(L):
        x, t = L.tensor(lp, dtype=L.float32), L.tensor(tg)
        il, tl = L.tensor([6, 5, 2]), L.tensor([3, 2, 3])
        F = L.nn.functional
        return [lambda: F.ctc_loss(x, t, il.float(), tl),
                lambda: F.ctc_loss(x, t, il, tl.to(L.bool)),
                lambda: F.ctc_loss(x, t, il, tl, blank=5),
                lambda: F.ctc_loss(x, t, il, tl, blank=-1),
                lambda: F.ctc_loss(x, t, il[:2], tl),
                lambda: F.ctc_loss(x, t, il, tl[:2]),
                lambda: F.ctc_loss(x, t, [6, 5, 7], [3, 2, 3]),
                lambda: F.ctc_loss(x, t, [6, 5, -1], [3, 2, 3]),
                lambda: F.ctc_loss(x, t, [6, 5, 2], [3, 4, 1]),
                lambda: F.ctc_loss(x, t, [6, 5, 2], [3, -1, 1]),
                lambda: F.ctc_loss(x, t.flatten(), [6, 5, 2], [3, 3, 4]),
                lambda: F.ctc_loss(x, t[:2], il, tl),
                lambda: F.ctc_loss(x.half(), t, il, tl),
                lambda: F.ctc_loss(x[None], t, il, tl),
                lambda: F.ctc_loss(x, t[None], il, tl),
                lambda: F.ctc_loss(x, t, il, tl, reduction="foo"),
                lambda: F.ctc_loss(x[:, :0], t[:0], [], [])][i]()
    check(f, message=True)


def test_ctc_mixed_length_kinds_type_error():
    lp, r, _, _, _ = case(9, T=6, N=3)
    check(lambda L: L.nn.functional.ctc_loss(L.tensor(lp), L.tensor(targets_for(r, 3, 3, 5, 0)), [6, 5, 2],
                                             L.tensor([3, 2, 3])))
