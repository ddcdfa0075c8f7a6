"""Reading data.pkl: the full unpickler (weights_only=False) and the restricted one (weights_only=True).

The restricted unpickler follows torch/_weights_only_unpickler.py: it interprets the pickle opcodes itself, accepts
only allowlisted globals (PyTorch's list plus `add_safe_globals`), calls only allowlisted callables and builds only
allowlisted types; anything else raises pickle.UnpicklingError before anything runs.
"""
from __future__ import annotations

import collections
import pickle
import warnings
from pickle import UnpicklingError
from struct import unpack
from sys import maxsize

from . import names

_IMPORT_MAPPING = {"__builtin__": "builtins", "copy_reg": "copyreg", "Queue": "queue", "repr": "reprlib",
                   "_abcoll": "collections.abc", "UserDict": "collections", "UserList": "collections",
                   "UserString": "collections", "whichdb": "dbm", "StringIO": "io", "cStringIO": "io"}
_NAME_MAPPING = {("__builtin__", "xrange"): ("builtins", "range"), ("__builtin__", "reduce"): ("functools", "reduce"),
                 ("__builtin__", "intern"): ("sys", "intern"), ("__builtin__", "unichr"): ("builtins", "chr"),
                 ("__builtin__", "unicode"): ("builtins", "str"), ("__builtin__", "long"): ("builtins", "int"),
                 ("itertools", "izip"): ("builtins", "zip"), ("itertools", "imap"): ("builtins", "map"),
                 ("itertools", "ifilter"): ("builtins", "filter"),
                 ("itertools", "ifilterfalse"): ("itertools", "filterfalse"),
                 ("itertools", "izip_longest"): ("itertools", "zip_longest"),
                 ("UserDict", "IterableUserDict"): ("collections", "UserDict"),
                 ("UserList", "UserList"): ("collections", "UserList"),
                 ("UserString", "UserString"): ("collections", "UserString"),
                 ("__builtin__", "basestring"): ("builtins", "str"),
                 ("exceptions", "StandardError"): ("builtins", "Exception"),
                 ("UserDict", "UserDict"): ("collections", "UserDict")}


class FullUnpickler(pickle.Unpickler):
    """pickle.Unpickler whose `torch.*` globals resolve to torchlike objects (never importing torch)."""

    def find_class(self, module, name):
        if names.is_torch_module(module):
            return names.resolve(module, name)
        return super().find_class(module, name)


# --- weights_only ----------------------------------------------------------------------------------------------

_blocklisted_modules = ["sys", "os", "posix", "nt"]
_marked_safe_globals = []          # objects or (object, "full.name") pairs, in insertion order


def add_safe_globals(safe_globals):
    for g in safe_globals:
        if g not in _marked_safe_globals:
            _marked_safe_globals.append(g)


def get_safe_globals():
    return list(_marked_safe_globals)


def clear_safe_globals():
    _marked_safe_globals.clear()


def remove_safe_globals(safe_globals):
    for g in safe_globals:
        if g in _marked_safe_globals:
            _marked_safe_globals.remove(g)


def _user_allowed():
    rc = {}
    for f in _marked_safe_globals:
        if isinstance(f, tuple):
            if len(f) != 2:
                raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple of "
                                 f"length: {len(f)}")
            if type(f[1]) is not str:
                raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: "
                                f"{type(f[1])}")
            rc[f[1]] = f[0]
        else:
            rc[f"{f.__module__}.{f.__qualname__}"] = f
            mapped = names.torch_name(f)          # a torchlike class allowlisted by object: also its torch name
            if mapped is not None:
                rc[f"{mapped[0]}.{mapped[1]}"] = f
    return rc


def _read_global(readline):
    module = readline()[:-1].decode("utf-8")
    name = readline()[:-1].decode("utf-8")
    return _map_old_names(module, name)


def _map_old_names(module, name):
    if (module, name) in _NAME_MAPPING:
        return _NAME_MAPPING[(module, name)]
    return _IMPORT_MAPPING.get(module, module), name


def _unsupported_global(full_path):
    if full_path.startswith("builtins"):
        rest = full_path[len("builtins"):]
        full_path = rest[1:] if rest.startswith(".") else "builtins" + rest
    return UnpicklingError(
        f"Unsupported global: GLOBAL {full_path} was not an allowed global by default. Please use "
        f"`torch.serialization.add_safe_globals([{full_path}])` or the "
        f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist this global if you trust "
        "this class/function.")


