"""torch.autocast('cuda') and GradScaler('cuda') on a GPU: PyTorch's CUDA cast lists (float16 matmuls and
convolutions, float32 pointwise/norms/losses, float32 reductions, widest-type promotion, the banned
binary_cross_entropy). Runs only where JAX sees a GPU (skipped otherwise)."""
import numpy as np
import pytest

import torchlike as torch

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device visible to JAX")
F = torch.nn.functional


def _t(*shape, dtype=torch.float32):
    g = np.random.default_rng(0)
    return torch.tensor(g.random(shape, dtype=np.float32), dtype=dtype, device="cuda")


@pytest.mark.parametrize("name,fn,want", [
    ("mm", lambda a, b: torch.mm(a, b), "float16"),
    ("linear", lambda a, b: F.linear(a, b), "float16"),
    ("mv", lambda a, b: torch.mv(a, b[0]), "float16"),          # on CUDA's list, not the CPU's
    ("addmv", lambda a, b: torch.addmv(b[0], a, b[0]), "float16"),
    ("softmax", lambda a, b: torch.softmax(a.half(), 1), "float32"),
    ("sum", lambda a, b: a.half().sum(), "float32"),
    ("sum_dtype", lambda a, b: a.half().sum(dtype=torch.float16), "float16"),
    ("exp", lambda a, b: a.half().exp(), "float32"),
    ("layer_norm", lambda a, b: F.layer_norm(a.half(), (4,)), "float32"),
    ("mse_loss", lambda a, b: F.mse_loss(a.half(), b.half()), "float32"),
    ("cross_entropy", lambda a, b: F.cross_entropy(a, torch.tensor([0, 1, 2, 3], device="cuda")), "float32"),
    ("addcmul", lambda a, b: torch.addcmul(a.half(), a, b), "float32"),
    ("relu", lambda a, b: F.relu(a), "float32"),
    ("prod_cpu_list", lambda a, b: a.half().prod(), "float32"),
])
def test_cuda_policy(name, fn, want):
    a, b = _t(4, 4), _t(4, 4)
    with torch.autocast("cuda"):
        out = fn(a, b)
    assert str(out.dtype) == f"torch.{want}" and out.device.type == "cuda"


def test_banned_binary_cross_entropy():
    a = _t(4).sigmoid()
    with torch.autocast("cuda"):
        with pytest.raises(RuntimeError, match="unsafe to autocast"):
            F.binary_cross_entropy(a, a)


def test_cpu_tensors_untouched_by_cuda_region():
    x = torch.ones(2, 2)
    with torch.autocast("cuda"):
        assert (x @ x).dtype is torch.float32 and torch.is_autocast_enabled()


def test_training_step_with_scaler_on_gpu():
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4)).cuda()
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cuda")
    x, y = torch.randn(8, 16, device="cuda"), torch.randint(0, 4, (8,), device="cuda")
    losses = []
    for _ in range(5):
        opt.zero_grad()
        with torch.autocast("cuda"):
            out = m(x)
            loss = F.cross_entropy(out, y)
        assert out.dtype is torch.float16 and loss.dtype is torch.float32
        scaler.scale(loss).backward()
        assert all(p.grad.dtype is torch.float32 for p in m.parameters())
        scaler.step(opt)
        scaler.update()
        losses.append(loss.item())
    assert losses[-1] < losses[0] and scaler.get_scale() == 2.0 ** 16
