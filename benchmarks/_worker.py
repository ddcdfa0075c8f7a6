"""One framework's measurements for one section, in a fresh process; prints one line `BENCHJSON {...}`.

    python -m benchmarks._worker {torch|torchlike|jax} {ops|mlp|cnn|first_step} [--device cpu|cuda] [--quick]
                                 [--cache-dir DIR]

PyTorch and JAX never share a process (JAX's threads slow PyTorch down). For `first_step`, TORCHLIKE_CACHE_DIR
(torchlike) or --cache-dir (JAX's own persistent cache) selects the compilation cache.
"""
from __future__ import annotations

import argparse
import json
import sys

from . import _config


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks._worker")
    ap.add_argument("framework", choices=_config.FRAMEWORKS)
    ap.add_argument("section", choices=("ops", "mlp", "cnn", "first_step"))
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--cache-dir")
    a = ap.parse_args(argv)
    cfg = _config.get(a.quick)
    if a.framework == "jax":
        from . import _jaxbench as m
        if a.section == "first_step":
            out = m.first_step(a.device, cfg, a.cache_dir)
        else:
            out = m.SECTIONS[a.section](a.device, cfg)
    else:
        from . import _libbench as m
        out = m.SECTIONS[a.section](a.framework, a.device, cfg)
    sys.stdout.write("BENCHJSON " + json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
