"""torch.backends.mkl: not used by torchlike (XLA)."""
enabled = True


def is_available():
    return False


def get_cpu_capability():
    return "DEFAULT"