class WeightsUnpickler:
    """Restricted unpickler: PyTorch's weights_only=True semantics."""

    def __init__(self, file, *, encoding="bytes"):
        self.encoding = encoding
        self.readline = file.readline
        self.read = file.read
        self.memo = {}
        self.proto = -1

    def persistent_load(self, pid):
        raise UnpicklingError("unsupported persistent id encountered")

    def _resolve_global(self, module, name):
        full = f"{module}.{name}"
        if module in _blocklisted_modules:
            raise UnpicklingError(f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")
        allowed = names.weights_only_allowed()
        if full in allowed:
            return allowed[full]
        user = _user_allowed()
        if full in user:
            return user[full]
        raise _unsupported_global(full)

    def _allowed_value(self, obj):
        return (any(obj is v for v in names.weights_only_allowed().values())
                or any(obj is v for v in _user_allowed().values()))

    def load(self):
        from ..nn.parameter import Parameter
        from .._tensor import Tensor
        self.metastack = []
        self.stack = []
        read = self.read
        op = pickle
        while True:
            key = read(1)
            if not key:
                raise EOFError
            k = key[0]
            if k == op.GLOBAL[0]:
                module, name = _read_global(self.readline)
                self.stack.append(self._resolve_global(module, name))
            elif k == op.STACK_GLOBAL[0]:
                name = self.stack.pop()
                module = self.stack.pop()
                if type(name) is not str or type(module) is not str:
                    raise UnpicklingError("STACK_GLOBAL requires str")
                self.stack.append(self._resolve_global(*_map_old_names(module, name)))
            elif k == op.NEWOBJ[0]:
                args = self.stack.pop()
                cls = self.stack.pop()
                if cls is Parameter:
                    self.stack.append(Parameter(*args))
                elif self._allowed_value(cls) and isinstance(cls, type):
                    self.stack.append(cls.__new__(cls, *args))
                else:
                    raise UnpicklingError("Can only create new object for nn.Parameter or classes allowlisted via "
                                          f"`add_safe_globals` but got {cls}")
            elif k == op.REDUCE[0]:
                args = self.stack.pop()
                func = self.stack[-1]
                if not self._allowed_value(func):
                    msg = f"Trying to call reduce for unrecognized function {func}"
                    if hasattr(func, "__self__"):
                        msg += f" which belongs to {func.__self__}"
                    raise UnpicklingError(msg)
                self.stack[-1] = func(*args)
            elif k == op.BUILD[0]:
                state = self.stack.pop()
                inst = self.stack[-1]
                self._build(inst, state, Tensor, Parameter)
            elif k == op.APPEND[0]:
                item = self.stack.pop()
                if type(self.stack[-1]) is not list:
                    raise UnpicklingError(f"Can only append to lists, but got {type(self.stack[-1])}")
                self.stack[-1].append(item)
            elif k == op.APPENDS[0]:
                items = self._pop_mark()
                if type(self.stack[-1]) is not list:
                    raise UnpicklingError(f"Can only extend lists, but got {type(self.stack[-1])}")
                self.stack[-1].extend(items)
            elif k == op.SETITEM[0]:
                v, kk = self.stack.pop(), self.stack.pop()
                self._check_set_item_target("SETITEM")
                self.stack[-1][kk] = v
            elif k == op.SETITEMS[0]:
                items = self._pop_mark()
                self._check_set_item_target("SETITEMS")
                for i in range(0, len(items), 2):
                    self.stack[-1][items[i]] = items[i + 1]
            elif k == op.MARK[0]:
                self.metastack.append(self.stack)
                self.stack = []
            elif k == op.TUPLE[0]:
                items = tuple(self._pop_mark())
                self.stack.append(items)
            elif k == op.TUPLE1[0]:
                self.stack[-1] = (self.stack[-1],)
            elif k == op.TUPLE2[0]:
                self.stack[-2:] = [(self.stack[-2], self.stack[-1])]
            elif k == op.TUPLE3[0]:
                self.stack[-3:] = [(self.stack[-3], self.stack[-2], self.stack[-1])]
            elif k == op.NONE[0]:
                self.stack.append(None)
            elif k == op.NEWFALSE[0]:
                self.stack.append(False)
            elif k == op.NEWTRUE[0]:
                self.stack.append(True)
            elif k == op.EMPTY_TUPLE[0]:
                self.stack.append(())
            elif k == op.EMPTY_LIST[0]:
                self.stack.append([])
            elif k == op.EMPTY_DICT[0]:
                self.stack.append({})
            elif k == op.EMPTY_SET[0]:
                self.stack.append(set())
            elif k == op.BININT[0]:
                self.stack.append(unpack("<i", read(4))[0])
            elif k == op.BININT1[0]:
                self.stack.append(read(1)[0])
            elif k == op.BININT2[0]:
                self.stack.append(unpack("<H", read(2))[0])
            elif k == op.BINFLOAT[0]:
                self.stack.append(unpack(">d", read(8))[0])
            elif k == op.BINUNICODE[0]:
                n = unpack("<I", read(4))[0]
                if n > maxsize:
                    raise UnpicklingError("String is too long")
                self.stack.append(str(read(n), "utf-8", "surrogatepass"))
            elif k == op.SHORT_BINUNICODE[0]:
                n = read(1)[0]
                self.stack.append(str(read(n), "utf-8", "surrogatepass"))
            elif k == op.SHORT_BINSTRING[0]:
                n = read(1)[0]
                data = read(n)
                self.stack.append(data.decode(self.encoding, "strict") if self.encoding != "bytes" else data)
            elif k in (op.SHORT_BINBYTES[0], op.BINBYTES[0]):
                n = read(1)[0] if k == op.SHORT_BINBYTES[0] else unpack("<I", read(4))[0]
                self.stack.append(read(n))
            elif k == op.BINPERSID[0]:
                pid = self.stack.pop()
                if type(pid) is not tuple and type(pid) is not int:
                    raise UnpicklingError(f"persistent_load id must be tuple or int, but got {type(pid)}")
                if type(pid) is tuple and len(pid) > 0 and _ascii(pid[0]) != "storage":
                    raise UnpicklingError(f"Only persistent_load of storage is allowed, but got {type(pid[0])}")
                self.stack.append(self.persistent_load(pid))
            elif k in (op.BINGET[0], op.LONG_BINGET[0]):
                idx = read(1)[0] if k == op.BINGET[0] else unpack("<I", read(4))[0]
                self.stack.append(self.memo[idx])
            elif k in (op.BINPUT[0], op.LONG_BINPUT[0]):
                i = read(1)[0] if k == op.BINPUT[0] else unpack("<I", read(4))[0]
                self.memo[i] = self.stack[-1]
            elif k == op.MEMOIZE[0]:
                self.memo[len(self.memo)] = self.stack[-1]
            elif k == op.FRAME[0]:
                read(8)
            elif k == op.LONG1[0]:
                n = read(1)[0]
                self.stack.append(pickle.decode_long(read(n)))
            elif k == op.PROTO[0]:
                self.proto = read(1)[0]
                if self.proto != 2:
                    warnings.warn(f"Detected pickle protocol {self.proto} in the checkpoint, which was not the "
                                  "default pickle protocol used by `torch.load` (2). The weights_only Unpickler might "
                                  "not support all instructions implemented by this protocol, please file an issue "
                                  "for adding support if you encounter this.", stacklevel=2)
            elif k == op.STOP[0]:
                return self.stack.pop()
            else:
                raise UnpicklingError(f"Unsupported operand {k}")

    def _build(self, inst, state, Tensor, Parameter):
        if type(inst) is Tensor:
            raise UnpicklingError("legacy Tensor.set_ state is not supported by torchlike")
        if type(inst) is Parameter:
            from .rebuild import _set_obj_state
            _set_obj_state(inst, state)
        elif type(inst) is collections.OrderedDict:
            inst.__dict__.update(state)
        elif self._allowed_value(type(inst)):
            if hasattr(inst, "__setstate__"):
                inst.__setstate__(state)
            else:
                slotstate = None
                if isinstance(state, tuple) and len(state) == 2:
                    state, slotstate = state
                if state:
                    inst.__dict__.update(state)
                if slotstate:
                    for kk, v in slotstate.items():
                        setattr(inst, kk, v)
        else:
            raise UnpicklingError("Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                                  f"`add_safe_globals`, but got {type(inst)}")

    def _pop_mark(self):
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _check_set_item_target(self, opcode):
        if type(self.stack[-1]) not in (dict, collections.OrderedDict, collections.Counter):
            raise UnpicklingError(f"Can only {opcode} for dict, collections.OrderedDict, collections.Counter, but "
                                  f"got {type(self.stack[-1])}")


def _ascii(b):
    return b.decode("ascii") if isinstance(b, bytes) else b


def get_globals_in_pkl(file):
    """The full names of every GLOBAL in a pickle (without unpickling it)."""
    import pickletools
    found = set()
    strings = []
    for opcode, arg, _ in pickletools.genops(file):
        if opcode.name == "GLOBAL":
            module, name = arg.split(" ", 1)
            module, name = _map_old_names(module, name)
            found.add(f"{module}.{name}")
        elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
            found.add(f"{strings[-2]}.{strings[-1]}")
        if isinstance(arg, str):
            strings.append(arg)
    return found
