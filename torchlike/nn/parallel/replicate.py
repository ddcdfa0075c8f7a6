"""torch.nn.parallel.replicate: module replicas on several devices sharing the original's parameters through
autograd. torchlike's DataParallel runs single-device (see data_parallel.py), so replicas on more than one device
are not available; one device returns the module itself."""
from __future__ import annotations


def replicate(network, devices, detach=False):
    devices = list(devices)
    if len(devices) == 1:
        return [network]
    raise RuntimeError("replicate: module replicas over several devices are not supported by torchlike")
