"""torch.jit on torchlike: trace (one compiled program, TracerWarning, frozen control flow), script (eager mirror),
save/load (own archive; real TorchScript archives refused), decorators and helpers."""
import io
import warnings
import zipfile

import numpy as np
import pytest

import torchlike as torch
from torchlike import nn


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.BatchNorm1d(4), nn.Linear(4, 2)).eval()


def test_trace_function_warns_and_freezes_control_flow():
    def f(x):
        if x.sum() > 0:
            return x * 2
        return x
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        g = torch.jit.trace(f, torch.ones(3), check_trace=False)
    tw = [str(i.message) for i in w if i.category is torch.jit.TracerWarning]
    assert tw == ["Converting a tensor to a Python boolean might cause the trace to be incorrect. We can't record "
                  "the data flow of Python values, so this value will be treated as a constant in the future. This "
                  "means that the trace might not generalize to other inputs!"]
    assert isinstance(g, torch.jit.ScriptFunction)
    # the branch taken on the example input is baked in, as in PyTorch
    assert g(-torch.ones(3)).tolist() == [-2.0, -2.0, -2.0]
    assert f(-torch.ones(3)).tolist() == [-1.0, -1.0, -1.0]


def test_trace_conversion_kinds():
    def h(x):
        return x * x.item() + float(x) + int(x)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        g = torch.jit.trace(h, torch.tensor(2.0))
    kinds = [str(i.message).split(" might")[0] for i in w if i.category is torch.jit.TracerWarning]
    assert kinds == ["Converting a tensor to a Python number", "Converting a tensor to a Python float",
                     "Converting a tensor to a Python integer"] * 2    # check_trace re-traces, as PyTorch's does
    assert g(torch.tensor(5.0)).item() == 5.0 * 2.0 + 2.0 + 2     # constants from the trace


def test_is_tracing_only_while_tracing():
    seen = []

    def f(x):
        seen.append(torch.jit.is_tracing())
        return x + 1
    assert not torch.jit.is_tracing()
    g = torch.jit.trace(f, torch.ones(2))
    assert seen and all(seen)
    n = len(seen)
    assert g(torch.ones(2)).tolist() == [2.0, 2.0]
    assert len(seen) == n                 # the compiled program does not run the Python code again
    assert not torch.jit.is_tracing() and not torch.jit.is_scripting()


def test_trace_module_shares_state_and_matches_eager():
    m = _model()
    x = torch.randn(5, 3)
    t = torch.jit.trace(m, x)
    assert isinstance(t, torch.jit.ScriptModule) and isinstance(t, torch.jit.TopLevelTracedModule)
    assert t._modules["0"].weight is m[0].weight
    assert [n for n, _ in t.named_parameters()] == [n for n, _ in m.named_parameters()]
    assert list(t.state_dict()) == list(m.state_dict())
    assert [n for n, _ in t.named_modules()] == [n for n, _ in m.named_modules()]
    np.testing.assert_allclose(t(x).detach().numpy(), m(x).detach().numpy(), rtol=1e-6, atol=1e-6)
    x2 = torch.randn(7, 3)                 # another batch size: a second program
    np.testing.assert_allclose(t(x2).detach().numpy(), m(x2).detach().numpy(), rtol=1e-6, atol=1e-6)
    assert repr(t).splitlines()[:3] == ["Sequential(", "  original_name=Sequential",
                                        "  (0): Linear(original_name=Linear)"]
    assert "dot_general" in str(t.graph) and str(t.code)


def test_trace_module_backward_and_state_updates():
    m = _model()
    x = torch.randn(4, 3, requires_grad=True)
    t = torch.jit.trace(m, x)
    t(x).sum().backward()
    g_traced = (x.grad.clone(), m[0].weight.grad.clone())
    x.grad = None
    m.zero_grad()
    m(x).sum().backward()
    np.testing.assert_allclose(g_traced[0].numpy(), x.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g_traced[1].numpy(), m[0].weight.grad.numpy(), rtol=1e-5, atol=1e-6)
    # loading new weights into the traced module is seen by the compiled program
    sd = {k: v * 0 for k, v in m.state_dict().items()}
    t.load_state_dict(sd)
    assert t(x).abs().sum().item() == 0.0


def test_trace_method_and_trace_module():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)

        def forward(self, x):
            return self.lin(x)

        def double(self, x):
            return self.lin(x) * 2
    m = M()
    x = torch.ones(1, 2)
    d = torch.jit.trace(m.double, x)
    np.testing.assert_allclose(d(x).detach().numpy(), m.double(x).detach().numpy())
    tm = torch.jit.trace_module(m, {"forward": x, "double": x})
    np.testing.assert_allclose(tm.double(x).detach().numpy(), m.double(x).detach().numpy())
    np.testing.assert_allclose(tm(x).detach().numpy(), m(x).detach().numpy())


