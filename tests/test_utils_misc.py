"""torch.utils.dlpack / hub / benchmark, torch.library + torch.ops, nn.attention, autograd.graph hooks, optimizer
step patching: behaviour checked against PyTorch where it runs (real torch is a test-only oracle)."""
from __future__ import annotations

import hashlib
import os
import urllib.error

import numpy as np
import pytest
import torch as TH

import torchlike as torch


# --- dlpack -----------------------------------------------------------------------------------------------

def test_dlpack_zero_copy_both_ways():
    a = np.arange(4.0)
    t = torch.from_dlpack(a)
    t[0] = 7
    assert a[0] == 7                                   # numpy -> torchlike shares memory
    back = torch.utils.dlpack.from_dlpack(torch.utils.dlpack.to_dlpack(t))
    back[1] = 9
    assert a[1] == 9 and t[1].item() == 9              # capsule round trip shares it too
    real = TH.arange(3.0)
    x = torch.from_dlpack(real)
    x[0] = 4
    assert real[0].item() == 4                         # real torch -> torchlike
    y = TH.from_dlpack(x)
    y[1] = 8
    assert x[1].item() == 8                            # torchlike -> real torch
    v = torch.arange(6.0).reshape(2, 3).t()
    assert TH.from_dlpack(v).tolist() == v.tolist()
    assert torch.ones(2).__dlpack_device__() == (1, 0)
    with pytest.raises(RuntimeError, match="Can't export tensors that require gradient"):
        torch.ones(2, requires_grad=True).__dlpack__()


# --- hub ----------------------------------------------------------------------------------------------------

def test_hub_cache_file_urls_hash_and_local_repo(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    assert torch.hub.get_dir() == str(tmp_path / "home" / "hub")
    sd = {"w": torch.arange(3.0)}
    src = tmp_path / "weights.pt"
    torch.save(sd, str(src))
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    named = tmp_path / f"model-{digest[:8]}.pt"
    named.write_bytes(src.read_bytes())
    got = torch.hub.load_state_dict_from_url(named.as_uri(), check_hash=True, progress=False)
    assert got["w"].tolist() == [0.0, 1.0, 2.0]
    cached = tmp_path / "home" / "hub" / "checkpoints" / named.name
    assert cached.exists()
    named.unlink()                                          # a cache hit needs no source (works offline)
    assert torch.hub.load_state_dict_from_url(named.as_uri(), progress=False)["w"].tolist() == [0.0, 1.0, 2.0]
    dst = tmp_path / "out.bin"
    with pytest.raises(RuntimeError, match='invalid hash value \\(expected "deadbeef"'):
        torch.hub.download_url_to_file(src.as_uri(), str(dst), hash_prefix="deadbeef", progress=False)
    assert not dst.exists()
    torch.hub.download_url_to_file(src.as_uri(), str(dst), hash_prefix=digest[:10], progress=False)
    assert dst.read_bytes() == src.read_bytes()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "hubconf.py").write_text("dependencies = ['numpy']\n"
                                     "def tiny(n=2):\n    '''A tiny model.'''\n"
                                     "    import torch\n    return torch.nn.Linear(n, 1)\n"
                                     "def _private():\n    pass\n")
    assert torch.hub.list(str(repo)) == ["tiny"]
    assert torch.hub.help(str(repo), "tiny") == "A tiny model."
    m = torch.hub.load(str(repo), "tiny", source="local", n=3)
    assert m.in_features == 3 and type(m).__module__.startswith("torch")
    with pytest.raises(RuntimeError, match="Cannot find callable nope in hubconf"):
        torch.hub.load(str(repo), "nope", source="local")
    assert torch.utils.model_zoo.load_url is torch.hub.load_state_dict_from_url


def test_hub_offline_error_is_clear(tmp_path, monkeypatch):
    def no_network(*a, **k):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
    monkeypatch.setattr(torch.hub, "urlopen", no_network)
    with pytest.raises(urllib.error.URLError, match="cannot download https://example.com/m.pt.*no network"):
        torch.hub.download_url_to_file("https://example.com/m.pt", str(tmp_path / "m.pt"), progress=False)


# --- benchmark ----------------------------------------------------------------------------------------------

