"""DDP worker: an MLP trained for a few SGD steps, each rank on its slice of the batch; rank 0 saves the final
parameters (argv[1]). Also checks no_sync, find_unused_parameters and the state_dict keys. Prints 'OK <rank>'."""
import sys

import numpy as np

import torchlike as torch
import torchlike.distributed as dist
from torchlike import nn


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))


def batches(steps=5, n=8):
    rng = np.random.default_rng(1)
    return [(rng.standard_normal((n, 4)).astype(np.float32), rng.standard_normal((n, 3)).astype(np.float32))
            for _ in range(steps)]


def main():
    dist.init_process_group("gloo")
    r, W = dist.get_rank(), dist.get_world_size()
    model = make_model()
    if r == 1:                       # a different start: DDP must broadcast rank 0's parameters
        with torch.no_grad():
            for p in model.parameters():
                p.add_(1.0)
    ddp = nn.parallel.DistributedDataParallel(model, bucket_cap_mb=0.0001)      # several buckets
    assert ddp.module is model and len(ddp.reducer.buckets) > 1
    assert list(ddp.state_dict()) == ["module." + k for k in model.state_dict()]
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1)
    for x, y in batches():
        n = len(x) // W
        xs, ys = torch.tensor(x[r * n:(r + 1) * n]), torch.tensor(y[r * n:(r + 1) * n])
        opt.zero_grad()
        torch.nn.functional.mse_loss(ddp(xs), ys).backward()
        opt.step()
    if r == 0:
        torch.save(model.state_dict(), sys.argv[1])
    # no_sync: local gradients only, then the next synced backward averages the accumulated ones
    opt.zero_grad()
    x = torch.full((2, 4), float(r + 1))
    with ddp.no_sync():
        ddp(x).sum().backward()
    local = [p.grad.clone() for p in model.parameters()]
    grads = [None] * W
    dist.all_gather_object(grads, [g.tolist() for g in local])
    assert not np.allclose(np.asarray(grads[0][0]), np.asarray(grads[1][0]))
    ddp(x).sum().backward()
    for p, g0, g1 in zip(model.parameters(), grads[0], grads[1]):
        want = np.asarray(g0) + np.asarray(g1)              # (2*g0 + 2*g1) / 2
        assert np.allclose(p.grad.numpy(), want, atol=1e-5), (p.grad, want)
    # find_unused_parameters: rank 1 skips a branch; the gradient is rank 0's / W, a branch no rank uses stays None
    torch.manual_seed(0)

    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.never = nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 2)

        def forward(self, x, use_b):
            return self.a(x) + (self.b(x) if use_b else 0)

    m = Branchy()
    d = nn.parallel.DistributedDataParallel(m, find_unused_parameters=True)
    d(torch.ones(1, 2), use_b=(r == 0)).sum().backward()
    assert m.never.weight.grad is None
    assert np.allclose(m.b.weight.grad.numpy(), np.ones((2, 2)) / W), m.b.weight.grad
    assert np.allclose(m.a.weight.grad.numpy(), np.ones((2, 2))), m.a.weight.grad
    dist.barrier()
    dist.destroy_process_group()
    print("OK", r, flush=True)


if __name__ == "__main__":
    main()
