"""torchrun for torchlike: `python -m torchlike.distributed.run --nproc_per_node=N script.py args` (or, under the
drop-in runner, `python -m torchlike -m torch.distributed.run ...`) starts N worker processes on this node, each
running the unmodified script under the drop-in runner (`python -m torchlike script.py`) with torchrun's environment
(RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT, TORCHELASTIC_RUN_ID ...).
init_process_group in the workers joins them through JAX's coordinator at MASTER_ADDR:MASTER_PORT (served by rank
0). Multi-node: run the same command on every node with --nnodes, its --node_rank and a --master_addr reachable
from all nodes. If a worker fails, the others are stopped and the launcher exits non-zero (no elastic restarts).
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import uuid


def _parser():
    p = argparse.ArgumentParser(prog="torchrun", description="torchlike's torchrun: start N processes per node")
    p.add_argument("--nnodes", type=str, default="1")
    p.add_argument("--nproc_per_node", "--nproc-per-node", type=str, default="1")
    p.add_argument("--node_rank", "--node-rank", type=int, default=0)
    p.add_argument("--master_addr", "--master-addr", type=str, default="127.0.0.1")
    p.add_argument("--master_port", "--master-port", type=int, default=29500)
    p.add_argument("--standalone", action="store_true")
    p.add_argument("--rdzv_backend", "--rdzv-backend", type=str, default="static")
    p.add_argument("--rdzv_endpoint", "--rdzv-endpoint", type=str, default="")
    p.add_argument("--rdzv_id", "--rdzv-id", type=str, default="none")
    p.add_argument("--rdzv_conf", "--rdzv-conf", type=str, default="")
    p.add_argument("--max_restarts", "--max-restarts", type=int, default=0)
    p.add_argument("--monitor_interval", "--monitor-interval", type=float, default=0.1)
    p.add_argument("--role", type=str, default="default")
    p.add_argument("--log_dir", "--log-dir", type=str, default=None)
    p.add_argument("-r", "--redirects", type=str, default="0")
    p.add_argument("-t", "--tee", type=str, default="0")
    p.add_argument("-m", "--module", action="store_true", help="run training_script as a Python module")
    p.add_argument("--no_python", "--no-python", action="store_true", help="run training_script as an executable")
    p.add_argument("--run_path", "--run-path", action="store_true")
    p.add_argument("training_script", type=str)
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nproc(value):
    if value in ("auto", "cpu", "gpu", "xpu"):
        return os.cpu_count() or 1 if value == "cpu" else 1
    return int(value)


def config(args):
    """(nnodes, nproc_per_node, node_rank, master_addr, master_port) from torchrun's arguments."""
    nnodes = int(args.nnodes.split(":")[-1])
    addr, port = args.master_addr, args.master_port
    if args.rdzv_endpoint:
        host, _, p = args.rdzv_endpoint.rpartition(":")
        addr, port = (host or p, int(p)) if host else (p, port)
    if args.standalone:
        nnodes, addr, port = 1, "127.0.0.1", _free_port()
    return nnodes, _nproc(args.nproc_per_node), args.node_rank, addr, port


def _command(args):
    if args.no_python:
        return [args.training_script] + args.training_script_args
    if args.module:
        return [sys.executable, "-m", "torchlike", "-m", args.training_script] + args.training_script_args
    return [sys.executable, "-m", "torchlike", args.training_script] + args.training_script_args


def _stop(procs, grace=5.0):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(max(deadline - time.monotonic(), 0.01))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def launch(args):
    nnodes, nproc, node_rank, addr, port = config(args)
    world = nnodes * nproc
    run_id = args.rdzv_id if args.rdzv_id != "none" else uuid.uuid4().hex[:8]
    procs = []
    for local_rank in range(nproc):
        rank = node_rank * nproc + local_rank
        env = dict(os.environ, RANK=str(rank), LOCAL_RANK=str(local_rank), WORLD_SIZE=str(world),
                   LOCAL_WORLD_SIZE=str(nproc), GROUP_RANK=str(node_rank), GROUP_WORLD_SIZE=str(nnodes),
                   ROLE_RANK=str(rank), ROLE_WORLD_SIZE=str(world), ROLE_NAME=args.role, MASTER_ADDR=addr,
                   MASTER_PORT=str(port), TORCHELASTIC_RUN_ID=run_id, TORCHELASTIC_RESTART_COUNT="0",
                   TORCHELASTIC_MAX_RESTARTS=str(args.max_restarts), TORCHELASTIC_USE_AGENT_STORE="False")
        if nproc > 1:
            env.setdefault("OMP_NUM_THREADS", "1")
        procs.append(subprocess.Popen(_command(args), env=env))
    failed = None
    try:
        while failed is None and any(p.poll() is None for p in procs):
            for rank, p in enumerate(procs):
                if p.poll() not in (None, 0):
                    failed = (rank, p.returncode)
                    break
            time.sleep(args.monitor_interval)
        if failed is None:
            failed = next(((r, p.returncode) for r, p in enumerate(procs) if p.returncode != 0), None)
    except KeyboardInterrupt:
        failed = (-1, 130)
    finally:
        _stop(procs)
    if failed is not None:
        local_rank, code = failed
        print(f"torchrun (torchlike): local_rank {local_rank} (rank {node_rank * nproc + local_rank}) failed "
              f"with exit code {code}; the other workers were stopped", file=sys.stderr)
        return 1
    return 0


def main(argv=None):
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    return launch(args)


if __name__ == "__main__":
    sys.exit(main())