def test_benchmark_timer_measurement():
    from torchlike.utils import benchmark
    t = benchmark.Timer("x + 1", globals={"x": torch.ones(3)}, label="add", sub_label="3", description="ones")
    m = t.timeit(20)
    assert m.number_per_run == 20 and len(m.times) == 1 and m.mean > 0 and m.median == m.mean
    r = repr(m).splitlines()
    assert r[0].startswith("<torch.utils.benchmark.utils.common.Measurement object at 0x")
    assert r[1:3] == ["add: 3", "ones"] and r[4] == "  1 measurement, 20 runs , 1 thread"
    b = t.blocked_autorange(min_run_time=0.01)
    assert len(b.times) >= 1 and sum(b.raw_times) >= 0.01
    assert "Times are in" in str(benchmark.Compare([m, b]))


# --- library / ops -------------------------------------------------------------------------------------------

def test_custom_op_autograd_fake_and_ops_namespace():
    from torchlike.library import custom_op

    @custom_op("tltest::mysin", mutates_args=())
    def mysin(x: torch.Tensor) -> torch.Tensor:
        return x.sin()

    def backward(ctx, g):
        return g * ctx.x.cos()

    def setup_context(ctx, inputs, output):
        ctx.x, = inputs

    mysin.register_autograd(backward, setup_context=setup_context)

    @mysin.register_fake
    def _(x):
        return torch.empty_like(x)

    x = torch.tensor([0.5], requires_grad=True)
    y = torch.ops.tltest.mysin(x)
    assert type(y.grad_fn).__name__ == "GeneratedBackwardFor_tltest_mysin_defaultBackward"
    y.backward()
    assert abs(x.grad.item() - float(np.cos(0.5))) < 1e-6
    assert repr(mysin) == "<CustomOpDef(tltest::mysin)>" and mysin._schema == "(Tensor x) -> Tensor"
    assert torch.ops.tltest.mysin.default(torch.zeros(1)).tolist() == [0.0]
    assert torch.library.opcheck(mysin, (torch.ones(2),))["test_faketensor"] == "SUCCESS"
    assert str(torch.ops.aten.add.default) == "aten.add.default"
    assert repr(torch.ops.aten.mm) == "<OpOverloadPacket(op='aten.mm')>"
    assert torch.ops.aten.mm.default(torch.ones(2, 2), torch.ones(2, 2)).tolist() == [[2.0, 2.0], [2.0, 2.0]]
    with pytest.raises(AttributeError, match="'_OpNamespace' 'aten' object has no attribute 'no_such_op'"):
        torch.ops.aten.no_such_op


# --- nn.attention / autograd.graph / optimizer patching --------------------------------------------------------

def test_sdpa_kernel_selection():
    from torchlike.nn.attention import SDPBackend, sdpa_kernel
    with sdpa_kernel(SDPBackend.MATH):
        assert torch.backends.cuda.math_sdp_enabled() and not torch.backends.cuda.flash_sdp_enabled()
        q = torch.randn(1, 2, 3, 4)
        assert torch.nn.functional.scaled_dot_product_attention(q, q, q).shape == (1, 2, 3, 4)
    assert torch.backends.cuda.flash_sdp_enabled()
    assert [(k, int(v)) for k, v in SDPBackend.__members__.items()] == \
        [(k, int(v)) for k, v in __import__("torch.nn.attention").nn.attention.SDPBackend.__members__.items()]


def test_saved_tensor_hooks_on_functions():
    G = torch.autograd.graph
    log = []

    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * x

    a = torch.ones(2, requires_grad=True)
    with G.saved_tensors_hooks(lambda x: (log.append("pack"), x)[1], lambda x: (log.append("unpack"), x * 3)[1]):
        y = F.apply(a)
    y.sum().backward()
    assert log == ["pack", "unpack"] and a.grad.tolist() == [3.0, 3.0]      # as PyTorch
    with pytest.raises(RuntimeError, match="no hooks here"):
        with G.disable_saved_tensors_hooks("no hooks here"):
            with G.saved_tensors_hooks(lambda x: x, lambda x: x):
                pass
    with G.save_on_cpu(pin_memory=False):
        z = F.apply(a)
    a.grad = None
    z.sum().backward()
    assert a.grad.tolist() == [1.0, 1.0]


def test_optimizer_patches_reassigned_step():
    class Mine(torch.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {})

    calls = []
    Mine.step = lambda self, closure=None: calls.append("step")
    opt = Mine([torch.nn.Parameter(torch.ones(1))])
    opt.register_step_pre_hook(lambda *a: calls.append("pre"))
    opt.register_step_post_hook(lambda *a: calls.append("post"))
    opt.step()
    assert calls == ["pre", "step", "post"]
    assert opt._zero_grad_profile_name == "Optimizer.zero_grad#Mine.zero_grad"
