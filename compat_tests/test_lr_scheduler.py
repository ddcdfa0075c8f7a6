"""torch.optim.lr_scheduler against real PyTorch: exact lr (and momentum) sequences, warnings, state dicts."""
import warnings

import pytest
import torch as TH

import torchlike as TL

EPOCHS = 30


def _opt(lib, name="SGD", lr=0.1):
    a, b = lib.ones(2, requires_grad=True), lib.ones(3, requires_grad=True)
    if name == "SGD":
        return lib.optim.SGD([{"params": [a]}, {"params": [b], "lr": lr / 10}], lr=lr, momentum=0.9)
    return getattr(lib.optim, name)([{"params": [a]}, {"params": [b], "lr": lr / 10}], lr=lr)


def _mom(group):
    return group["betas"] if "betas" in group else group.get("momentum")


SCHEDULERS = {
    "StepLR": lambda S, o: S.StepLR(o, step_size=4, gamma=0.5),
    "MultiStepLR": lambda S, o: S.MultiStepLR(o, milestones=[3, 7, 7, 20], gamma=0.3),
    "ExponentialLR": lambda S, o: S.ExponentialLR(o, gamma=0.93),
    "CosineAnnealingLR": lambda S, o: S.CosineAnnealingLR(o, T_max=8, eta_min=0.001),
    "CosineAnnealingLR_nomin": lambda S, o: S.CosineAnnealingLR(o, T_max=10),
    "LambdaLR": lambda S, o: S.LambdaLR(o, lambda e: 1.0 / (1 + e)),
    "LambdaLR_list": lambda S, o: S.LambdaLR(o, [lambda e: 0.95 ** e, lambda e: 1 + e % 3]),
    "MultiplicativeLR": lambda S, o: S.MultiplicativeLR(o, lambda e: 0.9 if e % 2 else 1.0),
    "LinearLR": lambda S, o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=10),
    "LinearLR_down": lambda S, o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=7),
    "ConstantLR": lambda S, o: S.ConstantLR(o, factor=0.5, total_iters=6),
    "PolynomialLR": lambda S, o: S.PolynomialLR(o, total_iters=12, power=2.0),
    "PolynomialLR_lin": lambda S, o: S.PolynomialLR(o),
    "CosineAnnealingWarmRestarts": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=5, eta_min=0.01),
    "CosineAnnealingWarmRestarts_mult": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    "OneCycleLR": lambda S, o: S.OneCycleLR(o, max_lr=1.0, total_steps=EPOCHS + 1),
    "OneCycleLR_linear_3phase": lambda S, o: S.OneCycleLR(o, max_lr=[1.0, 0.5], epochs=4, steps_per_epoch=8,
                                                          anneal_strategy="linear", three_phase=True),
    "OneCycleLR_nomom": lambda S, o: S.OneCycleLR(o, max_lr=0.3, total_steps=40, cycle_momentum=False,
                                                  pct_start=0.5, div_factor=10.0, final_div_factor=100.0),
    "CyclicLR": lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
    "CyclicLR_tri2": lambda S, o: S.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, step_size_down=5,
                                             mode="triangular2"),
    "CyclicLR_exp": lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode="exp_range",
                                            gamma=0.9, base_momentum=0.7, max_momentum=0.95),
    "CyclicLR_fn": lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, scale_fn=lambda x: 0.5 ** x,
                                           scale_mode="iterations", cycle_momentum=False),
    "SequentialLR": lambda S, o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5),
                                                    S.ExponentialLR(o, gamma=0.9)], milestones=[5]),
    "SequentialLR_3": lambda S, o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.3, total_iters=3),
                                                      S.CosineAnnealingLR(o, T_max=6),
                                                      S.StepLR(o, step_size=3, gamma=0.5)], milestones=[4, 12]),
    "ChainedScheduler": lambda S, o: S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=4),
                                                         S.ExponentialLR(o, gamma=0.9)]),
    "ChainedScheduler_opt": lambda S, o: S.ChainedScheduler([S.LinearLR(o, total_iters=3),
                                                             S.MultiStepLR(o, [5, 9])], optimizer=o),
}
OPTIMIZER_FOR = {"OneCycleLR": "Adam", "CyclicLR_exp": "Adam"}


