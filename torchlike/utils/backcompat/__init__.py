"""torch.utils.backcompat: the (long-retired) broadcast / keepdim back-compatibility warning switches."""
from __future__ import annotations


class Warning:  # noqa: A001  (PyTorch's name)
    def __init__(self, setter, getter):
        self.setter, self.getter = setter, getter

    def set_enabled(self, value):
        self.setter(value)

    def get_enabled(self):
        return self.getter()

    enabled = property(get_enabled, set_enabled)


_FLAGS = {"broadcast": False, "keepdim": False}
broadcast_warning = Warning(lambda v: _FLAGS.__setitem__("broadcast", bool(v)), lambda: _FLAGS["broadcast"])
keepdim_warning = Warning(lambda v: _FLAGS.__setitem__("keepdim", bool(v)), lambda: _FLAGS["keepdim"])
