"""Tensor members of issue 14's census that are not ops: the legacy `new` constructor, device predicates of
backends torchlike has no build for (False, or the error torch raises on a build without them), `map_`/`map2_`,
`dim_order`, and small aliases. A member some other module already defines keeps that definition."""
from __future__ import annotations

import warnings

from ._tensor import Tensor


def new(self, *args, **kwargs):
    """Legacy constructor: x.new(*sizes) (uninitialised), x.new(sequence), x.new(tensor), x.new() — x's dtype and
    device."""
    import torchlike
    dtype, device = kwargs.pop("dtype", self.dtype), kwargs.pop("device", self.device)
    if kwargs:
        raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if not args:
        return torchlike.empty(0, dtype=dtype, device=device)
    if len(args) == 1 and isinstance(args[0], Tensor):
        t = args[0]
        if t.dtype is not dtype:
            raise TypeError(f"expected TensorOptions(dtype={_cpp(dtype)}, device=cpu, layout=Strided, "
                            "requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)) "
                            f"(got TensorOptions(dtype={_cpp(t.dtype)}, device=cpu, layout=Strided, requires_grad="
                            "false (default), pinned_memory=false (default), memory_format=(nullopt)))")
        return t.detach()
    if all(isinstance(a, int) and not isinstance(a, bool) for a in args) or \
            (len(args) == 1 and isinstance(args[0], torchlike.Size)):
        return torchlike.empty(*args, dtype=dtype, device=device)
    return torchlike.tensor(args[0], dtype=dtype, device=device)


def _cpp(dt):
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "int16": "short int",
            "int8": "signed char", "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}.get(dt.name, dt.name)


def _false(self):
    return False


def _not_compiled(backend, exc, message):
    def method(self, *args, **kwargs):
        raise exc(message)
    method.__name__ = backend
    return method


def map_(self, tensor, callable):  # noqa: A002
    """self[i] = callable(self[i], tensor[i]) elementwise (tensor broadcast to self), in place."""
    other = tensor.expand_as(self)
    vals = [callable(a, b) for a, b in zip(self.reshape(-1).tolist(), other.reshape(-1).tolist())]
    import torchlike
    self.copy_(torchlike.tensor(vals, dtype=self.dtype).view(self.shape))
    return self


def map2_(self, x, y, callable):  # noqa: A002
    a, b = x.expand_as(self).reshape(-1).tolist(), y.expand_as(self).reshape(-1).tolist()
    vals = [callable(s, p, q) for s, p, q in zip(self.reshape(-1).tolist(), a, b)]
    import torchlike
    self.copy_(torchlike.tensor(vals, dtype=self.dtype).view(self.shape))
    return self


def dim_order(self, *, ambiguity_check=False):
    """The dimensions from outermost to innermost by stride (ties keep the dimension order)."""
    return tuple(sorted(range(self.dim()), key=lambda d: -self.stride(d)))


def is_set_to(self, tensor):
    return (self.untyped_storage().data_ptr() == tensor.untyped_storage().data_ptr()
            and self.storage_offset() == tensor.storage_offset() and self.shape == tensor.shape
            and self.stride() == tensor.stride())


def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False, layout=None,
                      pin_memory=False):
    import torchlike
    return torchlike.empty_strided(size, stride, dtype=dtype or self.dtype, device=device or self.device,
                                   requires_grad=requires_grad)


def reinforce(self, reward):
    raise RuntimeError("reinforce() was removed.\nUse torch.distributions instead.\n"
                       "See https://pytorch.org/docs/main/distributions.html\n\nInstead of:\n\n"
                       "probs = policy_network(state)\naction = probs.multinomial()\n"
                       "next_state, reward = env.step(action)\naction.reinforce(reward)\naction.backward()\n\n"
                       "Use:\n\nprobs = policy_network(state)\n"
                       "# NOTE: categorical is equivalent to what used to be called multinomial\n"
                       "m = torch.distributions.Categorical(probs)\naction = m.sample()\n"
                       "next_state, reward = env.step(action)\nloss = -m.log_prob(action) * reward\nloss.backward()\n")


def _volatile(self):
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
    return False


def module_load(self, other, assign=False):
    """What Module.load_state_dict stores for a parameter: `other` itself when assigning, else a detached copy of
    it in self's dtype and device (torch's default __torch_function__-free path)."""
    if assign:
        return other.detach()
    return other.detach().to(dtype=self.dtype, device=self.device)


def record_stream(self, stream):
    raise RuntimeError("unknown parameter type") if stream is None or type(stream).__name__ != "Stream" else None


_MEMBERS = {
    "new": new, "map_": map_, "map2_": map2_, "dim_order": dim_order, "is_set_to": is_set_to,
    "new_empty_strided": new_empty_strided, "reinforce": reinforce, "module_load": module_load,
    "record_stream": record_stream,
    "const_data_ptr": lambda self: self.data_ptr(),
    "swapaxes_": lambda self, axis0, axis1: self.transpose_(axis0, axis1),
    "swapdims_": lambda self, dim0, dim1: self.transpose_(dim0, dim1),
    "xpu": _not_compiled("xpu", AssertionError, "Torch not compiled with XPU enabled"),
    "ipu": _not_compiled("ipu", RuntimeError, "PyTorch is not linked with support for ipu devices"),
    "mtia": _not_compiled("mtia", AssertionError, "Torch not compiled with MTIA enabled. Ensure you have `import "
                          "mtia.host_runtime.torch_mtia.dynamic_library` in your python src file and include "
                          "`//mtia/host_runtime/torch_mtia:torch_mtia` as your target dependency!"),
    "name": property(lambda self: None),
    "output_nr": property(lambda self: 0),
    "volatile": property(_volatile),
    "grad_dtype": property(lambda self: self.dtype),
}
for _n in ("is_xla", "is_ipu", "is_vulkan", "is_maia", "is_mtia"):
    _MEMBERS[_n] = property(_false)

for _n, _v in _MEMBERS.items():
    if not hasattr(Tensor, _n):
        setattr(Tensor, _n, _v)
