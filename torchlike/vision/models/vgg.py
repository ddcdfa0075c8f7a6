"""VGG (torchvision.models.vgg): same module names (state_dict keys) and initialisation as torchvision."""
from __future__ import annotations

import torchlike as torch
from torchlike import nn

from ._api import make_weights, register_model, resolve_weights

__all__ = ["VGG", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]


class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x


def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}

_URL = "https://download.pytorch.org/models/"
VGG11_Weights = make_weights("VGG11_Weights", _URL + "vgg11-8a719046.pth", 132863336)
VGG11_BN_Weights = make_weights("VGG11_BN_Weights", _URL + "vgg11_bn-6002323d.pth", 132868840)
VGG13_Weights = make_weights("VGG13_Weights", _URL + "vgg13-19584684.pth", 133047848)
VGG13_BN_Weights = make_weights("VGG13_BN_Weights", _URL + "vgg13_bn-abd245e5.pth", 133053736)
VGG16_Weights = make_weights("VGG16_Weights", _URL + "vgg16-397923af.pth", 138357544)
VGG16_BN_Weights = make_weights("VGG16_BN_Weights", _URL + "vgg16_bn-6c64b313.pth", 138365992)
VGG19_Weights = make_weights("VGG19_Weights", _URL + "vgg19-dcbb9e9d.pth", 143667240)
VGG19_BN_Weights = make_weights("VGG19_BN_Weights", _URL + "vgg19_bn-c79401a0.pth", 143678248)


def _vgg(cfg, batch_norm, weights_enum, weights, progress, kwargs):
    resolve_weights(weights_enum, weights, kwargs)
    return VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)


@register_model()
def vgg11(*, weights=None, progress=True, **kwargs):
    return _vgg("A", False, VGG11_Weights, weights, progress, kwargs)


@register_model()
def vgg11_bn(*, weights=None, progress=True, **kwargs):
    return _vgg("A", True, VGG11_BN_Weights, weights, progress, kwargs)


@register_model()
def vgg13(*, weights=None, progress=True, **kwargs):
    return _vgg("B", False, VGG13_Weights, weights, progress, kwargs)


@register_model()
def vgg13_bn(*, weights=None, progress=True, **kwargs):
    return _vgg("B", True, VGG13_BN_Weights, weights, progress, kwargs)


@register_model()
def vgg16(*, weights=None, progress=True, **kwargs):
    return _vgg("D", False, VGG16_Weights, weights, progress, kwargs)


@register_model()
def vgg16_bn(*, weights=None, progress=True, **kwargs):
    return _vgg("D", True, VGG16_BN_Weights, weights, progress, kwargs)


@register_model()
def vgg19(*, weights=None, progress=True, **kwargs):
    return _vgg("E", False, VGG19_Weights, weights, progress, kwargs)


@register_model()
def vgg19_bn(*, weights=None, progress=True, **kwargs):
    return _vgg("E", True, VGG19_BN_Weights, weights, progress, kwargs)
