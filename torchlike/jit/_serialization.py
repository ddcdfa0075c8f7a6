"""torch.jit.save / torch.jit.load.

torchlike's archive is a torch.save file (PyTorch's zip format, readable by torch.load(weights_only=False)) holding
one dict: {"torchlike.jit": 1, "kind": "script" | "trace" | "function", "module": the original module or function
(pickled like torch.save(model): its class must be importable when loading), "methods": the traced methods'
recorded Python values, "extra_files": {name: bytes}}. `load` rebuilds the scripted or traced object.

A real TorchScript archive (a zip with `constants.pkl` and `code/`) holds TorchScript bytecode, which cannot run
here: loading one raises a RuntimeError that says so.
"""
from __future__ import annotations

import io
import os
import zipfile

_MARK = "torchlike.jit"

_TORCHSCRIPT_MESSAGE = (
    "torch.jit.load: {what} is a TorchScript archive (it holds constants.pkl and TorchScript code/). TorchScript "
    "programs cannot run on torchlike (there is no TorchScript interpreter on JAX). Load the model's weights "
    "instead: in PyTorch, save `model.state_dict()` with torch.save and load it into the Python model class here "
    "(model.load_state_dict(torch.load(path))), or export the program with torch.export.")


def save(m, f, _extra_files=None):
    from .. import serialization
    from ._script import RecursiveScriptModule, ScriptFunction
    from ._trace import TracedModule
    extra = {k: (v.encode() if isinstance(v, str) else bytes(v)) for k, v in (_extra_files or {}).items()}
    if isinstance(m, TracedModule):
        payload = {"kind": "trace", "module": m.__dict__["_orig_module"],
                   "methods": {k: t.values for k, t in m.__dict__["_traced_methods"].items()}}
    elif isinstance(m, RecursiveScriptModule):
        payload = {"kind": "script", "module": m.__dict__["_orig_module"], "methods": {}}
    elif isinstance(m, ScriptFunction):
        payload = {"kind": "function", "module": m._fn, "methods": {}}
    else:
        from ..nn.modules.module import Module
        if not isinstance(m, Module):
            raise TypeError(f"torch.jit.save expects a ScriptModule or ScriptFunction, got {type(m).__name__}")
        payload = {"kind": "script", "module": m, "methods": {}}   # a ScriptModule subclass written by the user
    payload[_MARK] = 1
    payload["extra_files"] = extra
    serialization.save(payload, f)


def _is_torchscript(names):
    return any(n.endswith("/constants.pkl") or n == "constants.pkl" or "/code/" in n for n in names)


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    from .. import serialization
    what = repr(f) if not isinstance(f, (str, os.PathLike)) else os.fspath(f)
    if isinstance(f, (str, os.PathLike)):
        if not os.path.exists(f):
            raise ValueError(f"The provided filename {what} does not exist")
        if os.path.isdir(f):
            raise ValueError(f"The provided filename {what} is a directory")
        with open(f, "rb") as fh:
            data = fh.read()
    else:
        data = f.read()
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        raise RuntimeError("PytorchStreamReader failed reading zip archive: failed finding central directory") \
            from None
    if _is_torchscript(names):
        raise RuntimeError(_TORCHSCRIPT_MESSAGE.format(what=what))
    payload = serialization.load(io.BytesIO(data), map_location=map_location, weights_only=False)
    if not (isinstance(payload, dict) and payload.get(_MARK) == 1):
        raise RuntimeError("PytorchStreamReader failed locating file constants.pkl: file not found (the file was "
                           "written by torch.save, not torch.jit.save: load it with torch.load)")
    if _extra_files is not None:
        for k in list(_extra_files):
            if k in payload["extra_files"]:
                _extra_files[k] = payload["extra_files"][k]
    return _rebuild(payload)


def _rebuild(payload):
    from ._script import RecursiveScriptModule, ScriptFunction
    from ._trace import TopLevelTracedModule, _TracedMethod, _add_method
    obj, kind = payload["module"], payload["kind"]
    if kind == "function":
        return ScriptFunction(obj)
    if kind == "script":
        return RecursiveScriptModule(obj)
    top = TopLevelTracedModule(obj)
    mods = list(obj.modules())
    for name, values in payload["methods"].items():
        fn = obj if name == "forward" else getattr(obj, name)
        _add_method(top, name, _TracedMethod(fn, values, lambda: list(obj.parameters()),
                                             lambda: tuple(x.training for x in mods)))
    return top
