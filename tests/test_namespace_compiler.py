"""torch.compiler, torch._dynamo (a package), torch._C, torch.onnx, torch.futures: the names libraries use."""
import threading
import warnings

import pytest

import torchlike as torch
from torchlike import nn


def test_is_compiling_inside_compile_only():
    seen = []

    @torch.compile
    def f(x):
        seen.append((torch.compiler.is_compiling(), torch._dynamo.is_compiling(),
                     torch._dynamo.external_utils.is_compiling(), torch.compiler.is_dynamo_compiling()))
        return x * 2
    assert not torch.compiler.is_compiling()
    assert f(torch.ones(2)).tolist() == [2.0, 2.0]
    assert seen == [(True, True, True, True)]


def test_disable_and_stance():
    calls = []

    def g(x):
        calls.append(1)
        return x + 1
    d = torch.compiler.disable(g)
    assert d(1) == 2 and d.__wrapped__ is g
    assert torch.compile(d) is d                       # torch.compile leaves a disabled function alone
    assert torch.compiler.disable(recursive=False)(g)(1) == 2
    m = nn.Linear(2, 2)
    assert torch.compiler.disable(m) is m
    assert torch._dynamo.disable is torch.compiler.disable

    @torch.compile
    def h(x):
        calls.append(2)
        return x * 3
    with torch.compiler.set_stance("force_eager"):
        h(torch.ones(1))
        h(torch.ones(1))
    assert calls.count(2) == 2                         # ran eagerly, twice
    with pytest.raises(RuntimeError, match="invalid torch.compile stance"):
        torch.compiler.set_stance("nope")
    assert torch.compiler.allow_in_graph(g) is g and torch.compiler.assume_constant_result(g) is g
    assert torch.compiler.cudagraph_mark_step_begin() is None
    torch.compiler.reset()
    assert "inductor" in torch.compiler.list_backends()


def test_dynamo_package_paths():
    from torchlike._dynamo.eval_frame import OptimizedModule, is_dynamo_supported
    m = nn.Linear(2, 2)
    o = torch.compile(m)
    assert isinstance(o, OptimizedModule) and o._orig_mod is m
    assert torch._dynamo.OptimizedModule is OptimizedModule and is_dynamo_supported()
    t = torch.ones(3, 4)
    torch._dynamo.mark_dynamic(t, 0)
    torch._dynamo.mark_static(t, 1)
    torch._dynamo.mark_static_address(t)
    assert t._dynamo_dynamic_indices == {0}
    assert torch._dynamo.utils.is_compile_supported("cpu")
    assert issubclass(torch._dynamo.exc.Unsupported, Exception)
    from torchlike._dynamo._trace_wrapped_higher_order_op import TransformGetItemToIndex
    with TransformGetItemToIndex():
        pass


def test_dynamo_config_forwards_and_patches():
    cfg = torch._dynamo.config
    from torchlike._compile import config as real
    old = cfg.cache_size_limit
    cfg.cache_size_limit = 3
    assert real.cache_size_limit == 3 and cfg.recompile_limit == 3
    with cfg.patch(cache_size_limit=5, capture_scalar_outputs=True):
        assert real.cache_size_limit == 5 and cfg.capture_scalar_outputs
    assert real.cache_size_limit == 3 and not cfg.capture_scalar_outputs

    @cfg.patch("verbose", True)
    def f():
        return cfg.verbose
    assert f() and not cfg.verbose
    cfg.cache_size_limit = old
    with pytest.raises(AttributeError):
        cfg.patch(no_such_option=1)


def test_C_names():
    C = torch._C
    assert C._get_tracing_state() is None and C._are_functorch_transforms_active() is False
    assert C._log_api_usage_once("x") is None
    assert C._nn._parse_to("cpu", torch.float16, non_blocking=True) == (torch.device("cpu"), torch.float16, True, None)
    assert C._nn._parse_to(torch.ones(2, dtype=torch.float64)) == (torch.device("cpu"), torch.float64, False, None)
    assert C._nn._parse_to(torch.float16) == (None, torch.float16, False, None)
    assert isinstance(torch.ones(1), C.TensorBase) and isinstance(torch.Tensor, C._TensorMeta)
    assert C.Generator is torch.Generator and isinstance(C.default_generator, torch.Generator)
    assert C._functorch.is_batchedtensor(torch.ones(1)) is False
    assert C._jit_set_profiling_executor(False) is True and C._jit_set_profiling_executor(True) is False
    C._jit_override_can_fuse_on_cpu(False)
    assert C._jit_can_fuse_on_cpu() is False
    C._jit_override_can_fuse_on_cpu(True)
    assert C._get_cudnn_enabled() in (True, False) and C._len_torch_dispatch_stack() == 0
    before = torch.is_grad_enabled()
    C._set_grad_enabled(False)
    assert not torch.is_grad_enabled()
    C._set_grad_enabled(before)
    with C.DisableTorchFunctionSubclass():
        pass
    assert callable(C._disabled_torch_function_impl)


def test_onnx():
    assert torch.onnx.is_in_onnx_export() is False
    assert str(torch.onnx.TrainingMode.EVAL) == "TrainingMode.EVAL"
    assert list(torch.onnx.OperatorExportTypes.__members__) == ["ONNX", "ONNX_ATEN", "ONNX_ATEN_FALLBACK",
                                                                 "ONNX_FALLTHROUGH"]
    with pytest.raises(torch.onnx.OnnxExporterError, match="torch.export"):
        torch.onnx.export(nn.Linear(1, 1), (torch.ones(1),), "m.onnx")
    m = nn.Linear(1, 1)
    with torch.onnx.select_model_mode_for_export(m, torch.onnx.TrainingMode.EVAL):
        assert not m.training
    assert m.training


def test_futures():
    F = torch.futures.Future
    f = F()
    g = f.then(lambda x: x.wait() + 1)
    assert not f.done()
    f.set_result(3)
    assert f.done() and f.value() == 3 and f.wait() == 3 and g.wait() == 4
    with pytest.raises(RuntimeError, match="only be marked completed once"):
        f.set_result(4)
    h = F()
    h.set_exception(ValueError("bad"))
    with pytest.raises(ValueError, match="bad"):
        h.wait()
    with pytest.raises(RuntimeError, match="Got the following error when running the callback: ValueError: bad"):
        h.then(lambda x: x.wait()).wait()
    a, b = F(), F()
    c = torch.futures.collect_all([a, b])
    a.set_result(1)
    assert not c.done()
    threading.Timer(0.01, lambda: b.set_result(2)).start()     # wait() blocks until another thread completes it
    assert [x.wait() for x in c.wait()] == [1, 2]
    assert torch.futures.wait_all([a, b]) == [1, 2]
    got = []
    d = F()
    d.add_done_callback(lambda x: got.append(x.value()))
    d.set_result(5)
    assert got == [5] and torch.jit.Future is F


def test_version_compares_as_version():
    v = torch.__version__
    assert isinstance(v, str) and v >= "2.10" and v >= (2, 1) and v < "3" and v == "2.13.0+torchlike"
    from packaging.version import Version
    assert Version(v) >= Version("2.0") and v > Version("2.12")


def test_no_stray_warnings_on_import():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        import torchlike.compiler  # noqa: F401
        import torchlike.onnx  # noqa: F401
        import torchlike._C  # noqa: F401