def _sequence(lib, name, epochs=EPOCHS):
    opt = _opt(lib, OPTIMIZER_FOR.get(name, "SGD"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
    out = [(list(sched.get_last_lr()), [g["lr"] for g in opt.param_groups], [_mom(g) for g in opt.param_groups])]
    for _ in range(epochs):
        opt.step()
        sched.step()
        out.append((list(sched.get_last_lr()), [g["lr"] for g in opt.param_groups],
                    [_mom(g) for g in opt.param_groups]))
    return out


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_sequence(name):
    """Every lr (and cycled momentum / beta1) equals torch's exactly: same recursive formulas, same floats."""
    assert _sequence(TL, name) == _sequence(TH, name)


def _plain(sd):
    """A state dict reduced to comparable values (nested scheduler dicts; no callables)."""
    if isinstance(sd, dict):
        return {k: _plain(v) for k, v in sd.items() if not callable(v) and k != "_scale_fn_ref"}
    if isinstance(sd, list):
        return [_plain(v) for v in sd]
    return sd


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_state_dict_round_trip(name):
    """State after 11 steps loaded into a fresh scheduler over a fresh optimizer continues identically."""
    def go(lib):
        opt = _opt(lib, OPTIMIZER_FOR.get(name, "SGD"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
            for _ in range(11):
                opt.step()
                sched.step()
            sd = sched.state_dict()
            osd = opt.state_dict()
            opt2 = _opt(lib, OPTIMIZER_FOR.get(name, "SGD"))
            sched2 = SCHEDULERS[name](lib.optim.lr_scheduler, opt2)
            opt2.load_state_dict(osd)
            sched2.load_state_dict(sd)
            lrs = []
            for _ in range(9):
                opt2.step()
                sched2.step()
                lrs.append(sched2.get_last_lr())
        return list(_plain(sd).keys()), _plain(sd), lrs
    tl, th = go(TL), go(TH)
    assert tl[0] == th[0]
    assert _counter_free(tl[1]) == _counter_free(th[1])
    assert tl[2] == th[2]


def _counter_free(sd):
    return {k: (dict(v) if k == "milestones" else _counter_free(v) if isinstance(v, dict) else
                [_counter_free(x) if isinstance(x, dict) else x for x in v] if isinstance(v, list) else v)
            for k, v in sd.items()}


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [str(x.message) for x in w]


def test_step_before_optimizer_step_warns():
    def go(lib):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2)
        return _warnings_of(sched.step), sched.get_last_lr()
    tl, th = go(TL), go(TH)
    assert tl == th and len(th[0]) == 1 and "Detected call of `lr_scheduler.step()`" in th[0][0]


def test_no_warning_in_right_order():
    def go(lib):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)

        def run():
            opt.step()
            sched.step()
        return _warnings_of(run), sched.get_last_lr()
    assert go(TL) == go(TH)


def test_overridden_step_warns():
    def go(lib):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        opt.step = lambda *a, **k: None
        return _warnings_of(sched.step)
    assert go(TL) == go(TH)


def test_get_lr_outside_step_warns():
    def go(lib):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2)
        return _warnings_of(sched.get_lr)
    assert go(TL) == go(TH)


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
                                  "ConstantLR", "PolynomialLR", "LambdaLR"])
def test_step_with_epoch_closed_form(name):
    """The deprecated step(epoch) uses the closed form (and warns)."""
    def go(lib):
        opt = _opt(lib)
        sched = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
        out = []
        for e in (3, 8, 5, 12):
            opt.step()
            out.append((_warnings_of(lambda: sched.step(e)), sched.get_last_lr()))
        return out
    assert go(TL) == go(TH)


def test_warm_restarts_step_with_epoch():
    def go(lib):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.001)
        out = []
        for e in (0.5, 1.7, 4, 9.25, 22, 2):
            opt.step()
            sched.step(e)
            out.append((sched.get_last_lr(), sched.T_cur, sched.T_i, sched.last_epoch))
        return out
    assert go(TL) == go(TH)


def test_resume_with_last_epoch():
    def go(lib):
        opt = _opt(lib)
        for g in opt.param_groups:
            g["initial_lr"] = g["lr"] * 2
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5, last_epoch=5)
        lrs = [sched.get_last_lr()]
        for _ in range(6):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
        return lrs, sched.base_lrs
    assert go(TL) == go(TH)


def test_missing_initial_lr_error():
    msgs = []
    for lib in (TL, TH):
        with pytest.raises(KeyError) as e:
            lib.optim.lr_scheduler.StepLR(_opt(lib), 3, last_epoch=2)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


PLATEAU = {
    "min_rel": dict(),
    "min_abs": dict(threshold_mode="abs", threshold=0.1, patience=2, factor=0.5),
    "max_rel": dict(mode="max", patience=1, factor=0.2, cooldown=2),
    "max_abs": dict(mode="max", threshold_mode="abs", threshold=0.05, patience=0, min_lr=[0.01, 0.001]),
    "min_lr_eps": dict(patience=1, factor=0.5, min_lr=0.02, eps=1e-3, cooldown=1),
}
METRICS = [1.0, 0.9, 0.95, 0.95, 0.96, 0.89, 0.9, 0.9, 0.9, 0.9, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85,
           0.85, 0.85, 0.85, 0.85, 0.85, 0.7, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 1.2, 1.3, 1.25, 1.25, 1.25]


