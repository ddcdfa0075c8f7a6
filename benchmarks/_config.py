"""How much to measure: the default run (about 4-5 minutes on a 2-core machine) and --quick (for the test)."""
from __future__ import annotations

import types

DEFAULT = types.SimpleNamespace(
    rounds=5,                                   # alternating rounds per section (torch, torchlike, jax each round)
    op_calls=400, op_repeats=15, op_warmup=50,  # (a) per-op: calls per timed loop, loops, warm-up calls
    mlp_repeats=200, mlp_warmup=20,             # (b) MLP steps timed one by one
    cnn_repeats=20, cnn_warmup=4,               # (c) CNN steps
    startup_rounds=3, import_runs=2,            # (d) fresh processes: rounds; import-only processes per round
    startup_steps=3,                            # steps timed in each first-step process
)

QUICK = types.SimpleNamespace(
    rounds=1,
    op_calls=20, op_repeats=2, op_warmup=3,
    mlp_repeats=3, mlp_warmup=2,
    cnn_repeats=2, cnn_warmup=2,
    startup_rounds=1, import_runs=1,
    startup_steps=2,
)

SECTIONS = ("ops", "mlp", "cnn", "startup")
FRAMEWORKS = ("torch", "torchlike", "jax")
OPS = ("add", "matmul", "relu", "sum")
OP_SIZES = (64, 8)
MLP_BATCHES = (64, 256)
OPTIMIZERS = ("sgd", "adam")
SGD_LR, ADAM_LR = 0.01, 1e-3
CNN_BATCH = 64

# Hand-written JAX mirrors torchlike's own JAX settings (torchlike/__init__.py): the persistent compilation cache
# keeps entries that took at least this long to compile, and float32 matmuls/convolutions run at full precision.
JAX_CACHE_MIN_COMPILE_S = 0.05
JAX_CACHE_MIN_ENTRY_BYTES = 0
JAX_MATMUL_PRECISION = "highest"


def get(quick):
    return QUICK if quick else DEFAULT
