"""torch.distributed / nn.parallel / multiprocessing / amp / profiler in one process without a process group:
the same answers, types and errors as real PyTorch (CPU build) gives before init_process_group."""
import pickle

import pytest
import torch as TH
import torch.distributed as THD

import torchlike as TL
import torchlike.distributed as TLD


def _outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:          # the exception type and message are part of the comparison
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("name", ["get_rank", "get_world_size", "barrier", "get_backend"])
def test_uninitialised_calls_raise_like_torch(name):
    assert _outcome(getattr(TLD, name)) == _outcome(getattr(THD, name))


@pytest.mark.parametrize("name", ["all_reduce", "broadcast"])
def test_collectives_without_group_raise_like_torch(name):
    args = {"all_reduce": (), "broadcast": (0,)}[name]
    assert _outcome(lambda: getattr(TLD, name)(TL.ones(2), *args)) == \
        _outcome(lambda: getattr(THD, name)(TH.ones(2), *args))
    assert _outcome(lambda: TLD.all_gather([TL.ones(2)], TL.ones(2))) == \
        _outcome(lambda: THD.all_gather([TH.ones(2)], TH.ones(2)))


def test_state_queries_match_torch():
    for n in ("is_available", "is_initialized", "is_torchelastic_launched", "is_mpi_available", "is_nccl_available",
              "is_gloo_available"):
        assert getattr(TLD, n)() == getattr(THD, n)(), n
    assert TLD.group.WORLD is None and TLD.GroupMember.WORLD is None
    assert TLD.GroupMember.NON_GROUP_MEMBER == THD.GroupMember.NON_GROUP_MEMBER
    assert TLD.default_pg_timeout == THD.default_pg_timeout
    from torchlike.distributed.constants import default_pg_timeout
    assert default_pg_timeout == THD.default_pg_timeout


def test_destroy_and_rendezvous_errors_match_torch(monkeypatch):
    for var in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(var, raising=False)
    assert _outcome(TLD.destroy_process_group) == _outcome(THD.destroy_process_group)
    assert _outcome(TLD.init_process_group) == _outcome(THD.init_process_group)
    assert _outcome(lambda: TLD.new_group([0])) == _outcome(lambda: THD.new_group([0]))


def test_init_process_group_without_backend_raises():
    with pytest.raises(RuntimeError, match="doesn't have NCCL built in"):
        TLD.init_process_group("nccl", rank=0, world_size=1, store=TLD.HashStore())
    assert not TLD.is_initialized()


def test_backend_and_reduce_op_match_torch():
    for name in ("gloo", "GLOO", "nccl", "mpi", "foo"):
        assert str(TLD.Backend(name)) == str(THD.Backend(name))
    assert TLD.Backend.GLOO == THD.Backend.GLOO and TLD.Backend.NCCL == "nccl"
    for op in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR", "PREMUL_SUM"):
        a, b = getattr(TLD.ReduceOp, op), getattr(THD.ReduceOp, op)
        assert (repr(a), str(a), int(a)) == (repr(b), str(b), int(b))
    assert TLD.ReduceOp.SUM == TLD.ReduceOp.RedOpType.SUM
    with pytest.warns(FutureWarning, match="reduce_op` is deprecated"):
        assert TLD.reduce_op.SUM == TLD.ReduceOp.SUM


def test_hash_store():
    s = TLD.HashStore()
    s.set("a", "1")
    assert s.get("a") == b"1"
    assert s.add("n", 3) == 3 and s.add("n", 2) == 5
    assert s.check(["a", "n"]) and not s.check(["b"])
    assert s.num_keys() == 2 and s.delete_key("a") and s.num_keys() == 1
    import datetime
    with pytest.raises(TLD.DistStoreError):
        s.wait(["missing"], datetime.timedelta(milliseconds=10))


def test_device_mesh_and_dtensor_need_a_group(monkeypatch):
    for var in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(var, raising=False)
    from torch.distributed.device_mesh import init_device_mesh as th_mesh
    from torchlike.distributed.device_mesh import init_device_mesh as tl_mesh
    assert _outcome(lambda: tl_mesh("cpu", (1,))) == _outcome(lambda: th_mesh("cpu", (1,)))
    from torch.distributed import tensor as tht
    from torchlike.distributed import tensor as tlt
    assert issubclass(tlt.DTensor, TL.Tensor)
    for p in ((tlt.Shard(1), tht.Shard(1)), (tlt.Replicate(), tht.Replicate()), (tlt.Partial(), tht.Partial())):
        assert (repr(p[0]), str(p[0])) == (repr(p[1]), str(p[1]))
    assert not isinstance(TL.ones(1), tlt.DTensor)


def test_ddp_without_group_raises_like_torch():
    assert _outcome(lambda: TL.nn.parallel.DistributedDataParallel(TL.nn.Linear(2, 2))) == \
        _outcome(lambda: TH.nn.parallel.DistributedDataParallel(TH.nn.Linear(2, 2)))
    import torchlike.distributed.fsdp as fsdp
    assert _outcome(lambda: fsdp.FullyShardedDataParallel(TL.nn.Linear(2, 2))) == \
        _outcome(lambda: THD.fsdp.FullyShardedDataParallel(TH.nn.Linear(2, 2)))