def test_trace_rejects_non_tensor_outputs():
    with pytest.raises(RuntimeError, match="Tracer cannot infer type of"):
        torch.jit.trace(lambda x: object(), torch.ones(1))
    with pytest.raises(RuntimeError, match="example_kwarg_inputs or example_inputs must be provided"):
        torch.jit.trace(lambda x: x)


def test_script_module_mirror():
    m = _model()
    s = torch.jit.script(m)
    assert type(s) is torch.jit.RecursiveScriptModule
    assert type(s[0]) is torch.jit.RecursiveScriptModule and s[0].weight is m[0].weight
    assert repr(s).splitlines()[:3] == ["RecursiveScriptModule(", "  original_name=Sequential",
                                        "  (0): RecursiveScriptModule(original_name=Linear)"]
    x = torch.randn(3, 3)
    np.testing.assert_array_equal(s(x).detach().numpy(), m(x).detach().numpy())
    s.train()                               # training flag reaches the original on the next call
    s(torch.randn(4, 3))
    assert m[2].training
    assert torch.jit.script(s) is s
    assert "def forward" in s.code


def test_script_function_and_decorators():
    @torch.jit.script
    def f(x, y: int = 2):
        return x * y
    assert isinstance(f, torch.jit.ScriptFunction)
    assert f(torch.ones(2)).tolist() == [2.0, 2.0]
    assert f.name == "f" and f.schema == "f(Tensor x, int y=2) -> Tensor" and "return x * y" in f.code

    @torch.jit.ignore
    def a(x):
        return x

    @torch.jit.ignore(drop=True)
    def b(x):
        return x
    assert a(1) == 1 and b(2) == 2 and torch.jit.unused(a) is a and torch.jit.export(a) is a
    assert torch.jit._overload(a) is a and torch.jit.annotate(int, 3) == 3
    assert torch.jit.Attribute(3, int).value == 3
    assert torch.jit.script_if_tracing(lambda x: x + 1)(1) == 2


def test_jit_isinstance():
    from typing import Dict, List, Optional, Tuple
    assert torch.jit.isinstance([1, 2], List[int]) and not torch.jit.isinstance([1, "a"], List[int])
    assert torch.jit.isinstance({"a": torch.ones(1)}, Dict[str, torch.Tensor])
    assert torch.jit.isinstance(None, Optional[int]) and torch.jit.isinstance((1, "a"), Tuple[int, str])
    with pytest.raises(RuntimeError, match="Attempted to use list without a contained type"):
        torch.jit.isinstance([1], list)


@pytest.mark.parametrize("kind", ["trace", "script", "function"])
def test_save_load_roundtrip(kind, tmp_path):
    m = _model()
    x = torch.randn(2, 3)
    if kind == "trace":
        obj = torch.jit.trace(m, x)
    elif kind == "script":
        obj = torch.jit.script(m)
    else:
        obj = torch.jit.script(_double)
    path = tmp_path / "m.pt"
    torch.jit.save(obj, str(path), _extra_files={"meta.txt": "hello"})
    extra = {"meta.txt": ""}
    back = torch.jit.load(str(path), _extra_files=extra)
    assert extra["meta.txt"] == b"hello"
    assert type(back) is type(obj)
    np.testing.assert_allclose(back(x).detach().numpy(), obj(x).detach().numpy(), rtol=1e-6, atol=1e-6)


def _double(x):
    return x * 2


def test_load_refuses_torchscript_archives(tmp_path):
    path = tmp_path / "ts.pt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/constants.pkl", b"")
        z.writestr("archive/code/__torch__/m.py", "")
        z.writestr("archive/data.pkl", b"")
    with pytest.raises(RuntimeError, match="TorchScript programs cannot run on torchlike.*state_dict.*torch.export"):
        torch.jit.load(str(path))
    with pytest.raises(ValueError, match="does not exist"):
        torch.jit.load(str(tmp_path / "missing.pt"))
    buf = io.BytesIO()
    torch.save({"a": torch.ones(1)}, buf)
    buf.seek(0)
    with pytest.raises(RuntimeError, match="constants.pkl"):
        torch.jit.load(buf)


def test_freeze_fork_wait():
    m = _model().train()
    with pytest.raises(RuntimeError, match="Freezing expects a ScriptModule"):
        torch.jit.freeze(m)
    s = torch.jit.script(m)
    with pytest.raises(RuntimeError, match="eval mode"):
        torch.jit.freeze(s)
    assert torch.jit.freeze(s.eval()) is s
    fut = torch.jit.fork(lambda x: x + 1, torch.ones(1))
    assert isinstance(fut, torch.futures.Future) and torch.jit.wait(fut).tolist() == [2.0]
    assert torch.ScriptModule is torch.jit.ScriptModule


def test_script_module_subclass():
    class S(torch.jit.ScriptModule):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.ones(2))

        @torch.jit.script_method
        def forward(self, x):
            return x * self.w
    assert S()(torch.ones(2)).tolist() == [1.0, 1.0]
