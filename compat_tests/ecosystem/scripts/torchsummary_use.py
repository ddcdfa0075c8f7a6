"""torchsummary: the Keras-style summary table of a small CNN (device='cpu')."""
import torch
import torch.nn as nn
from torchsummary import summary

torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 4 * 4, 32), nn.ReLU(), nn.Linear(32, 10))
summary(model, (1, 28, 28), device="cpu")
mlp = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 4))
summary(mlp, (3, 8), batch_size=5, device="cpu")
