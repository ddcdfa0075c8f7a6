"""torch.jit.trace / torch.jit.script against real PyTorch: same outputs and gradients on the same weights, the same
TracerWarnings, the same frozen control flow, the same module structure."""
import warnings

import numpy as np
import pytest

from _harness import TH, TL, check, compare


def _net(lib):
    lib.manual_seed(0)
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                         nn.Linear(4 * 5 * 5, 3)).eval()


def _x(lib, requires_grad=False):
    x = lib.tensor(np.random.RandomState(1).randn(2, 2, 5, 5).astype(np.float32))
    return x.requires_grad_(True) if requires_grad else x


@pytest.mark.parametrize("how", ["trace", "script"])
def test_outputs_and_grads_match(how):
    def fn(lib):
        m = _net(lib)
        x = _x(lib, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            j = lib.jit.trace(m, _x(lib)) if how == "trace" else lib.jit.script(m)
        y = j(x)
        y.sum().backward()
        x2 = lib.tensor(np.random.RandomState(2).randn(3, 2, 5, 5).astype(np.float32))
        return y, x.grad, m[0].weight.grad, j(x2), [n for n, _ in j.named_parameters()], list(j.state_dict())
    check(fn, rtol=1e-4, atol=1e-5)


def _conversions(lib):
    def f(x):
        if x.sum() > 0:
            x = x * 2
        return x + x.max().item() + float(x[0]) + int(x[1])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        g = lib.jit.trace(f, lib.tensor([1.0, 2.0]))
    msgs = [str(i.message) for i in w if i.category.__name__ == "TracerWarning"]
    return msgs, g(lib.tensor([-1.0, -5.0])), g(lib.tensor([3.0, 4.0]))


def test_tracer_warnings_and_frozen_constants():
    (tl_msgs, *tl_out), (th_msgs, *th_out) = _conversions(TL), _conversions(TH)
    assert tl_msgs == th_msgs and len(th_msgs) == 8     # 4 conversions, traced twice (check_trace)
    compare(tuple(tl_out), tuple(th_out))


def test_module_structure_matches():
    def fn(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = lib.jit.trace(_net(lib), _x(lib))
            s = lib.jit.script(_net(lib))
        return repr(t), repr(s), type(t).__name__, type(s).__name__, lib.jit.is_tracing(), lib.jit.is_scripting()
    check(fn)
