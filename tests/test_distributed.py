"""torch.distributed on JAX's distributed runtime: 2 (and 4) processes on 127.0.0.1 run every collective against a
NumPy reference (_dist_workers/collectives.py), DDP training matches one process on the concatenated batch
(_dist_workers/ddp.py), the launcher propagates a failing rank without hanging, and examples/ddp_mlp.py runs under
it. Every subprocess runs under a timeout."""
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

import torchlike as torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKERS = os.path.join(ROOT, "tests", "_dist_workers")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spawn(world, script, *args, timeout=240):
    """Start `world` ranks of `script` with torchrun's environment; returns [(returncode, output)] per rank."""
    port = _free_port()
    procs = []
    for rank in range(world):
        env = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank),
                   WORLD_SIZE=str(world), LOCAL_RANK=str(rank), PYTHONPATH=ROOT)
        procs.append(subprocess.Popen([sys.executable, os.path.join(WORKERS, script), *args], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    results = []
    try:
        for p in procs:
            out, _ = p.communicate(timeout=timeout)
            results.append((p.returncode, out))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return results


def _assert_ok(results):
    for rank, (code, out) in enumerate(results):
        assert code == 0 and f"OK {rank}" in out, out[-3000:]


@pytest.mark.slow
def test_collectives_two_ranks():
    _assert_ok(_spawn(2, "collectives.py"))


@pytest.mark.slow
def test_collectives_four_ranks():
    _assert_ok(_spawn(4, "collectives.py"))


def _single_process_reference():
    sys.path.insert(0, WORKERS)
    try:
        import ddp as worker
    finally:
        sys.path.remove(WORKERS)
    model = worker.make_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for x, y in worker.batches():
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(torch.tensor(x)), torch.tensor(y)).backward()
        opt.step()
    return model.state_dict()


@pytest.mark.slow
def test_ddp_matches_one_process_on_the_whole_batch(tmp_path):
    path = str(tmp_path / "ddp.pt")
    _assert_ok(_spawn(2, "ddp.py", path))
    got = torch.load(path)
    want = _single_process_reference()
    assert list(got) == list(want)
    for k in want:
        np.testing.assert_allclose(got[k].numpy(), want[k].numpy(), rtol=1e-5, atol=1e-6)


def _launch(*args, timeout=240):
    return subprocess.run([sys.executable, "-m", "torchlike.distributed.run", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))


@pytest.mark.slow
def test_launcher_stops_everyone_when_a_rank_fails(tmp_path):
    script = tmp_path / "fail.py"
    script.write_text("import torch, torch.distributed as dist\n"
                      "dist.init_process_group('gloo')\n"
                      "if dist.get_rank() == 1:\n"
                      "    raise ValueError('rank 1 fails')\n"
                      "t = torch.ones(2)\n"
                      "dist.all_reduce(t)\n"          # rank 1 never joins: the launcher must stop rank 0
                      "print('unreachable')\n")
    r = _launch("--standalone", "--nproc_per_node=2", str(script))
    assert r.returncode != 0
    assert "rank 1 fails" in r.stderr and "failed with exit code 1" in r.stderr
    assert "unreachable" not in r.stdout


@pytest.mark.slow
def test_ddp_example_under_the_launcher_and_the_torchrun_alias(tmp_path):
    out = str(tmp_path / "ddp_mlp.pt")
    r = subprocess.run([sys.executable, "-m", "torchlike", "-m", "torch.distributed.run", "--standalone",
                        "--nproc-per-node", "2", "examples/ddp_mlp.py", "--epochs", "2", "--out", out],
                       capture_output=True, text=True, timeout=300, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))
    assert r.returncode == 0, r.stderr[-3000:]
    losses = [float(line.split()[3]) for line in r.stdout.splitlines() if line.startswith("epoch")]
    assert len(losses) == 2 and losses[1] < losses[0]
    assert "ranks: 2" in r.stdout
    state = torch.load(out)
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_launcher_environment(tmp_path):
    from torchlike.distributed import run
    args = run._parser().parse_args(["--nnodes=2", "--node-rank=1", "--nproc_per_node=3", "--master_addr=10.0.0.1",
                                     "--master_port=1234", "train.py", "--lr", "0.1"])
    assert run.config(args) == (2, 3, 1, "10.0.0.1", 1234)
    assert run._command(args)[1:] == ["-m", "torchlike", "train.py", "--lr", "0.1"]
    args = run._parser().parse_args(["--standalone", "--nproc-per-node=2", "-m", "pkg.train"])
    nnodes, nproc, node_rank, addr, port = run.config(args)
    assert (nnodes, nproc, node_rank, addr) == (1, 2, 0, "127.0.0.1") and port > 0
    assert run._command(args)[1:] == ["-m", "torchlike", "-m", "pkg.train"]
    from torchlike._runner import real_module_name
    assert real_module_name("torch.distributed.run") == "torchlike.distributed.run"
    assert real_module_name("torchrun") == "torchlike.distributed.run"
    assert real_module_name("mypkg.train") == "mypkg.train"
    script = tmp_path / "env.py"
    script.write_text("import os\nprint({k: os.environ[k] for k in ('RANK', 'LOCAL_RANK', 'WORLD_SIZE', "
                      "'LOCAL_WORLD_SIZE', 'GROUP_RANK', 'TORCHELASTIC_RUN_ID')})\n"
                      "import torch.distributed as dist\nprint('elastic', dist.is_torchelastic_launched())\n")
    r = _launch("--nproc_per_node=2", "--master_port", str(_free_port()), "--no-python", sys.executable,
                str(script), timeout=120)
    assert r.returncode == 0, r.stderr
    lines = sorted(r.stdout.splitlines())
    assert "'RANK': '0'" in r.stdout and "'RANK': '1'" in r.stdout and "'WORLD_SIZE': '2'" in r.stdout
    assert lines.count("elastic True") == 2          # TORCHELASTIC_RUN_ID is set for every worker


