import numpy as np
import pytest

from _harness import check, check_grad, make, sample


@pytest.mark.parametrize("layout", ["contig", "transposed", "strided"])
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_add_layouts(layout, dtype):
    a, b = sample((3, 4), dtype, 1), sample((3, 4), dtype, 2)
    check(lambda lib: make(lib, a, dtype, layout) + make(lib, b, dtype, layout))


def test_grad_mul():
    check_grad(lambda lib, x, y: x * y + x.exp(), [(sample((2, 3)), "float64"), (sample((2, 3), seed=3), "float64")])


def test_error_type():
    check(lambda lib: lib.ones(2, 3) @ lib.ones(2, 3))
