import sys; torch=__import__(LIB); import importlib
su=importlib.import_module(LIB+'.optim.swa_utils'); nn=torch.nn
torch.manual_seed(0)
m=nn.Sequential(nn.Linear(3,4), nn.BatchNorm1d(4), nn.Linear(4,2))
for avg in (None, su.get_ema_multi_avg_fn(0.9), su.get_ema_avg_fn(0.8), su.get_swa_avg_fn()):
    a = su.AveragedModel(m, multi_avg_fn=avg) if avg is not None and 'multi' in avg.__qualname__ else su.AveragedModel(m, avg_fn=avg)
    opt=torch.optim.SGD(m.parameters(), lr=0.1)
    sch=su.SWALR(opt, swa_lr=0.05, anneal_epochs=3)
    lrs=[]
    for i in range(5):
        x=torch.randn(8,3); loss=m(x).pow(2).mean(); opt.zero_grad(); loss.backward(); opt.step(); sch.step(); lrs.append(round(sch.get_last_lr()[0],6))
        a.update_parameters(m)
    print(lrs, a.n_averaged.item(), [round(v,5) for v in a.module[0].weight.flatten().tolist()[:4]])
su.update_bn([torch.randn(8,3) for _ in range(3)], a)
print([round(v,5) for v in a.module[1].running_mean.tolist()], a.module[1].num_batches_tracked.item())
print(su.SWALR(opt, swa_lr=[0.01], anneal_strategy='linear', anneal_epochs=2).get_last_lr())
try: su.SWALR(opt, 0.1, anneal_strategy='x')
except ValueError as e: print(e)
print(list(a.state_dict().keys())[:3])
