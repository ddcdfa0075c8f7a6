"""torchlike.compile: whole training steps as one program, equal to eager; guards, retracing, fallbacks."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import torchlike as torch

nn = torch.nn


def _data():
    torch.manual_seed(1)
    return torch.randn(16, 20), torch.randint(0, 5, (16,))


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 5))


def _step(model, opt, x, y, loss_fn=nn.CrossEntropyLoss()):
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss


@pytest.mark.parametrize("opt_cls,kw", [(torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
                                        (torch.optim.Adam, dict(lr=0.01)),
                                        (torch.optim.AdamW, dict(lr=0.01, amsgrad=True))])
def test_compiled_step_equals_eager_with_scheduler(opt_cls, kw):
    x, y = _data()
    m1, m2 = _model(), _model()
    o1, o2 = opt_cls(m1.parameters(), **kw), opt_cls(m2.parameters(), **kw)
    s1, s2 = (torch.optim.lr_scheduler.StepLR(o, 2, 0.5) for o in (o1, o2))
    step = torch.compile(_step)
    for _ in range(6):
        l1 = _step(m1, o1, x, y)
        l2 = step(m2, o2, x, y)
        np.testing.assert_allclose(l1.item(), l2.item(), rtol=1e-5)
        s1.step()
        s2.step()
    for (k, a), b in zip(m1.state_dict().items(), m2.state_dict().values()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    # two programs: the first call (no .grad, no optimizer state yet) and the steady state; lr changes never retrace
    assert len(step._cache) == 2 and step._recompiles == 1
    st1, st2 = o1.state[m1[0].weight], o2.state[m2[0].weight]
    for k in st1:
        np.testing.assert_allclose(np.asarray(st1[k]._value()), np.asarray(st2[k]._value()), rtol=1e-5, atol=1e-7)


def test_guards_retrace_on_shape_and_mode_and_scalars():
    m, x = _model(), torch.randn(4, 20)
    f = torch.compile(lambda t: m(t).sum())
    for _ in range(3):
        f(x)
    assert len(f._cache) == 1
    f(torch.randn(7, 20))
    assert len(f._cache) == 2
    m.eval()
    f(x)
    assert len(f._cache) == 3
    with torch.no_grad():
        f(x)
    assert len(f._cache) == 4


def test_random_ops_draw_fresh_numbers_every_call():
    f = torch.compile(lambda t: t + torch.rand(3))
    a = torch.zeros(3)
    outs = [tuple(f(a).tolist()) for _ in range(4)]
    assert len(set(outs)) == 4


def test_item_falls_back_to_eager_with_one_warning():
    def data_dependent(t):
        if t.sum().item() > 0:
            return t * 2
        return t
    f = torch.compile(data_dependent)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        results = [f(torch.ones(2)) for _ in range(3)] + [f(-torch.ones(2))]
    assert [r.tolist() for r in results] == [[2.0, 2.0]] * 3 + [[-1.0, -1.0]]
    assert sum("cannot be traced" in str(x.message) for x in w) == 1


def test_fullgraph_raises_a_clear_error():
    f = torch.compile(lambda t: t * t.max().item(), fullgraph=True)
    with pytest.raises(RuntimeError, match="concrete value"):
        f(torch.ones(2))


def test_compiled_module_forward_and_backward():
    x, y = _data()
    net = _model()
    cnet = torch.compile(net)
    out = cnet(x)
    assert type(out.grad_fn).__name__ == "CompiledFunctionBackward"
    nn.CrossEntropyLoss()(out, y).backward()
    g = {k: p.grad.clone() for k, p in net.named_parameters()}
    net.zero_grad()
    nn.CrossEntropyLoss()(net(x), y).backward()
    for k, p in net.named_parameters():
        np.testing.assert_allclose(g[k].numpy(), p.grad.numpy(), rtol=1e-5, atol=1e-7)
    assert cnet._orig_mod is net and cnet.state_dict().keys() == net.state_dict().keys()
    with torch.no_grad():
        assert not cnet(x).requires_grad


def test_numpy_shared_state_is_read_and_written_through():
    buf = np.ones(3, np.float32)
    t = torch.from_numpy(buf)
    read = torch.compile(lambda: t * 2)
    read()
    read()
    buf[0] = 5
    assert read().tolist() == [10.0, 2.0, 2.0]
    write = torch.compile(lambda: t.add_(1))
    write()
    write()
    assert buf.tolist() == [7.0, 3.0, 3.0]


def test_cache_limit_warns():
    old = torch._dynamo.config.cache_size_limit
    torch._dynamo.config.cache_size_limit = 2
    try:
        f = torch.compile(lambda t: t * 2)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            for n in range(1, 6):
                f(torch.ones(n))
        assert any("cache size limit" in str(x.message) for x in w)
        assert len(f._cache) <= 2
    finally:
        torch._dynamo.config.cache_size_limit = old


def _cnn(dropout):
    torch.manual_seed(0)
    layers = [nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten()]
    if dropout:
        layers.append(nn.Dropout(0.5))
    return nn.Sequential(*layers, nn.Linear(4 * 3 * 3, 3))


def test_compiled_cnn_with_batchnorm_equals_eager_and_dropout_changes_per_step():
    torch.manual_seed(2)
    x, y = torch.randn(8, 1, 8, 8), torch.randint(0, 3, (8,))
    m1, m2 = _cnn(False), _cnn(False)
    o1, o2 = (torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9) for m in (m1, m2))
    step = torch.compile(_step)
    for _ in range(4):
        np.testing.assert_allclose(_step(m1, o1, x, y).item(), step(m2, o2, x, y).item(), rtol=1e-5)
    for (k, a), b in zip(m1.state_dict().items(), m2.state_dict().values()):   # incl. BatchNorm running stats
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    assert step._eager is False and len(step._cache) == 2
    md = _cnn(True)
    od = torch.optim.SGD(md.parameters(), lr=0.0)       # lr 0: only the dropout masks change the loss
    dstep = torch.compile(_step)
    losses = {round(dstep(md, od, x, y).item(), 6) for _ in range(5)}
    assert len(losses) >= 4


SCALE = 2.0


def _scaled(t):
    return t * SCALE


def test_python_scalar_the_function_names_is_a_guard():
    global SCALE
    f = torch.compile(_scaled)
    x = torch.ones(2)
    assert f(x).tolist() == [2.0, 2.0] and f(x).tolist() == [2.0, 2.0]
    SCALE = 3.0
    try:
        assert f(x).tolist() == [3.0, 3.0]
        assert len(f._cache) == 2
    finally:
        SCALE = 2.0


def _accumulating_run(compiled, replace=None):
    torch.manual_seed(0)
    m = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(m.parameters(), lr=0.1)
    x = torch.randn(4, 3)

    def acc():
        (m(x) ** 2).sum().backward()
    f = torch.compile(acc) if compiled else acc
    seen = []
    for i in range(8):
        if i % 3 == 0:
            opt.step()
            opt.zero_grad()
        if replace == "grad" and i == 5:
            m.weight.grad = torch.ones(2, 3)
        if replace == "param" and i == 5:
            with torch.no_grad():
                m.weight = torch.nn.Parameter(m.weight * 2)
        f()
        seen.append((m.weight.grad.numpy().copy(), m.bias.grad.numpy().copy()))
    return seen


@pytest.mark.parametrize("replace", [None, "grad", "param"])
def test_gradient_accumulation_across_calls_and_replaced_tensors(replace):
    # zero_grad() outside the compiled function, .grad replaced by the user, a parameter reassigned: the
    # compiled calls must read and rebind the live tensors, as eager does
    for (a, b), (c, d) in zip(_accumulating_run(False, replace), _accumulating_run(True, replace)):
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b, d, rtol=1e-5, atol=1e-6)


def test_optimizer_state_reloaded_between_calls():
    def run(compiled):
        torch.manual_seed(0)
        m = torch.nn.Linear(3, 1)
        opt = torch.optim.Adam(m.parameters(), lr=0.05)
        x, y = torch.randn(8, 3), torch.randn(8, 1)

        def step():
            opt.zero_grad()
            loss = ((m(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
            return loss
        f = torch.compile(step) if compiled else step
        for _ in range(3):
            f()
        saved = opt.state_dict()
        saved = {"state": {k: {n: (v.clone() if isinstance(v, torch.Tensor) else v) for n, v in s.items()}
                           for k, s in saved["state"].items()}, "param_groups": saved["param_groups"]}
        for _ in range(3):
            f()
        opt.load_state_dict(saved)
        return [float(f()) for _ in range(3)] + [m.weight.detach().numpy().copy()]
    e, c = run(False), run(True)
    np.testing.assert_allclose(e[:3], c[:3], rtol=1e-5)
    np.testing.assert_allclose(e[3], c[3], rtol=1e-5, atol=1e-6)


def test_state_created_by_the_first_trace_is_read_by_later_calls():
    class Counter(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.count = None

        def forward(self, x):
            if self.count is None:          # lazily built state, as some modules do
                self.count = torch.zeros(())
            self.count.add_(1)
            return x * self.count

    def run(compiled):
        m = Counter()
        f = torch.compile(m.forward) if compiled else m.forward
        return [f(torch.ones(2)).tolist() for _ in range(4)] + [float(m.count)]
    assert run(True) == run(False) == [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 4.0], 4.0]


def test_warm_up_config_runs_the_first_call_eagerly(monkeypatch):
    from torchlike._dynamo import config
    monkeypatch.setattr(config, "warm_up", True)
    f = torch.compile(lambda t: t * 2)
    assert f(torch.ones(2)).tolist() == [2.0, 2.0] and len(f._cache) == 0
    assert f(torch.ones(2)).tolist() == [2.0, 2.0] and len(f._cache) == 1


def test_donation_covers_only_the_state_the_program_replaces(monkeypatch):
    # buffers are donated on GPUs; forced here on the CPU: the parameters and optimizer state are donated and
    # replaced, the input batch (read only) stays valid, and every donated buffer is usable (no JAX warning)
    from torchlike._compile import _trace
    init = _trace.Program.__init__
    monkeypatch.setattr(_trace.Program, "__init__", lambda self, fn, spec, arrays, donate, **kw: init(
        self, fn, spec, arrays, True, **kw))
    x, y = _data()
    m1, m2 = _model(), _model()
    o1, o2 = (torch.optim.Adam(m.parameters(), lr=0.01) for m in (m1, m2))
    step = torch.compile(lambda: _step(m2, o2, x, y))     # x and y are lifted read-only state here
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(4):
            np.testing.assert_allclose(_step(m1, o1, x, y).item(), step().item(), rtol=1e-5)
    assert all(p.donate and any(p.donate_mask) and not all(p.donate_mask) for p in step._cache.values())
    assert np.isfinite(x.numpy()).all()          # the batch was not donated
    for a, b in zip(m1.parameters(), m2.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_a_step_that_clears_grad_first_is_traced_once():
    x, y = _data()
    m = _model()
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    step = torch.compile(_step)
    for _ in range(4):
        step(m, opt, x, y)
    # the first call saw no .grad and the later ones do, but zero_grad() assigned them before any read
    assert step._recompiles == 0 and len({id(p) for p in step._cache.values()}) == 1


def test_a_step_that_reads_grad_before_clearing_is_traced_again():
    def run(compiled):
        torch.manual_seed(0)
        m = torch.nn.Linear(3, 1)
        opt = torch.optim.SGD(m.parameters(), lr=0.1)
        x = torch.randn(4, 3)

        def f():
            had = 1.0 if m.weight.grad is not None else 0.0      # the old .grad matters here
            opt.zero_grad()
            loss = m(x).sum()
            loss.backward()
            opt.step()
            return loss * 0 + had
        g = torch.compile(f) if compiled else f
        return [float(g()) for _ in range(3)]
    assert run(True) == run(False) == [0.0, 1.0, 1.0]


def _run_with_change(compiled, change):
    """Four steps; `change(model, opt)` between the second and the third. Returns losses and final weights."""
    x, y = _data()
    m = _model()
    opt = torch.optim.SGD(m.parameters(), lr=0.1)

    def step():
        return _step(m, opt, x, y)
    f = torch.compile(step) if compiled else step
    losses = []
    for i in range(4):
        if i == 2:
            change(m, opt)
        losses.append(float(f()))
    return losses, [p.detach().numpy().copy() for p in m.parameters()], f


def _replace_last_layer(m, opt):
    torch.manual_seed(5)
    m[2] = nn.Linear(32, 5)                         # same shapes: only the objects differ
    opt.param_groups[0]["params"][4:] = list(m[2].parameters())
    for p in m[2].parameters():
        p.grad = torch.zeros_like(p)                # the same pattern of present .grad as before


@pytest.mark.parametrize("change", [
    _replace_last_layer,
    lambda m, opt: opt.param_groups[0].__setitem__("weight_decay", 0.5),
    lambda m, opt: opt.param_groups[0].__setitem__("maximize", True),
    lambda m, opt: m[0].weight.requires_grad_(False),
    lambda m, opt: m.append(nn.Identity()),
])
def test_changes_between_calls_are_seen(change):
    # the guards a compiled function keeps between calls (what it reaches, module structure, hyper-parameters)
    # must notice each of these, as eager code does
    (le, pe, _), (lc, pc, f) = _run_with_change(False, change), _run_with_change(True, change)
    np.testing.assert_allclose(le, lc, rtol=1e-5)
    for a, b in zip(pe, pc):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert f._recompiles >= 1


def test_what_a_function_reaches_is_cached_until_a_module_changes():
    x, y = _data()
    m = _model()
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    step = torch.compile(lambda: _step(m, opt, x, y))
    step()
    step()
    r = step._reached
    step()
    assert step._reached is r                    # nothing changed: no module walk
    m.eval()
    step()
    assert step._reached is not r and step._reached.training == (False,) * 4
    m.train()
    step()
    assert step._recompiles == 1                 # eval traced once; train() reuses the first program


def test_module_registries_survive_copy_and_pickle():
    import copy
    import pickle
    from torchlike.nn.modules._registry import Registry
    m = _model()
    for c in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        for sub in c.modules():
            assert all(type(d) is Registry for d in (sub._parameters, sub._buffers, sub._modules))
        assert [tuple(p.shape) for p in c.parameters()] == [tuple(p.shape) for p in m.parameters()]
    assert b"Registry" not in pickle.dumps(m)     # whole-model pickles hold plain dicts, as PyTorch's do


def test_a_replaced_submodule_is_used():
    x, _ = _data()
    m = _model()
    f = torch.compile(lambda: m(x))
    f()
    f()
    torch.manual_seed(7)
    m[2] = nn.Linear(32, 5)                          # same shapes, new weights
    np.testing.assert_allclose(f().detach().numpy(), m(x).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_tensors_frozen_by_gc_freeze_are_still_found():
    # torchlike's import freezes its own objects (so that compile's scan for live storages is quick); a program
    # that freezes objects later, tensors among them, must still get its state lifted, not baked in
    import gc
    x, y = _data()
    m1, m2 = _model(), _model()
    o1, o2 = (torch.optim.SGD(m.parameters(), lr=0.1) for m in (m1, m2))
    holder = {"w": torch.ones(3)}                    # reached only through a dict
    gc.freeze()
    try:
        step = torch.compile(lambda: _step(m2, o2, x, y))
        for _ in range(3):
            np.testing.assert_allclose(_step(m1, o1, x, y).item(), step().item(), rtol=1e-5)
        gc.freeze()
        read = torch.compile(lambda: holder["w"] * 2)
        assert read().tolist() == [2.0] * 3
        holder["w"].add_(1)
        assert read().tolist() == [4.0] * 3          # lifted, not baked into the program
    finally:
        gc.unfreeze()
    for a, b in zip(m1.parameters(), m2.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_each_call_leaves_a_new_grad_tensor_like_eager():
    # zero_grad() (set_to_none) and backward() give every step a new .grad tensor: a reference kept from the
    # previous step keeps that step's values, compiled as in eager mode
    def run(compiled):
        x, y = _data()
        m = _model()
        opt = torch.optim.SGD(m.parameters(), lr=0.1)
        step = torch.compile(lambda: _step(m, opt, x, y)) if compiled else (lambda: _step(m, opt, x, y))
        kept = []
        for _ in range(3):
            step()
            kept.append(m[0].weight.grad)
        assert len({id(g) for g in kept}) == 3
        return [g.numpy().copy() for g in kept]
    for a, b in zip(run(False), run(True)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_a_module_given_plain_dicts_is_still_watched():
    # user code may replace a module's registries with plain dicts; changes to those must still be seen
    from collections import OrderedDict
    x, _ = _data()
    m = _model()
    m[2]._parameters = OrderedDict(m[2]._parameters)
    f = torch.compile(lambda: m(x))
    f()
    f()
    assert not f._reached.cacheable
    torch.manual_seed(3)
    m[2]._parameters["weight"] = nn.Parameter(torch.randn(5, 32))    # a plain dict write: no epoch bump
    np.testing.assert_allclose(f().detach().numpy(), m(x).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_reading_parameters_and_state_with_numpy_between_compiled_calls():
    """.numpy() moves a storage to a NumPy buffer and frees the array the program last wrote: the next compiled
    call must read the buffer, not take the dead memo for an unchanged input (it passed None to the program)."""
    x, y = _data()
    m1, m2 = _model(), _model()
    o1, o2 = torch.optim.Adam(m1.parameters(), lr=0.01), torch.optim.Adam(m2.parameters(), lr=0.01)
    step = torch.compile(_step)
    for i in range(7):
        l1 = _step(m1, o1, x, y)
        l2 = step(m2, o2, x, y)
        np.testing.assert_allclose(l1.item(), l2.item(), rtol=1e-5)
        if i in (2, 4):
            [p.detach().numpy() for p in m2.parameters()]
        if i == 3:
            [v.numpy() for s in o2.state.values() for v in s.values()]
    for (k, a), b in zip(m1.state_dict().items(), m2.state_dict().values()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
