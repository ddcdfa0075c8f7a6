"""torch.library: Python custom operators.

`custom_op("ns::name", mutates_args=())` turns a function into an operator reachable as `torch.ops.ns.name` (and
`.default`); `register_autograd(backward, setup_context=...)` gives it a backward (it then runs as a generated
autograd.Function, GeneratedBackwardFor_ns_name_default), `register_fake` an implementation for meta tensors, and
`register_kernel` per-device implementations. `Library(ns, "DEF"/"IMPL"/"FRAGMENT")`, `define`, `impl` register
operators the older way.
"""
from __future__ import annotations

import inspect

__all__ = ["Library", "impl", "define", "fallthrough_kernel", "impl_abstract", "register_autocast", "register_fake",
           "register_torch_dispatch", "register_vmap", "get_ctx", "custom_op", "triton_op", "wrap_triton",
           "infer_schema", "register_autograd", "register_kernel", "CustomOpDef", "opcheck"]

_OPS = {}          # "ns::name" -> _CustomOp


def _parse(qualname):
    if "::" not in qualname:
        raise ValueError(f"Expected `qualname` to be of the form \"namespace::name\", but got {qualname}. The "
                         "qualname passed to the torch.library APIs must be of this form.")
    ns, name = qualname.split("::", 1)
    if "." in name:
        name = name.split(".", 1)[0]
    return ns, name


class _CustomOp:
    """The registry entry of one operator: its implementations, fake kernel and autograd formula."""

    def __init__(self, qualname, schema=None):
        self.qualname = qualname
        self.namespace, self.name = _parse(qualname)
        self.schema = schema
        self.kernels = {}              # device type (or None for any) -> fn
        self.fake = None
        self.backward = None
        self.setup_context = None
        self._fn_class = None

    def kernel_for(self, args, kwargs):
        from ._tensor import Tensor
        dev = None
        for a in list(args) + list(kwargs.values()):
            if isinstance(a, Tensor):
                dev = a.device.type
                break
        if dev == "meta":
            if self.fake is None:
                raise RuntimeError(f"There was no fake impl registered for {self.qualname}. This is necessary for "
                                   "torch.compile/export/fx tracing to work. Please use `torch.library.register_fake` "
                                   "to add an fake impl.")
            return self.fake
        fn = self.kernels.get(dev, self.kernels.get(None))
        if fn is None:
            raise NotImplementedError(f"{self.qualname}: no implementation for device type {dev!r}")
        return fn

    def __call__(self, *args, **kwargs):
        from .autograd import grad_mode
        from ._tensor import Tensor
        fn = self.kernel_for(args, kwargs)
        needs = grad_mode.is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad
                                                    for a in list(args) + list(kwargs.values()))
        if not needs:
            with grad_mode.no_grad():      # torch runs the kernel below autograd: no graph inside it
                return fn(*args, **kwargs)
        if self.backward is None:
            raise RuntimeError(f"Autograd has not been implemented for operator {self.qualname}. Please use "
                               "register_autograd to add one.")
        return self._function().apply(fn, kwargs, *args)

    def _function(self):
        if self._fn_class is None:
            from .autograd.function import Function
            op = self

            def forward(ctx, fn, kwargs, *args):
                out = fn(*args, **kwargs)
                if op.setup_context is not None:
                    op.setup_context(ctx, args, out)
                return out

            def backward(ctx, *grads):
                res = op.backward(ctx, *grads)
                if not isinstance(res, tuple):
                    res = (res,)
                return (None, None) + tuple(res)

            name = f"GeneratedBackwardFor_{self.namespace}_{self.name}_default"
            self._fn_class = type(name, (Function,), {"forward": staticmethod(forward),
                                                      "backward": staticmethod(backward)})
        return self._fn_class


def _get(qualname, create=True):
    op = _OPS.get(qualname)
    if op is None and create:
        op = _OPS[qualname] = _CustomOp(qualname)
    return op


