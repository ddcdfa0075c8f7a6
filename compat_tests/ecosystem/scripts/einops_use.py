"""einops: rearrange / reduce / repeat / einsum / pack / unpack on tensors (with autograd), and einops.layers.torch
(Rearrange, Reduce, EinMix) inside a model trained for a few steps."""
import torch
import torch.nn as nn
from einops import rearrange, reduce, repeat, einsum, pack, unpack, parse_shape, asnumpy
from einops.layers.torch import Rearrange, Reduce, EinMix

torch.manual_seed(0)
x = torch.randn(2, 3, 4, 6, requires_grad=True)

y = rearrange(x, "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=2, p2=2)
print(tuple(y.shape), f"{y.sum().item():.5f}", y.is_contiguous())
print(tuple(rearrange(x, "b c h w -> (b h) w c").shape))
print(tuple(rearrange(x, "b ... w -> b (...) w").shape))
m = reduce(x, "b c (h 2) (w 2) -> b c h w", "max")
print(tuple(m.shape), f"{m.mean().item():.5f}")
for op in ("mean", "sum", "min", "max", "prod"):
    r = reduce(x, "b c h w -> b c", op)
    print(op, tuple(r.shape), [f"{v:.4f}" for v in r.flatten()[:4].tolist()])
r = repeat(x[0, 0], "h w -> h (w k) r", k=2, r=3)
print(tuple(r.shape), f"{r.abs().sum().item():.5f}")
print(tuple(repeat(torch.arange(3), "n -> b n", b=2).shape), repeat(torch.arange(3), "n -> b n", b=2).tolist())
e = einsum(x, x, "b c h w, b d h w -> b c d")
print(tuple(e.shape), f"{e.trace() if e.dim() == 2 else e.sum().item():.4f}")
packed, ps = pack([torch.ones(2, 5), torch.zeros(2, 3, 5)], "b * c")
print(tuple(packed.shape), ps)
a, b = unpack(packed, ps, "b * c")
print(tuple(a.shape), tuple(b.shape))
print(parse_shape(x, "b c h w"), parse_shape(x, "b _ h _"))
print(asnumpy(reduce(x, "b c h w -> c", "mean")).round(4).tolist())

loss = (y ** 2).mean() + m.sum() * 0.1 + e.mean() * 0.01
loss.backward()
print(f"{loss.item():.5f}", f"{x.grad.norm().item():.5f}")

model = nn.Sequential(
    Rearrange("b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=4, p2=4),
    nn.Linear(48, 32),
    EinMix("b t c -> b t c_out", weight_shape="c c_out", bias_shape="c_out", c=32, c_out=16),
    nn.GELU(),
    Reduce("b t c -> b c", "mean"),
    nn.Linear(16, 5))
print(model)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
img = torch.randn(4, 3, 16, 16)
target = torch.tensor([0, 1, 2, 3])
for step in range(3):
    opt.zero_grad()
    out = model(img)
    loss = nn.functional.cross_entropy(out, target)
    loss.backward()
    opt.step()
    print(step, tuple(out.shape), f"{loss.item():.5f}")
print(sum(p.numel() for p in model.parameters()))
