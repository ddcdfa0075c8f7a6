"""torch.nn.attention.flex_attention: block masks (block counts, indices, sparsity, printed map), flex_attention
with score_mod / block_mask / GQA / lse, and its gradients: the same as real PyTorch's eager implementation."""
import warnings

import numpy as np
import pytest
import torch as TH
import torch.nn.attention.flex_attention as THF

import torchlike as TL
import torchlike.nn.attention.flex_attention as TLF

from _harness import to_numpy


def causal(b, h, q, kv):
    return q >= kv


def window(b, h, q, kv):
    return (q - kv) < 20


def nothing(b, h, q, kv):
    return q < 0


def _lib(T):
    return (TLF, TL) if T == "tl" else (THF, TH)


def _block_mask(T, mods, B, H, L, S, bs):
    F, lib = _lib(T)
    mod = F.and_masks(*[globals()[m] for m in mods]) if len(mods) > 1 else globals()[mods[0]]
    return F.create_block_mask(mod, B, H, L, S, device="cpu", BLOCK_SIZE=bs)


@pytest.mark.parametrize("mods,B,H,L,S,bs", [(["causal"], 1, 1, 200, 200, 64),
                                             (["causal", "window"], 2, 3, 70, 70, 16),
                                             (["window"], None, None, 33, 50, (16, 8)),
                                             (["nothing"], 1, 1, 40, 40, 16)])
def test_block_mask_matches_torch(mods, B, H, L, S, bs):
    a, b = _block_mask("tl", mods, B, H, L, S, bs), _block_mask("th", mods, B, H, L, S, bs)
    for f in ("kv_num_blocks", "kv_indices", "full_kv_num_blocks", "full_kv_indices", "q_num_blocks", "q_indices",
              "full_q_num_blocks", "full_q_indices"):
        x, y = getattr(a, f), getattr(b, f)
        assert str(x.dtype) == str(y.dtype), f
        np.testing.assert_array_equal(to_numpy(x), to_numpy(y), err_msg=f)
    assert a.shape == b.shape and a.BLOCK_SIZE == b.BLOCK_SIZE and a.seq_lengths == b.seq_lengths
    assert a.sparsity() == pytest.approx(b.sparsity())
    np.testing.assert_array_equal(to_numpy(a.to_dense()), to_numpy(b.to_dense()))
    assert str(a) == str(b)
    np.testing.assert_array_equal(to_numpy(TLF.create_mask(globals()[mods[0]], B, H, L, S)),
                                  to_numpy(THF.create_mask(globals()[mods[0]], B, H, L, S, device="cpu")))


def _inputs(T, gqa, grad):
    lib = TL if T == "tl" else TH
    rng = np.random.default_rng(0)
    hk = 2 if gqa else 4
    q, k, v = (lib.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=grad)
               for s in [(2, 4, 70, 8), (2, hk, 70, 8), (2, hk, 70, 6)])
    bias = lib.tensor(rng.standard_normal((4, 70)).astype(np.float32))
    return q, k, v, bias


def _smod(bias):
    def smod(s, b, h, qi, ki):
        return s + bias[h, qi] * 0.5 + (qi - ki) * 0.01
    return smod


def _reference(q, k, v, bias, use_mod, use_mask, gqa, scale):
    """The dense math of flex_attention in real PyTorch (its flex_attention has no CPU backward)."""
    if gqa:
        k, v = k.repeat_interleave(2, 1), v.repeat_interleave(2, 1)
    s = q @ k.transpose(-2, -1) * scale
    qi, ki = TH.arange(70).view(1, 1, 70, 1), TH.arange(70).view(1, 1, 1, 70)
    if use_mod:
        s = _smod(bias)(s, TH.arange(2).view(2, 1, 1, 1), TH.arange(4).view(1, 4, 1, 1), qi, ki)
    if use_mask:
        s = s.masked_fill(~(causal(0, 0, qi, ki) & window(0, 0, qi, ki)), float("-inf"))
    return s.softmax(-1) @ v, s.logsumexp(-1)


@pytest.mark.parametrize("gqa", [False, True])
@pytest.mark.parametrize("use_mod,use_mask", [(False, False), (True, False), (False, True), (True, True)])
def test_flex_attention_matches_torch(gqa, use_mod, use_mask):
    outs = []
    for T in ("tl", "th", "ref"):
        F, lib = _lib("th" if T == "ref" else T)
        q, k, v, bias = _inputs("th" if T == "ref" else T, gqa, T != "th")
        scale = 0.3 if use_mod else 8 ** -0.5
        if T == "ref":
            out, lse = _reference(q, k, v, bias, use_mod, use_mask, gqa, scale)
        else:
            bm = _block_mask(T, ["causal", "window"], 2, 4, 70, 70, 16) if use_mask else None
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out, aux = F.flex_attention(q, k, v, score_mod=_smod(bias) if use_mod else None, block_mask=bm,
                                            enable_gqa=gqa, scale=scale, return_aux=F.AuxRequest(lse=True))
            lse = aux.lse
        if T != "th":  # PyTorch's flex_attention has no CPU backward: gradients are checked against the dense math
            (out.sum() + (out * out).sum() + lse.sum()).backward()
        outs.append([out, lse] + ([q.grad, k.grad, v.grad] if T != "th" else []))
    for i, (a, b) in enumerate(zip(outs[0], outs[1] + outs[2][2:])):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-4, atol=1e-4, err_msg=str(i))


def test_fully_masked_rows_and_errors_match_torch():
    res = []
    for T in ("tl", "th"):
        F, lib = _lib(T)
        x = lib.ones(1, 1, 40, 8)
        bm = _block_mask(T, ["nothing"], 1, 1, 40, 40, 16)
        with pytest.warns(FutureWarning, match="return_lse is deprecated"):
            out, lse = F.flex_attention(x, x, x, block_mask=bm, return_lse=True)
        errs = []
        for kw in [dict(return_lse=True, return_aux=F.AuxRequest(lse=True)),
                   dict(return_aux=F.AuxRequest(max_scores=True))]:
            try:
                F.flex_attention(x, x, x, **kw)
            except Exception as e:
                errs.append((type(e).__name__, str(e)))
        try:
            F.flex_attention(x, lib.ones(1, 3, 40, 8), lib.ones(1, 3, 40, 8))
        except Exception as e:
            errs.append((type(e).__name__, str(e)))
        res.append((to_numpy(out).tolist(), to_numpy(lse).tolist(), errs))
    assert res[0] == res[1]
