import sys; torch=__import__(LIB); import importlib
fwAD=importlib.import_module(LIB+'.autograd.forward_ad')
x=torch.tensor([1.,2.]); t=torch.tensor([1.,0.])
try: fwAD.make_dual(x,t)
except Exception as e: print(type(e).__name__, e)
with fwAD.dual_level():
    d=fwAD.make_dual(x,t); y=(d.sin()*d).sum(); p,tg=fwAD.unpack_dual(y); print(round(p.item(),4), round(tg.item(),4))
    print(fwAD.unpack_dual(x))
    z=d.view(2,1)[0]; print(fwAD.unpack_dual(z).tangent)
    w=torch.cat([d, x*2]); print(fwAD.unpack_dual(w).tangent)
    m=torch.nn.Linear(2,3); torch.manual_seed(0); 
    o=m(d.unsqueeze(0)); print(fwAD.unpack_dual(o).tangent.shape, type(fwAD.unpack_dual(o)).__name__)
    print(fwAD.unpack_dual(torch.nn.functional.softmax(d,0)).tangent)
    try: fwAD.make_dual(x, torch.ones(3))
    except Exception as e: print(type(e).__name__, e)
print(fwAD.unpack_dual(y).tangent)
