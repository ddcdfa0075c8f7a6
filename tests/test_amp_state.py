"""The autocast machinery's own state: the one flag the dispatch hook reads, the compile guard key, the weight-cast
cache's lifetime, and that every name in the cast policy is an op-table entry or an entry point that casts."""
import torchlike as torch
from torchlike import _autocast
from torchlike._ops._registry import OPS


def test_flag_key_and_cache_follow_the_regions():
    assert not _autocast.ACTIVE and _autocast.key() == ()
    w = torch.ones(2, 2, requires_grad=True)
    with torch.autocast("cpu"):
        assert _autocast.ACTIVE and _autocast.key() == (("cpu", "bfloat16"),)
        with torch.autocast("cpu", dtype=torch.float16):
            assert _autocast.key() == (("cpu", "float16"),)
            w @ w
        with torch.autocast("cpu", enabled=False):
            assert not _autocast.ACTIVE and _autocast.key() == ()
        # keyed by the weight alone, as PyTorch's: the float16 cast made in the inner region is reused here
        assert (w @ w).dtype is torch.float16 and len(_autocast._cache) == 1
    assert not _autocast.ACTIVE and _autocast._cache == {} and _autocast._state["nesting"] == 0


def test_policy_names_are_known():
    import inspect
    import torchlike.nn.functional  # noqa: F401  (registers the nn entries)
    from torchlike._ops import indexing
    from torchlike.nn._functional import layers, linear, losses
    entry_points = set()
    for mod in (linear, losses, layers, indexing):
        src = inspect.getsource(mod)
        entry_points |= {n for table in _autocast.POLICY.values() for n in table if f'_autocast.cast("{n}"' in src}
    # names from PyTorch's lists with no torchlike counterpart yet (kept so the policy reads like PyTorch's)
    absent = {"grid_sampler", "stft", "view_as_complex", "lu_solve", "ormqr", "nll_loss2d", "ctc_loss",
              "linalg_cond", "fake_quantize_per_tensor_affine", "fractional_max_pool2d", "fractional_max_pool3d",
              "conv_tbc", "linalg_inv", "linear", "bilinear", "cross_entropy", "kl_div", "l1_loss",
              "cosine_embedding_loss", "hinge_embedding_loss", "poisson_nll_loss", "margin_ranking_loss",
              "triplet_margin_loss", "index_put"}
    unknown = {n for table in _autocast.POLICY.values() for n in table} - set(OPS) - entry_points - absent
    assert unknown == set()
    assert {"linear", "cross_entropy", "l1_loss", "kl_div", "index_put"} <= entry_points
