"""torch.optim.Optimizer: parameter groups, per-parameter state, state_dict, hooks, and the fused group step."""
from __future__ import annotations

import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, set_grad_enabled
from . import _fused

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook", "required"]


class _RequiredParameter:
    """Singleton class representing a required parameter for an Optimizer."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class _RemovableHandle:
    """A handle that removes a hook from its dict (torch.utils.hooks.RemovableHandle)."""

    next_id = 0

    def __init__(self, hooks_dict):
        self._hooks = hooks_dict
        self.id = _RemovableHandle.next_id
        _RemovableHandle.next_id += 1

    def remove(self):
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


_global_optimizer_pre_hooks: OrderedDict = OrderedDict()
_global_optimizer_post_hooks: OrderedDict = OrderedDict()


def register_optimizer_step_pre_hook(hook):
    handle = _RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    handle = _RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


from .._breadth import typename as _typename  # noqa: E402  (torch.typename)


def _get_scalar_dtype(is_fused=None):
    if is_fused:
        return D.float32
    return D.float64 if D.get_default_dtype() is D.float64 else D.float32


def _to_scalar(x):
    if isinstance(x, Tensor) and x.dim() != 0:
        return x.squeeze()
    return x


def _new_scalar(value, dtype=None):
    """A 0-d state tensor (state['step'], state['mu_product']) on the CPU, as torch keeps them."""
    from .._ops.creation import tensor
    return tensor(float(value), dtype=dtype or _get_scalar_dtype())


_LABELS = {"lr": "learning rate", "eps": "epsilon value"}


def _validate(*, nan_ok=False, **hparams):
    """Check constructor hyperparameters in the order given, raising PyTorch's ValueError for the first bad one:
    a Tensor lr must have one element; betas lie in [0, 1), rho in [0, 1], everything else is >= 0.
    nan_ok: SGD's checks are `x < 0.0`, which let NaN through (the others are `not 0.0 <= x`)."""
    for name, value in hparams.items():
        if name == "betas":
            for i in (0, 1):
                if not 0.0 <= value[i] < 1.0:
                    raise ValueError(f"Invalid beta parameter at index {i}: {value[i]}")
            continue
        if name == "lr" and isinstance(value, Tensor) and value.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if name == "rho":
            bad = not 0.0 <= value <= 1.0
        else:
            bad = value < 0.0 if nan_ok else not 0.0 <= value
        if bad:
            raise ValueError(f"Invalid {_LABELS.get(name, name + ' value')}: {value}")


