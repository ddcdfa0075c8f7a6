import sys, importlib; torch=__import__(LIB); nn=torch.nn
FlopCounterMode = importlib.import_module(LIB+'.utils.flop_counter').FlopCounterMode
def show(fc): return {k: {str(a): v for a, v in sorted(d.items(), key=lambda kv: str(kv[0]))} for k, d in sorted(fc.get_flop_counts().items())}
m=nn.Sequential(nn.Linear(8,16), nn.ReLU(), nn.Linear(16,4))
x=torch.randn(3,8)
with FlopCounterMode(display=False, depth=2) as fc:
    m(x).sum().backward()
print(fc.get_total_flops()); print(show(fc))
c=nn.Conv2d(3,8,3)
with FlopCounterMode(display=False) as fc: c(torch.randn(2,3,10,10)).sum().backward()
print(fc.get_total_flops(), show(fc))
c=nn.ConvTranspose2d(3,8,3,stride=2)
with FlopCounterMode(display=False) as fc: c(torch.randn(2,3,5,5))
print(fc.get_total_flops(), show(fc))
with FlopCounterMode(display=False) as fc: torch.bmm(torch.randn(2,3,4),torch.randn(2,4,5)); torch.matmul(torch.randn(3,4),torch.randn(4,5)); torch.addmm(torch.randn(3,5),torch.randn(3,4),torch.randn(4,5)); torch.baddbmm(torch.randn(2,3,5),torch.randn(2,3,4),torch.randn(2,4,5)); torch.matmul(torch.randn(2,3,4),torch.randn(4,5)); torch.matmul(torch.randn(2,3,4),torch.randn(2,4,5)); torch.mm(torch.randn(3,4),torch.randn(4,5))
print(fc.get_total_flops(), show(fc))
w=torch.randn(4,5,requires_grad=True)
with FlopCounterMode(display=False) as fc: torch.bmm(torch.randn(2,3,4,requires_grad=True),torch.randn(2,4,5)).sum().backward(); torch.mm(torch.randn(3,4),w).sum().backward()
print(fc.get_total_flops(), show(fc))
c=nn.Conv2d(3,4,3)
with FlopCounterMode(display=False) as fc: c(torch.randn(1,3,6,6,requires_grad=True)).sum().backward()
print(fc.get_total_flops(), show(fc))
