"""torch.overrides / __torch_function__: PyTorch's documented examples give the same logs and results."""
from __future__ import annotations

import gc

import pytest
import torch as TH

import torchlike as TL
import torchlike.nn.functional  # noqa: F401
import torchlike.overrides  # noqa: F401
from torchlike import _torch_function
from _harness import check


@pytest.fixture(autouse=True)
def _protocol_off_afterwards():
    yield
    gc.collect()                      # the tests' local subclasses go away: the fast path is back
    assert not _torch_function.ON[0] and not _torch_function.MODES


def both(fn):
    tl, th = fn(TL), fn(TH)
    assert tl == th
    return tl


def _logging_tensor(lib, log):
    class LoggingTensor(lib.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            log.append(func.__name__)
            return super().__torch_function__(func, types, args, kwargs)
    return LoggingTensor


def test_logging_subclass_sees_functions_methods_operators_and_properties():
    def run(lib):
        log = []
        LT = _logging_tensor(lib, log)
        x = lib.ones(2, 3).as_subclass(LT)
        F = lib.nn.functional
        out = [type(r).__name__ for r in (x + 1, 1 - x, x * x, -x, x @ x.T, lib.add(x, 2), x.add(3), x.sum(),
                                          F.relu(x), lib.cat([lib.ones(1, 3), x]), x[0], x.view(6), x.float())]
        out.append(type(x.max(1)).__name__)
        out.append([type(t).__name__ for t in x.max(1)])
        out.append(str((x.shape, x.dtype, x.size(), x.dim())))
        x += 1
        out.append(x.tolist())
        return log, out
    log, _ = both(run)
    assert log[:3] == ["add", "__rsub__", "mul"] and "__get__" in log


def test_default_handler_keeps_autograd_and_nowrap_grad():
    def run(lib):
        class S(lib.Tensor):
            pass
        a = lib.ones(2, requires_grad=True)
        b = a.as_subclass(S)
        c = (b * 3).sum()
        c.backward()
        return (type(c).__name__, type(b.grad_fn).__name__, b.is_leaf, a.grad.tolist(), type(a.grad).__name__,
                type(lib.Tensor.add(b, 1)).__name__, type(lib.ones(2) + b).__name__)
    both(run)


def test_parameter_is_not_dispatched():
    def run(lib):
        p = lib.nn.Parameter(lib.ones(2))
        return (type(p * 2).__name__, lib.overrides.has_torch_function((p,)),
                lib.overrides.has_torch_function((lib.ones(1),)), lib.overrides.is_tensor_like(p),
                lib.overrides.is_tensor_like(3))
    both(run)


def _scalar_tensor(lib):
    """The ScalarTensor of PyTorch's 'Extending torch' notes: not a Tensor, handles torch.mean itself."""
    HANDLED = {}

    class ScalarTensor:
        def __init__(self, N, value):
            self._N, self._value = N, value

        def __repr__(self):
            return f"ScalarTensor(N={self._N}, value={self._value})"

        def tensor(self):
            return self._value * lib.eye(self._N)

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if func not in HANDLED or not all(issubclass(t, (lib.Tensor, ScalarTensor)) for t in types):
                return NotImplemented
            return HANDLED[func](*args, **kwargs)

    def mean(input):
        return float(input._value) / input._N
    HANDLED[lib.mean] = mean
    return ScalarTensor


def test_scalar_tensor_like():
    def run(lib):
        ST = _scalar_tensor(lib)
        d = ST(5, 2)
        out = [lib.mean(d), lib.overrides.is_tensor_like(d), lib.overrides.has_torch_function((d,))]
        for f in (lambda: lib.add(d, 1), lambda: lib.nn.functional.relu(d), lambda: d + lib.ones(1)):
            try:
                f()
                out.append("ok")
            except TypeError as e:
                out.append(str(e).split(" on types")[0].split(";")[0].replace("torchlike", "torch"))
        return out
    out = both(run)
    assert out[0] == 0.4


def test_function_mode_counts_and_nests():
    def run(lib):
        class Count(lib.overrides.TorchFunctionMode):
            def __init__(self):
                super().__init__()
                self.seen = []

            def __torch_function__(self, func, types, args=(), kwargs=None):
                self.seen.append(func.__name__)
                return func(*args, **(kwargs or {}))

        x = lib.ones(3)
        with Count() as outer:
            y = lib.zeros(3) + x
            with Count() as inner:
                z = lib.mul(y, 2).sum()
            w = lib.nn.functional.relu(x)
        return outer.seen, inner.seen, z.item(), w.tolist(), lib.overrides._get_current_function_mode() is None
    outer, inner, *_ = both(run)
    assert outer == ["zeros", "add", "mul", "sum", "relu"] and inner == ["mul", "sum"]


def test_mode_sees_types_and_can_replace_results():
    def run(lib):
        class Const(lib.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                if func is lib.add:
                    return "replaced"
                return func(*args, **(kwargs or {}))
        with Const():
            return lib.add(lib.ones(1), 1), (lib.ones(1) * 2).tolist()
    both(run)


def test_not_implemented_everywhere_raises():
    def run(lib):
        class N(lib.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return NotImplemented
        x = lib.ones(1).as_subclass(N)
        msgs = []
        for f in (lambda: lib.add(x, 1), lambda: lib.nn.functional.relu(x)):
            with pytest.raises(TypeError) as e:
                f()
            msgs.append(str(e.value).replace("torchlike", "torch").split(": [")[0].split(":\n")[0])
        return msgs
    both(run)


def test_handle_torch_function_and_wrap():
    def run(lib):
        ov = lib.overrides
        log = []
        LT = _logging_tensor(lib, log)

        def dispatcher(a):
            return (a,)

        @ov.wrap_torch_function(dispatcher)
        def my_func(a):
            return a + 0

        def manual(a):
            if ov.has_torch_function_unary(a):
                return ov.handle_torch_function(manual, (a,), a)
            return a * 2
        x = lib.ones(2).as_subclass(LT)
        r = [type(my_func(x)).__name__, type(manual(x)).__name__, type(my_func(lib.ones(1))).__name__]
        return r, log, ov.has_torch_function_variadic(lib.ones(1), x)
    both(run)


def test_disable_torch_function_subclass():
    def run(lib):
        log = []
        LT = _logging_tensor(lib, log)
        x = lib.ones(2).as_subclass(LT)
        with lib._C.DisableTorchFunctionSubclass():
            y = x + 1
        return type(y).__name__, log
    both(run)


def test_a_mode_sees_the_functional_calls_nn_modules_make():
    """nn.Linear / nn.Conv2d / nn.ReLU call torch.nn.functional, so a TorchFunctionMode sees F.linear etc."""
    def fn(lib):
        seen = []

        class Log(lib.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                seen.append(func.__name__)
                return func(*args, **(kwargs or {}))
        lib.manual_seed(0)
        m = lib.nn.Sequential(lib.nn.Conv2d(1, 2, 3), lib.nn.ReLU(), lib.nn.Flatten(), lib.nn.Linear(8, 3))
        x = lib.ones(1, 1, 4, 4)
        with Log():
            m(x)
        return [n for n in seen if n in ("conv2d", "relu", "linear")]
    check(fn)