@pytest.mark.parametrize("name", sorted(PLATEAU))
def test_reduce_lr_on_plateau(name):
    def go(lib):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **PLATEAU[name])
        out = [sched.get_last_lr()]
        for i, m in enumerate(METRICS):
            opt.step()
            sched.step(lib.tensor(m) if i % 2 else m)
            out.append((sched.get_last_lr(), sched.best, sched.num_bad_epochs, sched.cooldown_counter,
                        sched.last_epoch))
        sd = sched.state_dict()
        sched2 = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **PLATEAU[name])
        sched2.load_state_dict(sd)
        for m in (0.1, 0.2, 0.3, 0.3, 0.3):
            sched2.step(m)
            out.append(sched2.get_last_lr())
        return out, sorted(k for k in sd if k != "optimizer")
    assert go(TL) == go(TH)


ERRORS = {
    "not_optimizer": lambda S, o: S.StepLR(object(), 3),
    "plateau_factor": lambda S, o: S.ReduceLROnPlateau(o, factor=1.0),
    "plateau_mode": lambda S, o: S.ReduceLROnPlateau(o, mode="middle"),
    "plateau_threshold_mode": lambda S, o: S.ReduceLROnPlateau(o, threshold_mode="relative"),
    "plateau_min_lrs": lambda S, o: S.ReduceLROnPlateau(o, min_lr=[0.1]),
    "constant_factor": lambda S, o: S.ConstantLR(o, factor=1.5),
    "linear_start": lambda S, o: S.LinearLR(o, start_factor=0),
    "linear_end": lambda S, o: S.LinearLR(o, end_factor=2),
    "lambda_count": lambda S, o: S.LambdaLR(o, [lambda e: 1.0]),
    "multiplicative_not_callable": lambda S, o: S.MultiplicativeLR(o, [1.0, 2.0]),
    "warm_T0": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=0),
    "warm_Tmult": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    "warm_eta": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="x"),
    "onecycle_total": lambda S, o: S.OneCycleLR(o, 0.1, total_steps=0),
    "onecycle_none": lambda S, o: S.OneCycleLR(o, 0.1),
    "onecycle_epochs": lambda S, o: S.OneCycleLR(o, 0.1, epochs=0, steps_per_epoch=3),
    "onecycle_pct": lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10, pct_start=1.5),
    "onecycle_anneal": lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="exp"),
    "onecycle_max_lr_len": lambda S, o: S.OneCycleLR(o, [0.1], total_steps=10),
    "onecycle_too_many": lambda S, o: [s.step() for s in [S.OneCycleLR(o, 0.1, total_steps=2)] * 3],
    "cyclic_mode": lambda S, o: S.CyclicLR(o, 0.01, 0.1, mode="square"),
    "cyclic_no_momentum": lambda S, o: S.CyclicLR(_adagrad_over(o), 0.01, 0.1),
    "sequential_empty": lambda S, o: S.SequentialLR(o, [], milestones=[]),
    "sequential_milestones": lambda S, o: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3)], milestones=[]),
    "sequential_plateau": lambda S, o: S.SequentialLR(o, [S.StepLR(o, 2), S.ReduceLROnPlateau(o)], milestones=[2]),
    "chained_empty": lambda S, o: S.ChainedScheduler([]),
    "chained_plateau": lambda S, o: S.ChainedScheduler([S.ReduceLROnPlateau(o)]),
}


def _adagrad_over(o):
    """An optimizer over the same params without momentum/betas defaults."""
    mod = TL if isinstance(o, TL.optim.Optimizer) else TH
    return mod.optim.Adagrad([p for g in o.param_groups for p in g["params"]])


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name):
    out = []
    for lib in (TL, TH):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ERRORS[name](lib.optim.lr_scheduler, _opt(lib))
                out.append(None)
            except Exception as e:  # noqa: BLE001
                out.append((type(e).__name__, str(e)))
    assert out[1] is not None, "torch did not raise"
    assert out[0] == out[1]


def test_schedulers_drive_optimizer_numbers():
    """lr changed by a scheduler between steps changes the update exactly as in torch (no recompilation)."""
    import numpy as np

    def go(lib):
        w = lib.tensor(np.linspace(-1, 1, 6), dtype=lib.float32, requires_grad=True)
        opt = lib.optim.AdamW([w], lr=0.1)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=25)
        for k in range(20):
            w.grad = lib.tensor(np.cos(np.arange(6) + k), dtype=lib.float32)
            opt.step()
            sched.step()
        return w.detach().numpy().copy(), sched.get_last_lr(), opt.param_groups[0]["betas"]
    tl, th = go(TL), go(TH)
    np.testing.assert_allclose(tl[0], th[0], rtol=2e-5, atol=2e-6)
    assert tl[1:] == th[1:]



def test_tensor_lr_is_filled_in_place():
    def go(lib):
        w = lib.ones(2, requires_grad=True)
        lr = lib.tensor(0.1)
        opt = lib.optim.Adam([w], lr=lr)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2, 0.5)
        out = []
        for _ in range(5):
            w.grad = lib.ones(2)
            opt.step()
            sched.step()
            out.append(float(sched.get_last_lr()[0]))
        return out, opt.param_groups[0]["lr"] is lr, float(lr), w.detach().tolist()
    assert go(TL) == go(TH)
