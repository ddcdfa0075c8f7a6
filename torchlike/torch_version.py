"""torch.torch_version: TorchVersion, the str subclass torch.__version__ is, comparing as a version number
(`torch.__version__ >= "2.10"` is True for 2.13 although "2.13" < "2.2" as strings), against strings, tuples
((2, 1)) and packaging Versions."""
from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["TorchVersion"]


def _version_cls():
    try:
        from packaging.version import InvalidVersion, Version
        return Version, InvalidVersion
    except ImportError:                 # no packaging: release numbers only
        return _Release, ValueError


class _Release:
    def __init__(self, s):
        m = re.match(r"\s*v?(\d+(?:\.\d+)*)", str(s))
        if m is None:
            raise ValueError(f"Invalid version: '{s}'")
        nums = [int(x) for x in m.group(1).split(".")]
        while len(nums) > 1 and nums[-1] == 0:
            nums.pop()
        self.key = tuple(nums)

    def __lt__(self, o):
        return self.key < o.key

    def __le__(self, o):
        return self.key <= o.key

    def __gt__(self, o):
        return self.key > o.key

    def __ge__(self, o):
        return self.key >= o.key

    def __eq__(self, o):
        return self.key == o.key

    __hash__ = None


class TorchVersion(str):
    """A str that compares as a version (see module doc)."""

    __slots__ = ()

    def _convert_to_version(self, inp):
        Version, InvalidVersion = _version_cls()
        if isinstance(inp, Version):
            return inp
        if isinstance(inp, str):
            return Version(inp)
        if isinstance(inp, Iterable):
            return Version(".".join(str(item) for item in inp))
        raise InvalidVersion(inp)

    def _cmp_wrapper(self, cmp, method):
        Version, InvalidVersion = _version_cls()
        try:
            return getattr(Version(self), method)(self._convert_to_version(cmp))
        except BaseException as e:
            if not isinstance(e, InvalidVersion):
                raise
            return getattr(super(), method)(cmp)

    def __hash__(self):
        return str.__hash__(self)


for _m in ("__gt__", "__lt__", "__eq__", "__ge__", "__le__"):
    setattr(TorchVersion, _m, lambda x, y, method=_m: x._cmp_wrapper(y, method))
