"""DenseNet (torchvision.models.densenet): same module names (state_dict keys), creation order and initialisation as
torchvision, so a seed gives torchvision's weights; memory_efficient=True recomputes each bottleneck in backward
(torch.utils.checkpoint)."""
from __future__ import annotations

from collections import OrderedDict

import torchlike as torch
from torchlike import nn
from torchlike.utils import checkpoint as cp

from ._api import make_weights, register_model, resolve_weights

__all__ = ["DenseNet", "densenet121", "densenet161", "densenet169", "densenet201"]


class _DenseLayer(nn.Module):
    def __init__(self, num_input_features, growth_rate, bn_size, drop_rate, memory_efficient=False):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)
        self.memory_efficient = memory_efficient

    def bn_function(self, inputs):
        return self.conv1(self.relu1(self.norm1(torch.cat(inputs, 1))))

    def any_requires_grad(self, inputs):
        return any(t.requires_grad for t in inputs)

    def call_checkpoint_bottleneck(self, inputs):
        return cp.checkpoint(lambda *xs: self.bn_function(xs), *inputs, use_reentrant=False)

    def forward(self, input):
        prev = [input] if isinstance(input, torch.Tensor) else input
        if self.memory_efficient and self.any_requires_grad(prev):
            bottleneck = self.call_checkpoint_bottleneck(prev)
        else:
            bottleneck = self.bn_function(prev)
        new = self.conv2(self.relu2(self.norm2(bottleneck)))
        if self.drop_rate > 0:
            new = nn.functional.dropout(new, p=self.drop_rate, training=self.training)
        return new


class _DenseBlock(nn.ModuleDict):
    _version = 2

    def __init__(self, num_layers, num_input_features, bn_size, growth_rate, drop_rate, memory_efficient=False):
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}", _DenseLayer(num_input_features + i * growth_rate, growth_rate,
                                                              bn_size, drop_rate, memory_efficient))

    def forward(self, init_features):
        features = [init_features]
        for _, layer in self.items():
            features.append(layer(features))
        return torch.cat(features, 1)


class _Transition(nn.Sequential):
    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """Densely Connected Convolutional Networks (Huang et al.)."""

    def __init__(self, growth_rate=32, block_config=(6, 12, 24, 16), num_init_features=64, bn_size=4, drop_rate=0,
                 num_classes=1000, memory_efficient=False):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
        ]))
        n = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module(f"denseblock{i + 1}", _DenseBlock(num_layers, n, bn_size, growth_rate, drop_rate,
                                                                        memory_efficient))
            n += num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}", _Transition(n, n // 2))
                n //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(n))
        self.classifier = nn.Linear(n, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        out = nn.functional.relu(self.features(x), inplace=True)
        out = nn.functional.adaptive_avg_pool2d(out, (1, 1))
        return self.classifier(torch.flatten(out, 1))


_URL = "https://download.pytorch.org/models/"
DenseNet121_Weights = make_weights("DenseNet121_Weights", _URL + "densenet121-a639ec97.pth", 7978856)
DenseNet161_Weights = make_weights("DenseNet161_Weights", _URL + "densenet161-8d451a50.pth", 28681000)
DenseNet169_Weights = make_weights("DenseNet169_Weights", _URL + "densenet169-b2777c0a.pth", 14149480)
DenseNet201_Weights = make_weights("DenseNet201_Weights", _URL + "densenet201-c1103571.pth", 20013928)


def _densenet(growth_rate, block_config, num_init_features, weights_enum, weights, kwargs):
    resolve_weights(weights_enum, weights, kwargs)
    return DenseNet(growth_rate, block_config, num_init_features, **kwargs)


@register_model()
def densenet121(*, weights=None, progress=True, **kwargs):
    """DenseNet-121 (weights must be None: no download offline)."""
    return _densenet(32, (6, 12, 24, 16), 64, DenseNet121_Weights, weights, kwargs)


@register_model()
def densenet161(*, weights=None, progress=True, **kwargs):
    return _densenet(48, (6, 12, 36, 24), 96, DenseNet161_Weights, weights, kwargs)


@register_model()
def densenet169(*, weights=None, progress=True, **kwargs):
    return _densenet(32, (6, 12, 32, 32), 64, DenseNet169_Weights, weights, kwargs)


@register_model()
def densenet201(*, weights=None, progress=True, **kwargs):
    return _densenet(32, (6, 12, 48, 32), 64, DenseNet201_Weights, weights, kwargs)
