"""torch.backends.mps: Apple's Metal backend is not available through torchlike."""


def is_available():
    return False


def is_built():
    return False
