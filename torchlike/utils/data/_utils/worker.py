"""torch.utils.data._utils.worker (see torchlike/utils/data/_worker.py)."""
from .._worker import ExceptionWrapper, WorkerInfo, _generate_state, get_worker_info  # noqa: F401