def test_single_process_group_with_a_hash_store():
    import torchlike.distributed as dist
    code = ("import torchlike as torch, torchlike.distributed as dist\n"
            "dist.init_process_group('gloo', rank=0, world_size=1, store=dist.HashStore())\n"
            "t = torch.tensor([1.0, 2.0]); dist.all_reduce(t, op=dist.ReduceOp.AVG)\n"
            "out = [torch.zeros(2)]; dist.all_gather(out, t)\n"
            "objs = [None]; dist.all_gather_object(objs, {'a': 1})\n"
            "w = dist.broadcast(t, 0, async_op=True); assert w.wait() and w.is_completed()\n"
            "print(t.tolist(), out[0].tolist(), objs, dist.get_backend(), dist.get_world_size())\n"
            "try:\n    dist.broadcast(t, 1)\nexcept RuntimeError as e:\n    print(e)\n"
            "dist.destroy_process_group(); print(dist.is_initialized())\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=ROOT))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["[1.0, 2.0] [1.0, 2.0] [{'a': 1}] gloo 1",
                                     "ProcessGroupGloo::broadcast: invalid root rank: 1", "False"]
    assert dist.is_gloo_available()


def test_distributed_sampler_partition_matches_torch():
    import torch as TH
    from torchlike.utils.data.distributed import DistributedSampler as TLS
    from torch.utils.data.distributed import DistributedSampler as THS
    for n, replicas, drop_last, shuffle in ((10, 3, False, True), (10, 3, True, True), (7, 2, False, False),
                                            (2, 4, False, True)):
        for rank in range(replicas):
            a = TLS(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=5, drop_last=drop_last)
            b = THS(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=5, drop_last=drop_last)
            for epoch in (0, 1, 7):
                a.set_epoch(epoch)
                b.set_epoch(epoch)
                assert list(a) == list(b) and len(a) == len(b)
    assert TH is not None


def test_queue_callback_runs_after_backward():
    from torchlike.autograd import _engine
    order = []
    w = torch.ones(2, requires_grad=True)
    w.register_post_accumulate_grad_hook(lambda p: (order.append("hook"),
                                                    _engine.queue_callback(lambda: order.append("end"))))
    (w * 3).sum().backward()
    assert order == ["hook", "end"]
    with pytest.raises(RuntimeError, match="Final callbacks can only be installed during backward pass"):
        _engine.queue_callback(lambda: None)
