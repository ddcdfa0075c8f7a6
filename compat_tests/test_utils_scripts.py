"""torch.utils / nn.utils / optim / autograd extras, differentially: each script in utils_scripts/ runs against
real PyTorch and against torchlike (LIB names the library) and must print exactly the same lines."""
from __future__ import annotations

import contextlib
import io
import pathlib
import warnings

import pytest

HERE = pathlib.Path(__file__).parent / "utils_scripts"
SCRIPTS = {
    "pyt": "torch.utils._pytree: flatten/unflatten/map, TreeSpec repr, key paths, dumps/loads, registration",
    "ck": "torch.utils.checkpoint: both variants, grads equal to the plain run, dropout RNG, kwargs, double backward",
    "swa": "optim.swa_utils: AveragedModel (SWA, EMA), SWALR schedule, update_bn",
    "prune": "nn.utils.prune masks (l1, ln_structured, containers, global, custom, remove) and nn.utils.fusion",
    "fad": "autograd.forward_ad: dual tensors through ops, views, cat, Linear, softmax",
    "flop": "utils.flop_counter.FlopCounterMode: mm/addmm/bmm/baddbmm/matmul/conv counts, backward, per module",
}


def _run(name, lib):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile((HERE / f"{name}.py").read_text(), f"{name}.py", "exec"), {"LIB": lib, "__name__": "s"})
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_output_as_torch(name):
    expected = _run(name, "torch")
    got = _run(name, "torchlike")
    assert expected.strip(), "the script printed nothing"
    assert got == expected
