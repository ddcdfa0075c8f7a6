"""python -m torchlike script.py [args]: run an unmodified PyTorch script on torchlike."""
from __future__ import annotations

import os
import runpy
import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m torchlike script.py [args ...]\n       python -m torchlike -m module [args ...]",
              file=sys.stderr)
        return 2
    from torchlike import install_as_torch
    install_as_torch()
    if argv[0] == "-m":
        from ._runner import real_module_name
        sys.argv = argv[1:]
        runpy.run_module(real_module_name(argv[1]), run_name="__main__", alter_sys=True)
        return 0
    path = argv[0]
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")
    return 0


def _exit_status(argv=None):
    """main's status; a script failing with SystemExit(non-zero) while in a multi-process group exits at once."""
    try:
        return main(argv)
    except SystemExit as e:
        runtime = sys.modules.get("torchlike.distributed._jax_runtime")
        if e.code not in (0, None) and runtime is not None:
            if not isinstance(e.code, int):
                print(e.code, file=sys.stderr)
            runtime.exit_now(e.code if isinstance(e.code, int) else 1)
        raise


if __name__ == "__main__":
    sys.exit(_exit_status())