def test_data_parallel_without_accelerator_wraps_like_torch():
    TH.manual_seed(0)
    TL.manual_seed(0)
    th, tl = TH.nn.DataParallel(TH.nn.Linear(2, 3)), TL.nn.DataParallel(TL.nn.Linear(2, 3))
    assert tl.device_ids == th.device_ids == []
    assert repr(tl) == repr(th)
    assert list(tl.state_dict()) == list(th.state_dict())
    x = [[1.0, 2.0], [3.0, -1.0]]
    assert TL.nn.DataParallel is TL.nn.parallel.DataParallel
    assert tl(TL.tensor(x)).flatten().tolist() == pytest.approx(th(TH.tensor(x)).flatten().tolist(), rel=1e-6)
    assert _outcome(lambda: TL.nn.parallel.data_parallel(TL.nn.Linear(2, 3), TL.ones(1, 2))) == \
        _outcome(lambda: TH.nn.parallel.data_parallel(TH.nn.Linear(2, 3), TH.ones(1, 2)))


def test_scatter_gather_parallel_apply_on_cpu():
    from torchlike.nn.parallel import gather, parallel_apply, scatter
    x = TL.arange(6.0).reshape(3, 2)
    parts = scatter((x, {"k": 1}), ["cpu", "cpu"])
    assert len(parts) == 2 and parts[0][0].tolist() == [[0.0, 1.0], [2.0, 3.0]] and parts[1][1] == {"k": 1}
    assert gather([TL.ones(1, 2), TL.zeros(2, 2)], "cpu").shape == (3, 2)
    mods = [TL.nn.Linear(2, 1), TL.nn.Linear(2, 1)]
    outs = parallel_apply(mods, [x, x * 2])
    assert [o.shape for o in outs] == [(3, 1), (3, 1)]
    assert outs[1].tolist() == mods[1](x * 2).tolist()


def test_multiprocessing_namespace_matches_torch():
    import torch.multiprocessing as thmp
    import torchlike.multiprocessing as tlmp
    assert set(thmp.__all__) <= set(tlmp.__all__) | {"reductions"}
    for n in ("Process", "Queue", "get_context", "set_start_method", "spawn", "start_processes", "ProcessContext",
              "ProcessRaisedException", "ProcessExitedException", "get_all_sharing_strategies"):
        assert hasattr(tlmp, n), n
    assert tlmp.get_all_sharing_strategies() == thmp.get_all_sharing_strategies()
    assert tlmp.get_sharing_strategy() == thmp.get_sharing_strategy()
    e = tlmp.ProcessExitedException("m", 1, 2, 3, "SIGKILL")
    assert pickle.loads(pickle.dumps(e)).exit_code == 3


def test_start_processes_runs_and_reports_failures(tmp_path):
    import torchlike.multiprocessing as tlmp
    import _mp_children
    tlmp.spawn(_mp_children.write_index, args=(str(tmp_path / "out"),), nprocs=2)
    assert [(tmp_path / f"out.{i}").read_text() for i in range(2)] == ["0", "10"]
    with pytest.raises(tlmp.ProcessRaisedException, match="child one failed"):
        tlmp.start_processes(_mp_children.fail_on_one, nprocs=2, start_method="spawn")


def test_amp_grad_scaler_matches_torch():
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.Linear(3, 1)
        opt = lib.optim.SGD(m.parameters(), lr=0.1)
        scaler = lib.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=2)
        out = []
        for step in range(4):
            opt.zero_grad()
            loss = m(lib.ones(2, 3) * (float("inf") if step == 2 else 1.0)).sum()
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            out.append((scaler.get_scale(), [round(v, 5) for v in m.weight.detach().flatten().tolist()]))
        return out, scaler.state_dict()
    assert run(TL) == run(TH)


def test_amp_disabled_paths_match_torch():
    with pytest.warns(UserWarning, match="CUDA is not available"):
        s = TL.amp.GradScaler()
    assert not s.is_enabled() and s.get_scale() == 1.0 and s.state_dict() == {}
    with TL.autocast("cpu", enabled=False):
        assert not TL.is_autocast_enabled("cpu")
    wrapped = TL.amp.custom_fwd(device_type="cpu")(len)       # a wrapper, as in torch, that calls through
    assert wrapped is not len and wrapped.__wrapped__ is len


def test_profiler_schedule_and_record_function():
    import torch.profiler as thp
    import torchlike.profiler as tlp
    th_s = thp.schedule(wait=1, warmup=1, active=2, repeat=1, skip_first=1)
    tl_s = tlp.schedule(wait=1, warmup=1, active=2, repeat=1, skip_first=1)
    assert [tl_s(i).name for i in range(8)] == [th_s(i).name for i in range(8)]
    assert list(tlp.ProfilerActivity.__members__) == list(thp.ProfilerActivity.__members__)
    def run(lib, prof_mod, n):
        traces = []
        with prof_mod.profile(schedule=prof_mod.schedule(wait=0, warmup=1, active=1),
                              on_trace_ready=lambda p: traces.append([e.name for e in p.events()
                                                                      if e.name == "work"])) as prof:
            for _ in range(n):
                with prof_mod.record_function("work"):
                    lib.ones(2).sum()
                prof.step()
        return traces, [(a.key, a.count) for a in prof.key_averages() if a.key == "work"]
    for n in (2, 3, 4):
        assert run(TL, tlp, n) == run(TH, thp, n), n
    with tlp.profile() as prof:
        with tlp.record_function("work"):
            pass
    assert [(a.key, a.count) for a in prof.key_averages()] == [("work", 1)]
    assert "work" in prof.key_averages().table(sort_by="cpu_time_total")
