"""torchvision.transforms.v2.functional: the v1 functional API plus to_image / to_dtype."""
from ..functional import *  # noqa: F401,F403
from ..functional import (InterpolationMode, adjust_brightness, adjust_contrast, adjust_hue,  # noqa: F401
                          adjust_saturation, center_crop, convert_image_dtype, crop, get_dimensions, hflip,
                          normalize, pad, pil_to_tensor, resize, resized_crop, rotate, to_pil_image, to_tensor, vflip)


def to_image(inpt):
    from . import ToImage
    return ToImage()(inpt)


def to_dtype(inpt, dtype, scale=False):
    from . import ToDtype
    return ToDtype(dtype, scale)(inpt)


to_pil_image = to_pil_image
