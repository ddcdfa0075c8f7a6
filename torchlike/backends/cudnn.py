"""torch.backends.cudnn: flags accepted for compatibility (XLA chooses convolution algorithms itself)."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    from . import _cuda_available
    return _cuda_available()


def version():
    return None
