"""A LightningModule fit for one epoch with lightning's Trainer on CPU, on a tiny regression dataset; also the
pytorch_lightning package name."""
import torch
from torch.utils.data import DataLoader, TensorDataset
import lightning as L
import pytorch_lightning


class Regressor(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
        self.losses = []

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self(x), y)
        self.log("train_loss", loss)
        self.losses.append(loss.item())
        return loss

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


L.seed_everything(0)
x = torch.randn(64, 4)
y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1 * torch.randn(64, 1)
loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
model = Regressor()
trainer = L.Trainer(max_epochs=1, accelerator="cpu", devices=1, logger=False, enable_checkpointing=False,
                    enable_progress_bar=False, enable_model_summary=False)
trainer.fit(model, loader)
print("steps", trainer.global_step, "epoch", trainer.current_epoch)
print("losses", [f"{v:.5f}" for v in model.losses])
print(f"logged train_loss {trainer.callback_metrics['train_loss'].item():.5f}")
for name, p in model.named_parameters():
    print(name, tuple(p.shape), f"{p.sum().item():.5f}")
print("pl", pytorch_lightning.__version__ == L.__version__, issubclass(pytorch_lightning.LightningModule, torch.nn.Module))
