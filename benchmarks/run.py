"""Measure torchlike (eager and compiled) against PyTorch eager and hand-written JAX/optax; write a Markdown table.

    python -m benchmarks [--quick] [--only ops,mlp,cnn,startup] [--device cpu|cuda] [--rounds N] [--out FILE]
    python benchmarks/run.py ...            (the same)

Sections: (a) `ops`: per-op eager overhead; (b) `mlp`: 784-128-64-10 MLP training step; (c) `cnn`: CIFAR10-shaped
CNN training step; (d) `startup`: import time and the first MLP step of a fresh process, cold and warm compilation
cache. Every measurement runs in a fresh subprocess per framework (benchmarks/_worker.py), frameworks alternating
round by round; the table (default docs/benchmarks.md) holds medians. Exits 1 when any value is missing.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

if not __package__:                      # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import _config, _machine, _table  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "docs", "benchmarks.md")
WORKER_TIMEOUT_S = 900
IMPORT_STMT = {"torch": "import torch", "torchlike": "import torchlike", "jax": "import jax, optax"}


class Runner:
    def __init__(self, args):
        self.args = args
        self.cfg = _config.get(args.quick)
        self.results = {}                # row key -> column -> [values]
        self.devices = {}                # framework -> {device names}
        self.failures = []

    # -- subprocesses -----------------------------------------------------------------------------------------
    def _env(self, extra=None):
        env = dict(os.environ)
        if self.args.device == "cpu":
            env["JAX_PLATFORMS"] = "cpu"
        env.update(extra or {})
        return env

    def _run(self, what, cmd, extra_env=None):
        """(stdout, spawn wall-clock time) of a child process, or (None, t) after recording its failure."""
        t_spawn = time.time()
        t0 = time.perf_counter()
        try:
            p = subprocess.run(cmd, cwd=ROOT, env=self._env(extra_env), capture_output=True, text=True,
                               timeout=WORKER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.failures.append(f"{what}: timed out after {WORKER_TIMEOUT_S} s")
            return None, t_spawn
        print(f"  {what}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        if p.returncode != 0:
            tail = " | ".join((p.stderr or p.stdout).strip().splitlines()[-3:])
            self.failures.append(f"{what}: exit code {p.returncode}: {tail}")
            return None, t_spawn
        return p.stdout, t_spawn

    def worker(self, fw, section, cache_dir=None):
        cmd = [sys.executable, "-m", "benchmarks._worker", fw, section, "--device", self.args.device]
        cmd += ["--quick"] if self.args.quick else []
        env = None
        if cache_dir is not None:
            env = {"TORCHLIKE_CACHE_DIR": cache_dir}
            cmd += ["--cache-dir", cache_dir] if fw == "jax" else []
        out, t_spawn = self._run(f"{fw} {section}", cmd, env)
        if out is None:
            return None, t_spawn
        for line in reversed(out.splitlines()):
            if line.startswith("BENCHJSON "):
                data = json.loads(line[len("BENCHJSON "):])
                self.devices.setdefault(fw, set()).add(data.get("device", "?"))
                return data, t_spawn
        self.failures.append(f"{fw} {section}: no BENCHJSON line in its output")
        return None, t_spawn

    def add(self, key, col, value):
        self.results.setdefault(key, {}).setdefault(col, []).append(float("nan") if value is None else value)

    @staticmethod
    def order(r):
        fws = _config.FRAMEWORKS
        return fws[r % len(fws):] + fws[:r % len(fws)]

    # -- sections ---------------------------------------------------------------------------------------------
    def timed_section(self, section):
        rounds = self.args.rounds or self.cfg.rounds
        for r in range(rounds):
            print(f"[{section}] round {r + 1}/{rounds}", file=sys.stderr, flush=True)
            for fw in self.order(r):
                data, _ = self.worker(fw, section)
                if data is not None:
                    for col, vals in data["results"].items():
                        for key, v in vals.items():
                            self.add(key, col, v)

    def import_time(self, fw):
        stmt = IMPORT_STMT[fw]
        code = f"import time;t=time.perf_counter();{stmt};print(time.perf_counter()-t)"
        out, _ = self._run(f"{fw} import", [sys.executable, "-c", code])
        v = float(out.strip().splitlines()[-1]) if out else None
        for col in (("tl_eager", "tl_compiled") if fw == "torchlike" else (fw,)):
            self.add("startup.import", col, v)

    def startup(self):
        rounds = self.args.rounds or self.cfg.startup_rounds
        for r in range(rounds):
            print(f"[startup] round {r + 1}/{rounds}", file=sys.stderr, flush=True)
            for fw in self.order(r):
                col = "tl_compiled" if fw == "torchlike" else fw
                for _ in range(self.cfg.import_runs):
                    self.import_time(fw)
                cache = tempfile.mkdtemp(prefix=f"bench-cache-{fw}-")
                try:
                    for phase in ("cold", "warm"):
                        data, t_spawn = self.worker(fw, "first_step", cache_dir=cache)
                        steps = data["steps"] if data else [None, None]
                        self.add(f"startup.first.{phase}", col, steps[0])
                        self.add(f"startup.second.{phase}", col, steps[1] if len(steps) > 1 else None)
                        self.add(f"startup.proc.{phase}", col, data["first_done"] - t_spawn if data else None)
                finally:
                    shutil.rmtree(cache, ignore_errors=True)

    def run(self, sections):
        for s in sections:
            if s == "startup":
                self.startup()
            else:
                self.timed_section(s)


def _document(runner, sections, command, started, load0, elapsed):
    table, missing = _table.render(runner.results, sections)
    a, cfg = runner.args, runner.cfg
    dev = "; ".join(f"{fw}: {', '.join(sorted(d))}" for fw, d in sorted(runner.devices.items()))
    lines = ["# torchlike benchmarks", "",
             f"Generated {started:%Y-%m-%d %H:%M} by `{command}` ({elapsed / 60:.1f} min). "
             "Regenerate with `python -m benchmarks`.", ""]
    lines += [f"- **{k}**: {v}" for k, v in _machine.describe()]
    lines += [f"- **Device**: `--device {a.device}` ({dev or 'no worker reported'})"
              + ("; PyTorch stays on the CPU" if a.device == "cuda" else ""),
              f"- **Load average** (1/5/15 min) at start: {load0}; at end: {_machine.load()}"
              " (other processes on the machine make the numbers noisier)", ""]
    lines += ["All values are **medians**. Ratios are computed from the medians in the row; `—` means not measured "
              "for that column, `MISSING` means a measurement failed.", "", table, "", "## Method", ""]
    rounds = a.rounds or cfg.rounds
    lines += [
        f"- Each framework runs in its own fresh subprocess (`python -m benchmarks._worker FRAMEWORK SECTION`), so "
        f"PyTorch never shares a process with JAX; rounds alternate the order of torch, torchlike and JAX. "
        f"PyTorch uses `torch.set_num_threads(os.cpu_count())`; with `--device cpu`, JAX runs with "
        f"`JAX_PLATFORMS=cpu`. PyTorch's intra-op threads are very sensitive to other load on the cores (a busy "
        f"machine can make its multi-threaded kernels many times slower): see the load average above.",
        f"- (a) per op: {cfg.op_warmup} warm-up calls, then {cfg.op_repeats} loops of {cfg.op_calls} calls, "
        f"waiting only for the last result (`t._value().block_until_ready()` for torchlike); median time per call "
        f"per process, then the median over {rounds} rounds. The JAX column calls a `jax.jit`-ed single op.",
        f"- (b), (c): `opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); opt.step()`, each step "
        f"waited for; after warm-up (compilation excluded), the median over {cfg.mlp_repeats} (MLP) / "
        f"{cfg.cnn_repeats} (CNN) steps per process, then the median over {rounds} rounds. torchlike compiled is "
        f"`torchlike.compile(step)`. JAX is one `jax.jit` of `value_and_grad` + optax update with the parameters and optimizer "
        f"state donated (as torchlike donates them), all float32, "
        f"`jax_default_matmul_precision='{_config.JAX_MATMUL_PRECISION}'` like torchlike; the CNN uses "
        f"`lax.conv_general_dilated` (NCHW) and max-pooling as the max of 4 strided slices.",
        f"- (d): import times are fresh `python -c \"import time;t=time.perf_counter();import X;...\"` processes "
        f"(X = torch, torchlike, `jax, optax`). First-step processes import the library, build the MLP (batch 64, "
        f"SGD) and time their first steps; \"process start\" is from just before spawning the process to the first "
        f"step's finished result. Cold: an empty compilation cache (a fresh `TORCHLIKE_CACHE_DIR`; for JAX a fresh "
        f"`jax_compilation_cache_dir` with min compile time {_config.JAX_CACHE_MIN_COMPILE_S} s and min entry size "
        f"{_config.JAX_CACHE_MIN_ENTRY_BYTES} B, torchlike's own settings); warm: a second process on the same "
        f"folder. PyTorch has no compilation cache: its cold and warm are two fresh processes. torchlike.compile "
        f"traces and compiles on the first call (SGD without momentum keeps no state, so the second call reuses "
        f"that program). Medians over "
        f"{a.rounds or cfg.startup_rounds} rounds ({cfg.import_runs} import processes per round).",
        "- Targets (issue 6): eager per-op / PyTorch <= 3; eager MLP step / PyTorch <= 1.0; compiled MLP and CNN step"
        " / hand-written JAX <= 1.05; compiled MLP / PyTorch <= 0.7; compiled CNN / PyTorch <= 1.0; import "
        "torchlike < import torch; first compiled step < 0.5 s cold, < 0.15 s warm."]
    problems = [f"- missing: {m}" for m in missing] + [f"- failed: {f}" for f in runner.failures]
    if problems:
        lines += ["", "## Problems", ""] + problems
    return "\n".join(lines) + "\n", bool(missing or runner.failures)


def main(argv=None, prog="python -m benchmarks"):
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="few repeats and one round (for the test)")
    ap.add_argument("--only", default=",".join(_config.SECTIONS),
                    help="comma-separated sections: " + ",".join(_config.SECTIONS))
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                    help="where torchlike and JAX run (PyTorch always runs on the CPU)")
    ap.add_argument("--rounds", type=int, default=0,
                    help="alternating rounds per section (default 5, startup 3; --quick 1)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="Markdown file to write (default docs/benchmarks.md)")
    argv = sys.argv[1:] if argv is None else list(argv)
    a = ap.parse_args(argv)
    sections = [s.strip() for s in a.only.split(",") if s.strip()]
    bad = [s for s in sections if s not in _config.SECTIONS]
    if bad:
        ap.error(f"unknown section(s) {', '.join(bad)}; choose from {', '.join(_config.SECTIONS)}")
    started, load0, t0 = datetime.datetime.now(), _machine.load(), time.perf_counter()
    runner = Runner(a)
    runner.run(sections)
    command = " ".join([prog] + argv)
    doc, bad_result = _document(runner, sections, command, started, load0, time.perf_counter() - t0)
    out = os.path.abspath(a.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write(doc)
    print(doc)
    print(f"wrote {out}" + ("; some results are MISSING" if bad_result else ""), file=sys.stderr)
    return 1 if bad_result else 0


if __name__ == "__main__":
    sys.exit(main(prog="python benchmarks/run.py"))
