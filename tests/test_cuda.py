"""CUDA device behaviour: runs only where JAX sees a GPU (skipped otherwise; the suite never needs one)."""
import numpy as np
import pytest

import torchlike as torch

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device visible to JAX")


def test_cuda_queries():
    assert torch.cuda.device_count() >= 1
    assert torch.cuda.current_device() == 0
    assert isinstance(torch.cuda.get_device_name(0), str)
    torch.cuda.synchronize()


def test_move_and_compute_on_gpu():
    x = torch.arange(6.0).reshape(2, 3)
    g = x.cuda()
    assert g.is_cuda and g.device == torch.device("cuda:0") and str(g.device) == "cuda:0"
    assert g._value().devices() == {torch._device.gpu_devices()[0]}
    y = (g * 2 + 1).sum(dim=0)
    assert y.device.type == "cuda"
    assert y.cpu().tolist() == [8.0, 12.0, 16.0]
    assert x.to("cuda").to("cpu", torch.float64).dtype is torch.float64
    assert torch.zeros(2, device="cuda").device == torch.device("cuda", 0)
    assert torch.ones_like(g).device == g.device
    assert "device='cuda:0'" in repr(g)
    assert g.type() == "torch.cuda.FloatTensor"


def test_views_and_inplace_on_gpu():
    g = torch.zeros(3, 4, device="cuda")
    g[1, :] = 5
    g.t()[0, 2] = 7
    assert g.cpu().tolist()[1] == [5.0, 5.0, 5.0, 5.0] and g.cpu().tolist()[2][0] == 7.0


def test_cross_device_errors():
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        torch.ones(2).cuda() + torch.ones(2)
    # a 0-dim CPU tensor may join a CUDA op, as in PyTorch
    assert (torch.ones(2).cuda() + torch.tensor(1.0)).device.type == "cuda"
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        torch.ones(2).cuda().numpy()


def test_autograd_on_gpu():
    w = torch.ones(3, device="cuda", requires_grad=True)
    (w * torch.arange(3.0, device="cuda")).sum().backward()
    assert w.grad.device.type == "cuda" and w.grad.cpu().tolist() == [0.0, 1.0, 2.0]
    c = torch.ones(2, requires_grad=True)
    (c.cuda() * 3).sum().backward()
    assert c.grad.device.type == "cpu" and c.grad.tolist() == [3.0, 3.0]


def test_numpy_roundtrip_via_cpu():
    g = torch.tensor(np.arange(4, dtype=np.int32), device="cuda")
    assert g.dtype is torch.int32 and g.cpu().numpy().tolist() == [0, 1, 2, 3]
