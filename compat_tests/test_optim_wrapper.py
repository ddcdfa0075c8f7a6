"""An Optimizer subclass that wraps another without calling Optimizer.__init__ (accelerate's AcceleratedOptimizer):
its own step is not hooked at class creation, exactly as in PyTorch (hooks are patched in when __init__ runs)."""
import torch as TH

import torchlike as TL


def _run(lib):
    class Wrapped(lib.optim.Optimizer):
        def __init__(self, optimizer):
            self.optimizer = optimizer

        @property
        def param_groups(self):
            return self.optimizer.param_groups

        def step(self, closure=None):
            return self.optimizer.step(closure)

    lib.manual_seed(0)
    m = lib.nn.Linear(2, 1)
    inner = lib.optim.SGD(m.parameters(), lr=0.5)
    calls = []
    inner.register_step_pre_hook(lambda opt, a, k: calls.append("inner-pre"))
    opt = Wrapped(inner)
    m(lib.ones(1, 2)).sum().backward()
    opt.step()
    return calls, hasattr(opt, "_optimizer_step_pre_hooks"), [round(v, 6) for v in m.weight.flatten().tolist()]


def test_wrapper_without_init_steps_like_torch():
    assert _run(TL) == _run(TH)
