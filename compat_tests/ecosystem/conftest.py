"""The ecosystem tier: real libraries (pinned in requirements.txt, installed by `python -m compat_tests.ecosystem.install`
or .ci/run) run an unmodified PyTorch program under real PyTorch and under `python -m torchlike`; the printed results
must agree. Every test here is marked `ecosystem` (deselected by default; `pytest -m ecosystem` runs them)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.ecosystem)
