"""Hook machinery of nn.Module (torch.utils.hooks): removable handles, global module hooks, backward hooks.

Module backward hooks work like PyTorch's BackwardHook: the module's tensor inputs and outputs pass through
identity nodes (grad_fn BackwardHookFunctionBackward) whose backward calls the user's hooks.
"""
from __future__ import annotations

import functools
import warnings
import weakref
from collections import OrderedDict

from ..._tensor import Tensor
from ...autograd import _graph, grad_mode

__all__ = ["RemovableHandle", "BackwardHook", "unserializable_hook"]


class RemovableHandle:
    """A handle which provides the capability to remove a hook (`handle.remove()`, or use as a context manager)."""

    next_id = 0

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        self.extra_dict_ref = ()
        if isinstance(extra_dict, dict):
            self.extra_dict_ref = (weakref.ref(extra_dict),)
        elif isinstance(extra_dict, list):
            self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dict)

    def remove(self):
        hooks_dict = self.hooks_dict_ref()
        if hooks_dict is not None and self.id in hooks_dict:
            del hooks_dict[self.id]
        for ref in self.extra_dict_ref:
            extra = ref()
            if extra is not None and self.id in extra:
                del extra[self.id]

    def __getstate__(self):
        return (self.hooks_dict_ref(), self.id, tuple(ref() for ref in self.extra_dict_ref))

    def __setstate__(self, state):
        self.hooks_dict_ref = weakref.ref(state[0] if state[0] is not None else OrderedDict())
        self.id = state[1]
        RemovableHandle.next_id = max(RemovableHandle.next_id, self.id + 1)
        self.extra_dict_ref = tuple(weakref.ref(d) for d in state[2]) if len(state) > 2 and state[2] else ()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def unserializable_hook(f):
    """Mark a function as an unserializable hook (no warning when a tensor holding it is serialized)."""
    f.__torch_unserializable__ = True
    return f


class _WrappedHook:
    def __init__(self, hook, module=None):
        self.hook = hook
        functools.update_wrapper(self, hook)
        self.with_module = False
        if module is not None:
            self.module = weakref.ref(module)
            self.with_module = True

    def __call__(self, *args, **kwargs):
        if self.with_module:
            module = self.module()
            if module is None:
                raise RuntimeError("You are trying to call the hook of a dead Module!")
            return self.hook(module, *args, **kwargs)
        return self.hook(*args, **kwargs)

    def __getstate__(self):
        result = {"hook": self.hook, "with_module": self.with_module}
        if self.with_module:
            result["module"] = self.module()
        return result

    def __setstate__(self, state):
        self.hook = state["hook"]
        self.with_module = state["with_module"]
        if self.with_module:
            if state["module"] is None:
                raise RuntimeError("You are trying to revive the hook of a dead Module!")
            self.module = weakref.ref(state["module"])


# --- global module hooks (torch.nn.modules.module.register_module_*) --------------------------------------------

_global_buffer_registration_hooks = OrderedDict()
_global_module_registration_hooks = OrderedDict()
_global_parameter_registration_hooks = OrderedDict()
_global_backward_pre_hooks = OrderedDict()
_global_backward_hooks = OrderedDict()
_global_is_full_backward_hook = None
_global_forward_pre_hooks = OrderedDict()
_global_forward_hooks = OrderedDict()
_global_forward_hooks_always_called = OrderedDict()
_global_forward_hooks_with_kwargs = OrderedDict()


def _has_any_global_hook():
    return (_global_backward_pre_hooks or _global_backward_hooks or _global_forward_pre_hooks
            or _global_forward_hooks)


def _add_global_hook(hooks, hook, **handle_kwargs):
    handle = RemovableHandle(hooks, **handle_kwargs)
    hooks[handle.id] = hook
    return handle


def register_module_buffer_registration_hook(hook):
    return _add_global_hook(_global_buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook):
    return _add_global_hook(_global_module_registration_hooks, hook)


def register_module_parameter_registration_hook(hook):
    return _add_global_hook(_global_parameter_registration_hooks, hook)