def _hooked_step(func):
    """Wrap an optimizer's step: global and per-instance pre/post hooks (torch's profile_hook_step)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        self = args[0]
        for pre_hook in chain(_global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(f"{func} must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {result}.")
        out = func(*args, **kwargs)
        for post_hook in chain(self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out
    wrapper.hooked = True
    return wrapper


class Optimizer:
    """Base class for all optimizers (torch.optim.Optimizer)."""

    # A class's step is hooked by _patch_step_function when an instance is initialised, as in PyTorch: wrappers that
    # subclass Optimizer without calling its __init__ (accelerate's AcceleratedOptimizer) keep their own plain step.
    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)
        self._warned_capturable_if_run_uncaptured = True
        self._patch_step_function()

    # -- pickling / repr -------------------------------------------------------------------------------
    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
                     "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self._patch_step_function()      # a pickled optimizer's class may not be patched yet in this process
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        format_string = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            format_string += "\n"
            format_string += f"Parameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    format_string += f"    {key}: {group[key]}\n"
        format_string += ")"
        return format_string

    # -- hooks -----------------------------------------------------------------------------------------
    profile_hook_step = staticmethod(_hooked_step)

    def _patch_step_function(self):
        """Hook the class's step (pre/post hooks) when it was assigned after class creation, as torch does in
        __init__; also names the zero_grad profile range."""
        self._zero_grad_profile_name = f"Optimizer.zero_grad#{self.__class__.__name__}.zero_grad"
        if not getattr(self.__class__.step, "hooked", None):
            self.__class__.step = self.profile_hook_step(self.__class__.step)

    def _register(self, hooks_dict, hook, prepend=False):
        handle = _RemovableHandle(hooks_dict)
        hooks_dict[handle.id] = hook
        if prepend:
            hooks_dict.move_to_end(handle.id, last=False)
        return handle

    def register_step_pre_hook(self, hook):
        return self._register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        return self._register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # -- state dict ------------------------------------------------------------------------------------
    def state_dict(self):
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update({id(p): i for i, p in enumerate(group["params"], start_index)
                                   if id(p) not in param_mappings})
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            hook_result = post_hook(self, state_dict)
            if hook_result is not None:
                state_dict = hook_result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups, key=None):
        fused = capturable = False
        for pg in param_groups:
            if param_id in pg["params"]:
                fused = pg.get("fused", False)
                capturable = pg.get("capturable", False)
                break
        if key == "step":
            if capturable or fused:
                return value.to(dtype=D.float32, device=param.device)
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict):
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            hook_result = pre_hook(self, state_dict)
            if hook_result is not None:
                state_dict = hook_result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def _cast(param, value, param_id=None, param_groups=None, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(param, value, param_id, param_groups, key)
            if isinstance(value, dict):
                return {k: _cast(param, v, param_id=param_id, param_groups=param_groups, key=k)
                        for k, v in value.items()}
            if isinstance(value, Iterable):
                return type(value)(_cast(param, v, param_id=param_id, param_groups=param_groups) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast(param, v, param_id=k, param_groups=state_dict["param_groups"])
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    # -- grads / groups --------------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True):
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:          # assigned without a read: the outcome never depends on the old .grad
                    p.grad = None
                elif p.grad is not None:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def step(self, closure=None):
        raise NotImplementedError

    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) == len(tensors):
                param_group["param_names"] = names
            else:
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(set(group["params"]))
            if ("param_names" in param_group) != ("param_names" in group):
                current = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {current} to the optimizer")
        if not param_set.isdisjoint(set(param_group["params"])):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # -- the fused step (used by the built-in optimizers) ----------------------------------------------
    # A subclass defines _kernel (see _fused), _hp_names (traced group hyperparameters, read by _hyper_value),
    # _scalar_keys (0-d state tensors such as 'step', written from columns of the per-parameter row), and the
    # methods _array_keys(group) -> tensor state fed to the kernel, and where the defaults below do not fit,
    # _cfg(group) -> static flags, _init_state(group, p, state) (torch's lazy state creation; by default the
    # _initial_scalars then zeros), _row(group, p, state) -> per-parameter floats. Constructors check their
    # hyperparameters with _validate (and _check_fused); __setstate__ is _setstate_defaults with the group defaults.
    _kernel = None
    _hp_names = ()
    _scalar_keys = (("step", 0),)
    _sparse_name = None

    def _check_fused(self, fused, foreach, differentiable, device_dtype_check=True):
        """The `fused=True` constructor checks of Adam, Adagrad and SGD."""
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
            self._step_supports_amp_scaling = True
            if device_dtype_check:
                self._need_device_dtype_check_for_fused = True

    def _setstate_defaults(self, state, **defaults):
        """__setstate__ of a built-in optimizer: Optimizer's, then the group keys older state dicts lack (set in
        this order) and the 0-d state of _scalar_keys as tensors (_tensor_steps)."""
        Optimizer.__setstate__(self, state)
        for group in self.param_groups:
            for name, default in defaults.items():
                group.setdefault(name, default)
            self._tensor_steps(group)

    def _scalar_dtype(self, group):
        """The dtype of 0-d state such as 'step': float32 for fused groups, else the default scalar dtype."""
        return _get_scalar_dtype(is_fused=group.get("fused") if "fused" in self.defaults else None)

    def _tensor_steps(self, group):
        """Saved Python-number 'step' (and other _scalar_keys state) of a group's parameters become 0-d tensors."""
        dtype = self._scalar_dtype(group)
        for p in group["params"]:
            p_state = self.state.get(p, [])
            if len(p_state) != 0:
                for key, _ in self._scalar_keys:
                    if not isinstance(p_state[key], Tensor):
                        p_state[key] = _new_scalar(float(p_state[key]), dtype)

    def _initial_scalars(self, group):
        """The first values of the 0-d state of _scalar_keys (a fresh 'step' is 0)."""
        return (0.0,)

    def _init_scalars(self, group, state):
        dtype = self._scalar_dtype(group)
        for (key, _), value in zip(self._scalar_keys, self._initial_scalars(group)):
            state[key] = _new_scalar(value, dtype)

    def _init_state(self, group, p, state):
        """torch's lazy state creation: the 0-d state of _scalar_keys, then zeros for each of _array_keys."""
        self._init_scalars(group, state)
        for key in self._array_keys(group):
            state[key] = self._zeros_like(p)

    def _row(self, group, p, state):
        """Per-parameter floats for the kernel (`sc`); by default just the new step count."""
        return (self._next_step(p, state),)

    def _cfg(self, group):
        """Static kernel flags; by default (weight_decay != 0, maximize)."""
        return (group["weight_decay"] != 0, bool(group["maximize"]))

    def _uses_state(self, group):
        return True

    def _fused_step(self, closure):
        with set_grad_enabled(self.defaults["differentiable"]):
            loss = None
            if closure is not None:
                with enable_grad():
                    loss = closure()
            for group in self.param_groups:
                self._update_group(group)
        return loss

    def _update_group(self, group):
        params, tensors, rows = [], [], []
        uses_state = self._uses_state(group)
        for p in group["params"]:
            if p.grad is None:
                continue
            if getattr(p.grad, "is_sparse", False) and self._sparse_name:
                raise RuntimeError(f"{self._sparse_name} does not support sparse gradients")
            state = self.state[p] if uses_state else {}
            if uses_state and len(state) == 0:
                self._init_state(group, p, state)
            rows.append(self._row(group, p, state))
            params.append(p)
            tensors.append(self._array_inputs(group, p, state))
        if not params:
            return
        scalar_keys = self._scalar_keys if uses_state else ()
        hyper = _fused.hyper_vector([self._hyper_value(group, n) for n in self._hp_names])
        cfg = tuple(bool(c) for c in self._cfg(group))
        _fused.run_group(type(self)._kernel, cfg, self._hp_names, hyper, params, tensors, rows,
                         scalar_keys, lambda i: self.state[params[i]])
        if not scalar_keys:
            return
        mirror = self.__dict__.setdefault("_mirror", {})
        for p, row in zip(params, rows):
            state = self.state[p]
            mirror[p] = {name: (state[name], state[name]._version, row[col]) for name, col in scalar_keys
                         if isinstance(row[col], float)}

    def _array_inputs(self, group, p, state):
        return {k: state.get(k) for k in self._array_keys(group)}

    def _hyper_value(self, group, name):
        """Hyperparameter `name` of a group: group[name], or derived ('beta1' from betas)."""
        if name in ("beta1", "beta2"):
            return group["betas"][0 if name == "beta1" else 1]
        return group[name]

    def _scalar_state(self, p, state, key):
        """The Python value of the 0-d state tensor state[key] (e.g. 'step'), without reading the device when the
        optimizer wrote it last (a Python-side mirror; also what keeps step() traceable)."""
        t = state[key]
        if not isinstance(t, Tensor):
            return float(t)
        from .. import _trace_state
        if isinstance(t._storage._data, jax.core.Tracer) or _trace_state.current is not None:
            # traced (torch.compile lifted the optimizer state): the value is a graph input, so the bias
            # corrections are computed in the graph (in float64) and a compiled step stays valid at every step
            return t._value().astype(jnp.float64)
        entry = self.__dict__.get("_mirror", {}).get(p, {}).get(key)
        if entry is not None and entry[0] is t and entry[1] == t._version:
            return entry[2]
        return float(t)

    def _next_step(self, p, state):
        return self._scalar_state(p, state, "step") + 1.0

    @staticmethod
    def _zeros_like(p):
        from .._ops.creation import zeros_like
        return zeros_like(p)

    @staticmethod
    def _float(v):
        return float(v) if isinstance(v, Tensor) else v
