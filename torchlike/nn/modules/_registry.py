"""The dicts a Module keeps its parameters, buffers and submodules in.

A plain dict, except that every change bumps `torchlike._trace_state.epoch`: torchlike.compile caches what a
compiled function reaches (modules, parameters, training flags) for as long as that counter stays put, instead of
walking the module tree on every call. Pickles and copies as a plain dict / a new registry.
"""
from __future__ import annotations

import copy

from ... import _trace_state


def _bump():
    _trace_state.epoch += 1


class Registry(dict):
    __slots__ = ()

    def __setitem__(self, key, value):
        _bump()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        _bump()
        dict.__delitem__(self, key)

    def pop(self, *args):
        _bump()
        return dict.pop(self, *args)

    def popitem(self):
        _bump()
        return dict.popitem(self)

    def clear(self):
        _bump()
        dict.clear(self)

    def update(self, *args, **kwargs):
        _bump()
        dict.update(self, *args, **kwargs)

    def setdefault(self, key, default=None):
        _bump()
        return dict.setdefault(self, key, default)

    def __ior__(self, other):
        _bump()
        return dict.__ior__(self, other)

    def __reduce_ex__(self, protocol):          # pickles (torch.save of a whole model) hold plain dicts
        return dict, (dict(self),)

    def copy(self):
        return Registry(self)

    def __copy__(self):
        return Registry(self)

    def __deepcopy__(self, memo):
        out = Registry()
        memo[id(self)] = out
        for k, v in self.items():
            dict.__setitem__(out, copy.deepcopy(k, memo), copy.deepcopy(v, memo))
        return out


def adopt(d):
    """A Module's registry from a dict of any kind (unpickled modules, code that assigned a plain dict)."""
    return d if type(d) is Registry else Registry(d)
