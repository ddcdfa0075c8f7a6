"""Weights enums and the model registry (torchvision.models._api), without downloads: torchlike runs offline, so
asking for pretrained weights raises an error that says how to load a local checkpoint instead."""
from __future__ import annotations

import warnings
from enum import Enum

_MODELS = {}


class Weights:
    def __init__(self, url, meta):
        self.url = url
        self.meta = meta


class WeightsEnum(Enum):
    """An enum of a model's pretrained weights (names and metadata only)."""

    @classmethod
    def verify(cls, obj):
        if obj is not None:
            if type(obj) is str:
                obj = cls[obj.replace(cls.__name__ + ".", "")]
            elif not isinstance(obj, cls):
                raise TypeError(
                    f"Invalid Weight class provided; expected {cls.__name__} but received {obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        raise RuntimeError(
            f"Cannot download the pretrained weights {self} ({self.value.url}): torchlike's vision models work "
            "offline. Build the model with weights=None and load a local checkpoint with "
            "model.load_state_dict(torch.load(path)).")

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        return self.value.url

    @property
    def meta(self):
        return self.value.meta


def make_weights(name, url, num_params):
    """A WeightsEnum subclass with IMAGENET1K_V1 (and DEFAULT pointing at it)."""
    w = Weights(url, {"num_params": num_params, "categories": None})
    enum = WeightsEnum(name, {"IMAGENET1K_V1": w})
    enum.DEFAULT = enum.IMAGENET1K_V1
    return enum


def register_model(name=None):
    def wrapper(fn):
        _MODELS[name if name is not None else fn.__name__] = fn
        return fn
    return wrapper


def list_models(module=None, include=None, exclude=None):
    names = sorted(k for k, fn in _MODELS.items() if module is None or fn.__module__.startswith(module.__name__))
    return names


def get_model_builder(name):
    name = name.lower()
    try:
        return _MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}")


def get_model(name, **config):
    return get_model_builder(name)(**config)


def get_model_weights(name):
    fn = get_model_builder(name) if isinstance(name, str) else name
    return fn.__annotations__.get("weights") or getattr(fn, "_weights_enum", None)


def resolve_weights(weights_enum, weights, kwargs):
    """Handle `weights=` and the deprecated `pretrained=`; non-None weights raise (no download offline)."""
    if "pretrained" in kwargs:
        pretrained = kwargs.pop("pretrained")
        if weights is not None:
            raise ValueError(f"The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
                             f"please use 'weights' instead.")
        warnings.warn("The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
                      "please use 'weights' instead.")
        if pretrained:
            warnings.warn(
                f"Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be "
                f"removed in the future. The current behavior is equivalent to passing "
                f"`weights={weights_enum.__name__}.IMAGENET1K_V1`. You can also use "
                f"`weights={weights_enum.__name__}.DEFAULT` to get the most up-to-date weights.")
            weights = weights_enum.IMAGENET1K_V1
    weights = weights_enum.verify(weights)
    if weights is not None:
        weights.get_state_dict()
    return weights
