"""The API census tool (python -m torchlike.coverage)."""
import io
from contextlib import redirect_stdout

from torchlike import coverage

ISSUE_14 = ("torch", "Tensor", "torch.nn.functional", "torch.nn", "torch.optim", "torch.optim.lr_scheduler",
            "torch.utils.data", "torch.linalg", "torch.fft", "torch.special", "torch.autograd", "torch.func",
            "torch.distributed", "torch.jit", "torch.fx", "torch.amp")


def test_census_namespaces_and_counts():
    census, extra, names = coverage.load()
    assert census == ISSUE_14
    assert set(extra) == {"torch.cuda", "torch.nn.init"}
    rep = coverage.report()
    assert set(rep) == set(census) | set(extra)
    assert sum(len(p) + len(m) for p, m in rep.values()) == len(names)
    present, missing = rep["torch.nn"]
    assert "Linear" in present and "FractionalMaxPool2d" in present and "AdaptiveLogSoftmaxWithLoss" in present
    assert "hann_window" in rep["torch"][0] and "Tensor" in rep["torch.fft"][0]


def test_stub_detection():
    def stub(x):
        """doc"""
        raise NotImplementedError("later")

    def partial(x):
        if x:
            raise NotImplementedError
        return x

    assert coverage._body_is_raise_nie(stub)
    assert not coverage._body_is_raise_nie(partial)
    assert coverage.stubs() == []          # Module.forward / Function.forward are abstract in torch too


def test_gaps_name_torchlike():
    for g in coverage.gaps():
        path, msg = g.split(": ", 1)
        assert path.startswith("torchlike/") and "torchlike" in msg


def test_markdown_page():
    out = io.StringIO()
    with redirect_stdout(out):
        coverage.main(["--markdown"])
    text = out.getvalue()
    assert text.startswith("# API coverage")
    assert "| **census** |" in text and "## Missing names" in text
