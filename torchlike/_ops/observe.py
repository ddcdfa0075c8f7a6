"""Observers of op dispatch (the hook point of FlopCounterMode and checkpoint's forward).

An observer has `on_op(op, vals, tensors, out)` (after every op-table call: the entry, its bound values, its tensor
arguments and its result) and `on_view(base, out, args, kwargs)` (after every view; args/kwargs are make_view's
remaining arguments). While at least one observer is active,
`dispatch.run` and `views.make_view` are swapped for observing wrappers; with none, the plain functions are back in
place, so a program that observes nothing pays nothing.
"""
from __future__ import annotations

from . import dispatch, views

_ACTIVE = []
_PLAIN = {"run": dispatch.run, "make_view": views.make_view}


def _run(op, vals, tensors):
    out = _PLAIN["run"](op, vals, tensors)
    for ob in tuple(_ACTIVE):
        ob.on_op(op, vals, tensors, out)
    return out


def _make_view(base, *args, **kwargs):
    out = _PLAIN["make_view"](base, *args, **kwargs)
    for ob in tuple(_ACTIVE):
        ob.on_view(base, out, args, kwargs)
    return out


def add(observer):
    _ACTIVE.append(observer)
    dispatch.run = _run
    views.make_view = _make_view


def remove(observer):
    if observer in _ACTIVE:
        _ACTIVE.remove(observer)
    if not _ACTIVE:
        dispatch.run = _PLAIN["run"]
        views.make_view = _PLAIN["make_view"]


class observing:  # noqa: N801
    """Context manager: `observer` is active inside the block."""

    def __init__(self, observer):
        self.observer = observer

    def __enter__(self):
        add(self.observer)
        return self.observer

    def __exit__(self, *exc):
        remove(self.observer)