class CustomOpDef:
    """What `custom_op` returns: callable like the operator, with the registration methods."""

    def __init__(self, namespace, name, schema, fn):
        self._namespace, self._name = namespace, name
        self._schema = schema
        self._init_fn = fn
        self._op = _get(f"{namespace}::{name}")
        self._op.schema = schema
        self._op.kernels[None] = fn
        self.__name__ = name
        self.__doc__ = fn.__doc__

    def __repr__(self):
        return f"<CustomOpDef({self._namespace}::{self._name})>"

    def __call__(self, *args, **kwargs):
        return self._op(*args, **kwargs)

    @property
    def _qualname(self):
        return f"{self._namespace}::{self._name}"

    @property
    def _opoverload(self):
        from ._op_namespaces import ops
        return getattr(getattr(ops, self._namespace), self._name).default

    def register_kernel(self, device_types, fn=None, /):
        def inner(fn):
            types = [device_types] if isinstance(device_types, str) or device_types is None else device_types
            for t in types:
                self._op.kernels[t] = fn
            return fn
        return inner(fn) if fn is not None else inner

    def register_fake(self, fn, /):
        self._op.fake = fn
        return fn

    def register_autograd(self, backward, /, *, setup_context=None):
        self._op.backward = backward
        self._op.setup_context = setup_context

    def register_torch_dispatch(self, torch_dispatch_class, fn=None, /):
        def inner(fn):
            return fn
        return inner(fn) if fn is not None else inner

    def register_vmap(self, fn=None, /):
        def inner(fn):
            return fn
        return inner(fn) if fn is not None else inner

    def register_autocast(self, device_type, cast_inputs):
        return None

    def set_kernel_enabled(self, device_type, enabled=True):
        import contextlib
        return contextlib.nullcontext()


def infer_schema(prototype_function, /, *, mutates_args, op_name=None):
    """The operator schema of a type-annotated function, e.g. `(Tensor x, float y) -> Tensor`."""
    names = {"Tensor": "Tensor", "float": "float", "int": "SymInt", "bool": "bool", "str": "str"}
    sig = inspect.signature(prototype_function)
    params = []
    for p in sig.parameters.values():
        ann = p.annotation if isinstance(p.annotation, str) else getattr(p.annotation, "__name__", str(p.annotation))
        if p.annotation is inspect.Parameter.empty:
            raise ValueError(f"infer_schema(func): Parameter {p.name} must have a type annotation. Got "
                             f"func with signature {sig})")
        t = names.get(ann.split(".")[-1], ann)
        mut = "(a!)" if mutates_args == "unknown" or p.name in (mutates_args or ()) else ""
        if mut and t == "Tensor":
            t = "Tensor(a!)"
        params.append(f"{t} {p.name}" + ("" if p.default is inspect.Parameter.empty else f"={p.default}"))
    ret = sig.return_annotation
    rname = ret if isinstance(ret, str) else getattr(ret, "__name__", str(ret))
    rname = "()" if ret is None or rname in ("None", "NoneType") else names.get(rname.split(".")[-1], rname)
    return f"{op_name or ''}({', '.join(params)}) -> {rname}"


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """Wrap `fn` as the operator `name` ("namespace::name")."""
    def inner(fn):
        ns, opname = _parse(name)
        sch = schema if schema is not None else infer_schema(fn, mutates_args=mutates_args)
        op = CustomOpDef(ns, opname, sch, fn)
        if device_types is not None:
            del op._op.kernels[None]
            op.register_kernel(device_types, fn)
        return op
    return inner(fn) if fn is not None else inner


triton_op = custom_op


def wrap_triton(triton_kernel, /):
    raise RuntimeError("wrap_triton: Triton kernels cannot run on this backend (no Triton).")


def _target(op):
    if isinstance(op, CustomOpDef):
        return op._op
    if isinstance(op, str):
        return _get(op)
    qual = getattr(op, "_qualname", None)
    if qual is None:
        raise ValueError(f"register: expected a string qualname or a custom op, got {op!r}")
    return _get(qual)


def register_fake(op, func=None, /, *, lib=None, _stacklevel=1, allow_override=False):
    def inner(func):
        _target(op).fake = func
        return func
    return inner(func) if func is not None else inner


impl_abstract = register_fake


def register_autograd(op, backward, /, *, setup_context=None, lib=None):
    t = _target(op)
    t.backward, t.setup_context = backward, setup_context


def register_kernel(op, device_types, func=None, /, *, lib=None):
    def inner(func):
        t = _target(op)
        for d in ([device_types] if isinstance(device_types, str) or device_types is None else device_types):
            t.kernels[d] = func
        return func
    return inner(func) if func is not None else inner


def register_autocast(op, device_type, cast_inputs, /, *, lib=None):
    return None


def register_torch_dispatch(op, torch_dispatch_class, func=None, /, *, lib=None):
    def inner(func):
        return func
    return inner(func) if func is not None else inner


