import sys, warnings
torch = __import__(LIB); import importlib
cp = importlib.import_module(LIB+'.utils.checkpoint')
nn = torch.nn
def close(a,b): return bool(((a-b).abs().max() < 1e-5).item())
def count(t):
    seen=set(); st=[t.grad_fn]
    while st:
        n=st.pop()
        if n is None or n in seen: continue
        seen.add(n); st.extend(x for x,_ in n.next_functions)
    return len(seen)
for reent in (True, False):
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(4,8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8,3))
    x = torch.randn(5,4, requires_grad=True)
    torch.manual_seed(1); y0 = m(x); y0.sum().backward(); g0=[p.grad.clone() for p in m.parameters()]; gx0=x.grad.clone()
    m.zero_grad(); x.grad=None
    torch.manual_seed(1); y1 = cp.checkpoint(m, x, use_reentrant=reent)
    print(reent, close(y0,y1))
    y1.sum().backward()
    print(all(close(a,p.grad) for a,p in zip(g0,m.parameters())), close(gx0,x.grad))
# autograd.grad wrt params, non-reentrant, input not requiring grad
m = nn.Linear(3,2); x = torch.ones(2,3)
out = cp.checkpoint(lambda a, scale=1.0: m(a)*scale, x, use_reentrant=False, scale=2.0)
g = torch.autograd.grad(out.sum(), list(m.parameters()))
print([tuple(t.shape) for t in g], g[1])
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter('always')
    cp.checkpoint(m, x)
    print([str(i.message)[:60] for i in w])
# sequential
torch.manual_seed(0)
s = nn.Sequential(*[nn.Linear(4,4) for _ in range(4)]); x=torch.randn(2,4,requires_grad=True)
y=cp.checkpoint_sequential(s, 2, x, use_reentrant=False); y.sum().backward(); print(x.grad.sum().item().__round__(5))
# double backward non-reentrant
x=torch.tensor([1.,2.],requires_grad=True)
y=cp.checkpoint(lambda a: (a**3).sum(), x, use_reentrant=False)
g,=torch.autograd.grad(y,x,create_graph=True); print(g.detach()); g.sum().backward(); print(x.grad)
# dict output
d=cp.checkpoint(lambda a: {'o':a*2,'n':3}, x, use_reentrant=False); print(d['n'], d['o'].requires_grad)
