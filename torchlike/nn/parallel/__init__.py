"""torch.nn.parallel: DataParallel (on a machine without accelerators it just wraps the module, as in PyTorch),
DistributedDataParallel (needs an initialised process group), and the scatter/gather/parallel_apply helpers."""
from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel
from .parallel_apply import parallel_apply
from .replicate import replicate
from .scatter_gather import gather, scatter

__all__ = ["replicate", "scatter", "parallel_apply", "gather", "data_parallel", "DataParallel",
           "DistributedDataParallel"]
