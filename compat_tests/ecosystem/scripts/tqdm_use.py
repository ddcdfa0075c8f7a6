"""tqdm over a DataLoader: progress bars wrap a torch data pipeline (bars go to stderr; the loop's results to
stdout)."""
import torch
from torch.utils.data import DataLoader, TensorDataset
from tqdm import tqdm, trange

torch.manual_seed(0)
ds = TensorDataset(torch.randn(50, 4), torch.randint(0, 3, (50,)))
loader = DataLoader(ds, batch_size=8, shuffle=True)
model = torch.nn.Linear(4, 3)
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in trange(2, desc="epochs"):
    total, n = 0.0, 0
    bar = tqdm(loader, desc=f"epoch {epoch}", leave=False)
    for xb, yb in bar:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        bar.set_postfix(loss=f"{loss.item():.3f}")
        total += loss.item() * len(xb)
        n += len(xb)
    print(epoch, n, len(bar), f"{total / n:.5f}")
with tqdm(total=len(ds)) as pbar:
    for xb, _ in DataLoader(ds, batch_size=16):
        pbar.update(xb.shape[0])
    print(pbar.n, pbar.total)
print([tuple(t.shape) for t in next(iter(tqdm(loader, disable=True)))])