def register_vmap(op, func=None, /, *, lib=None):
    def inner(func):
        return func
    return inner(func) if func is not None else inner


class _Ctx:
    def new_dynamic_size(self, *, min=0, max=None):  # noqa: A002
        raise RuntimeError("new_dynamic_size: data-dependent output sizes need a fake-tensor tracer, which this "
                           "backend does not have.")


def get_ctx():
    return _Ctx()


def fallthrough_kernel():
    raise NotImplementedError("fallthrough_kernel() should never be called.")


_DISPATCH_DEVICES = {"CPU": "cpu", "CUDA": "cuda", "Meta": "meta", "CompositeImplicitAutograd": None,
                     "CompositeExplicitAutograd": None, "Autograd": None, "": None, None: None}


class Library:
    """A collection of operators in namespace `ns`: kind "DEF" (new), "IMPL" (implementations) or "FRAGMENT"."""

    def __init__(self, ns, kind, dispatch_key=""):
        if kind not in ("IMPL", "DEF", "FRAGMENT"):
            raise ValueError(f"Unsupported kind: {kind}")
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key
        self._op_defs = set()
        self._op_impls = set()

    def __repr__(self):
        return f"Library(kind={self.kind}, ns={self.ns}, dispatch_key={self.dispatch_key})>"

    def define(self, schema, alias_analysis="", *, tags=()):
        name = schema.split("(", 1)[0].strip()
        qual = f"{self.ns}::{name.split('.')[0]}"
        if qual in _OPS and _OPS[qual].schema is not None:
            raise RuntimeError(f"Tried to register an operator ({qual}) with the same name and overload name "
                               "multiple times.")
        _get(qual).schema = schema
        self._op_defs.add(qual)
        return name

    def impl(self, op_name, fn, dispatch_key="", *, with_keyset=False, allow_override=False):
        name = op_name if isinstance(op_name, str) else getattr(op_name, "_qualname", str(op_name))
        qual = name if "::" in name else f"{self.ns}::{name}"
        key = dispatch_key or self.dispatch_key
        op = _get(qual.split(".")[0] if "." in qual.split("::")[1] else qual)
        if key == "Autograd":
            raise RuntimeError("Library.impl(..., 'Autograd'): register the backward with "
                               "torch.library.register_autograd instead.")
        op.kernels[_DISPATCH_DEVICES.get(key, key.lower())] = fn
        self._op_impls.add(qual)

    def fallback(self, fn, dispatch_key="", *, with_keyset=False):
        return None

    def _destroy(self):
        for q in self._op_defs:
            _OPS.pop(q, None)
        self._op_defs.clear()


def define(qualname, schema, *, lib=None, tags=()):
    ns, name = _parse(qualname)
    _get(f"{ns}::{name}").schema = f"{name}{schema}"


def impl(qualname, types, func=None, *, lib=None):
    """Decorator: `func` implements the operator for device type(s) `types` ("cpu", "cuda", "default" ...)."""
    def inner(func):
        op = _target(qualname)
        for d in ([types] if isinstance(types, str) else types):
            op.kernels[None if d in ("default", "CompositeImplicitAutograd", "CompositeExplicitAutograd")
                       else _DISPATCH_DEVICES.get(d, d)] = func
        return func
    return inner(func) if func is not None else inner


def opcheck(op, args, kwargs=None, *, test_utils=None, raise_exception=True, atol=None, rtol=None):
    """Run the operator and its fake kernel on the arguments: results must agree in shape and dtype."""
    kwargs = kwargs or {}
    t = _target(op)
    out = t(*args, **kwargs)
    result = {"test_schema": "SUCCESS", "test_autograd_registration": "SUCCESS",
              "test_faketensor": "SUCCESS", "test_aot_dispatch_dynamic": "SUCCESS"}
    if t.fake is not None:
        fake = t.fake(*args, **kwargs)
        outs, fakes = (out, fake) if isinstance(out, tuple) else ((out,), (fake,))
        for o, f in zip(outs, fakes):
            if tuple(o.shape) != tuple(f.shape) or o.dtype != f.dtype:
                msg = (f"opcheck: the fake kernel of {t.qualname} gives {tuple(f.shape)} {f.dtype}, the kernel "
                       f"{tuple(o.shape)} {o.dtype}")
                if raise_exception:
                    raise AssertionError(msg)
                result["test_faketensor"] = msg
    return result
