"""The differential fuzzer (tools/fuzz.py) as a test: a fixed seed, a bounded number of random cases (ops of the
table with random dtypes, layouts, 0-d/empty/broadcast shapes, scalars, in-place/out= variants and bad inputs) must
agree with PyTorch in at least 99% of cases, exception types included. Each case replays alone:
`python tools/fuzz.py --seed S --replay I`."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))

import fuzz  # noqa: E402


def _run(cases, seed):
    agreed, total, bad = fuzz.fuzz(cases, seed)
    lines = [f"{c.describe() if c else ''}\n    {kind}: {detail}" for c, kind, detail in bad]
    return agreed / total, "\n".join(lines)


def test_cases_replay_identically():
    a, b = fuzz.Case(7, 11), fuzz.Case(7, 11)
    assert a.describe() == b.describe()
    assert fuzz.Case(7, 12).describe() != a.describe()


def test_fuzzer_detects_a_disagreement(monkeypatch):
    """The comparison is not vacuous: a wrong result, a wrong exception type and a missing error are caught."""
    case = fuzz.Case(0, 0)
    case.call = lambda lib, *a: lib.tensor([1.0, 2.0]) * (2 if lib is fuzz.TL else 1)
    case.args, case.kwargs = [], {}
    assert fuzz.run_case(case)[0] == "value"

    def wrong_type(lib):
        raise (ValueError if lib is fuzz.TL else RuntimeError)("x")
    case.call = wrong_type
    assert fuzz.run_case(case)[0] == "exception-type"

    def missing(lib):
        if lib is fuzz.TH:
            raise RuntimeError("torch refuses")
        return 1
    case.call = missing
    assert fuzz.run_case(case)[0] == "missing-error"


# The target is 99% (exception types included). Measured at the end of the 2026-12-07 session: 99.0% on this
# 300-case seed, >= 99% on the 3000-case seed below, 98.5-99.1% on fresh seeds (1000-2000 cases); the groups left are
# listed in that session's closing note. FLOOR guards the default tier against regressions.
FLOOR = 0.98
TARGET = 0.99


def test_fuzz_agreement():
    rate, details = _run(300, 13)
    assert rate >= FLOOR, f"agreement {rate:.2%}:\n{details}"


@pytest.mark.slow
def test_fuzz_agreement_large():
    rate, details = _run(3000, 0)
    assert rate >= TARGET, f"agreement {rate:.2%}:\n{details}"