def register_module_forward_pre_hook(hook):
    return _add_global_hook(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    handle = _add_global_hook(_global_forward_hooks, hook, extra_dict=_global_forward_hooks_always_called)
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    return handle


def _add_global_backward_hook(hook, full):
    """Global backward hooks are all full (register_module_full_backward_hook) or all legacy."""
    global _global_is_full_backward_hook
    if _global_is_full_backward_hook is (not full):
        raise RuntimeError("Cannot use both regular backward hooks and full backward hooks as a global Module hook. "
                           "Please use only one of them.")
    _global_is_full_backward_hook = full
    return _add_global_hook(_global_backward_hooks, hook)


def register_module_backward_hook(hook):
    return _add_global_backward_hook(hook, full=False)


def register_module_full_backward_pre_hook(hook):
    return _add_global_hook(_global_backward_pre_hooks, hook)


def register_module_full_backward_hook(hook):
    return _add_global_backward_hook(hook, full=True)


# --- module backward hooks ------------------------------------------------------------------------------------

class _HookVJP(_graph.PyVJP):
    """The backward of an identity node placed on a module's inputs or outputs: runs the module's hooks."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, ct):
        return self.fn(ct)


def _identity_node(tensors, vjp_fn):
    """Aliases of `tensors` that share one BackwardHookFunctionBackward node whose backward calls vjp_fn."""
    outs = tuple(Tensor._wrap(t._storage, t._size, t._stride, t._offset, t._dtype, base=t._base) for t in tensors)
    _graph.record("BackwardHookFunctionBackward", outs, list(tensors), _HookVJP(vjp_fn))
    return outs


def _through_identity(values, pos, vjp_fn):
    """`values` as a list with the tensors at positions `pos` replaced by their aliases from _identity_node."""
    new = list(values)
    for i, o in zip(pos, _identity_node([values[i] for i in pos], vjp_fn)):
        new[i] = o
    return new


def _run_grad_hooks(hooks, call, grads, error):
    """Call each hook (`call(hook, grads)`); a non-None result replaces `grads` and must have as many entries (else
    RuntimeError `error`, with the counts)."""
    for hook in hooks:
        res = call(hook, grads)
        if res is not None:
            res = res if isinstance(res, tuple) else (res,)
            if len(res) != len(grads):
                raise RuntimeError(f"{error}, got {len(res)}, but expected {len(grads)}")
            grads = res
    return grads


class BackwardHook:
    """Full backward hooks and backward pre-hooks of a module call (torch.utils.hooks.BackwardHook)."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.n_inputs = 0
        self.input_pos = []
        self.grad_outputs = None
        self.n_outputs = 0
        self.output_pos = []

    @staticmethod
    def _grads(n, pos, cts, tensors):
        """The n-tuple of gradient tensors: the cotangents at positions `pos` (typed like `tensors`), else None."""
        from ..._tensor import from_array
        grads = [None] * n
        for i, g, t in zip(pos, cts, tensors):
            grads[i] = from_array(g, t._dtype, t.device)
        return tuple(grads)

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        pos = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        if not pos or not grad_mode.is_grad_enabled():
            return args
        self.input_pos = pos
        tensors = [args[i] for i in pos]

        def vjp(ct):
            grad_inputs = self._grads(self.n_inputs, pos, ct if isinstance(ct, tuple) else (ct,), tensors)
            grad_inputs = _run_grad_hooks(self.user_hooks, lambda hook, g: hook(self.module, g, self.grad_outputs),
                                          grad_inputs, "Backward hook returned an invalid number of grad_input")
            return tuple(grad_inputs[i]._value() if grad_inputs[i] is not None else None for i in pos)

        return tuple(_through_identity(args, pos, vjp))

    def setup_output_hook(self, result):
        single = isinstance(result, Tensor)
        outs = (result,) if single else result
        if not isinstance(outs, tuple) or not grad_mode.is_grad_enabled():
            return result
        pos = [i for i, a in enumerate(outs) if isinstance(a, Tensor) and a.requires_grad]
        if not pos:
            return result
        tensors = [outs[i] for i in pos]

        def vjp(ct):
            cts = ct if isinstance(ct, tuple) else (ct,)
            grad_outputs = self._grads(len(outs), pos, cts, tensors)
            grad_outputs = _run_grad_hooks(self.user_pre_hooks, lambda hook, g: hook(self.module, g), grad_outputs,
                                           "Backward pre hook returned an invalid number of grad_output")
            self.grad_outputs = grad_outputs
            if not self.input_pos:   # no input requires grad: full hooks fire now, with grad_input all None
                grad_inputs = (None,) * self.n_inputs
                if self.user_hooks:
                    warnings.warn("Full backward hook is firing when gradients are computed with respect to module "
                                  "outputs since no inputs require gradients. See https://docs.pytorch.org/docs/main/"
                                  "generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for "
                                  "more details.", stacklevel=5)
                for hook in self.user_hooks:
                    if hook(self.module, grad_inputs, grad_outputs) is not None:
                        raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                           "return None or None for all gradients.")
            return tuple(grad_outputs[i]._value() if grad_outputs[i] is not None else cts[k] * 0
                         for k, i in enumerate(pos))

        new = _through_identity(outs, pos, vjp)
        return new[0] if single else tuple(new)


def register_legacy_backward_hook(grad_fn, hook, module):
    """register_backward_hook (non-full): hook(module, grad_input, grad_output) seen at the output's grad_fn."""
    from ..._tensor import from_array

    def wrap(arrs):
        return tuple(None if a is None or str(getattr(a, "dtype", "")) == "float0" else from_array(a) for a in arrs)

    def node_hook(grads, cts):
        hook(module, wrap(grads), wrap(cts))
    grad_fn.register_hook(node_hook)
