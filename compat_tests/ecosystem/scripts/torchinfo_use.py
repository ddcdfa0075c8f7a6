"""torchinfo: summary of a small CNN (layer table, parameter counts, output shapes, memory estimates)."""
import torch
import torch.nn as nn
from torchinfo import summary

torch.manual_seed(0)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d((2, 2)))
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.1), nn.Linear(64, 10))

    def forward(self, x):
        return self.head(self.features(x))


model = SmallCNN()
stats = summary(model, input_size=(2, 3, 16, 16), verbose=0,
                col_names=("input_size", "output_size", "num_params", "kernel_size", "mult_adds", "trainable"))
print(stats)
print(stats.total_params, stats.trainable_params, stats.total_mult_adds)
stats2 = summary(model, input_data=[torch.randn(1, 3, 8, 8)], verbose=0, depth=1)
print(stats2)
model.eval()
print(summary(model, (1, 3, 16, 16), verbose=0, row_settings=("var_names", "depth")))
