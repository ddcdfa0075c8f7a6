"""torch.utils.data._utils.fetch (see torchlike/utils/data/_fetch.py)."""
from .._fetch import _IterableDatasetFetcher, _MapDatasetFetcher  # noqa: F401
