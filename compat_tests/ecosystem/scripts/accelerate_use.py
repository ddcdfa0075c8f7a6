"""accelerate's Accelerator training loop on CPU: prepare model/optimizer/dataloader, accelerator.backward, steps."""
import torch
from torch.utils.data import DataLoader, TensorDataset
from accelerate import Accelerator
from accelerate.utils import set_seed

set_seed(0)
acc = Accelerator(cpu=True)
print("device", acc.device, "processes", acc.num_processes, "main", acc.is_main_process)
x = torch.randn(48, 5)
y = (x.sum(1) > 0).long()
model = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loader = DataLoader(TensorDataset(x, y), batch_size=12, shuffle=True)
model, opt, loader = acc.prepare(model, opt, loader)
for epoch in range(2):
    for xb, yb in loader:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xb), yb)
        acc.backward(loss)
        opt.step()
        print(f"epoch {epoch} loss {loss.item():.5f}")
unwrapped = acc.unwrap_model(model)
print("unwrapped", type(unwrapped).__name__)
state = acc.get_state_dict(model)
print("state", sorted(state))
print(f"w sum {unwrapped[0].weight.sum().item():.5f}")
gathered = acc.gather(loss.detach().reshape(1))
print("gathered", tuple(gathered.shape), f"{gathered.item():.5f}")
