"""torchvision.datasets for torchlike: MNIST family, CIFAR, ImageFolder/DatasetFolder, FakeData."""
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import EMNIST, KMNIST, MNIST, QMNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset

__all__ = ("MNIST", "FashionMNIST", "KMNIST", "EMNIST", "QMNIST", "CIFAR10", "CIFAR100", "DatasetFolder",
           "ImageFolder", "FakeData", "VisionDataset", "StandardTransform")
