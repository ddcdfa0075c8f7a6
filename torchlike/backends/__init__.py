"""torch.backends: flags tutorials set or query (cudnn.benchmark, mps.is_available ...). XLA picks its own
algorithms, so these flags are recorded but change nothing, except cuda.matmul.allow_tf32 (matmul precision)."""
from __future__ import annotations

from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp  # noqa: F401


def _cuda_available():
    from .. import cuda as c
    return c.is_available()
