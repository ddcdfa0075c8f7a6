"""torchvision.models for torchlike: ResNet, VGG, MobileNetV2, DenseNet (architectures; pretrained weights need a download
and are not available offline)."""
from ._api import WeightsEnum, get_model, get_model_builder, get_model_weights, list_models  # noqa: F401
from .densenet import *  # noqa: F401,F403
from .densenet import (DenseNet121_Weights, DenseNet161_Weights, DenseNet169_Weights,  # noqa: F401
                       DenseNet201_Weights)
from .mobilenetv2 import MobileNet_V2_Weights, MobileNetV2, mobilenet_v2  # noqa: F401
from .resnet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from .vgg import (VGG11_BN_Weights, VGG11_Weights, VGG13_BN_Weights, VGG13_Weights,  # noqa: F401
                  VGG16_BN_Weights, VGG16_Weights, VGG19_BN_Weights, VGG19_Weights)
