"""Storage model: whole tensors cost nothing extra, views alias, writes bump the version counter."""
import numpy as np

import torchlike as torch


def test_whole_tensor_value_is_the_storage_array():
    x = torch.ones(3, 4)
    assert x._value() is x._storage._data          # no reshape / gather on the hot path
    y = x + 1
    assert y._value() is y._storage._data


def test_views_share_storage_and_see_writes():
    x = torch.arange(12.0).reshape(3, 4)
    v1 = x[1]
    v2 = x.t()
    v3 = x.view(-1)[2:8:2]
    assert v1._storage is x._storage is v2._storage is v3._storage
    x.add_(100)
    assert v1.tolist() == [104.0, 105.0, 106.0, 107.0]
    v2[0, 2] = -1.0
    assert x[2, 0].item() == -1.0
    v3.zero_()
    assert x.view(-1)[2:8].tolist() == [0.0, 103.0, 0.0, 105.0, 0.0, 107.0]


def test_version_counter():
    x = torch.zeros(3)
    v = x[1:]
    before = x._version
    v.fill_(2)
    assert x._version == v._version == before + 1
    x[0] = 1
    assert x._version == before + 2


def test_numpy_mode_storage():
    x = torch.zeros(2, 3)
    a = x.numpy()
    assert x._storage._np is not None
    a[1, 2] = 5
    assert x[1, 2].item() == 5.0 and (x + 1)[1, 2].item() == 6.0
    x[0].fill_(7)
    assert a[0].tolist() == [7.0, 7.0, 7.0]
    n = np.arange(6.0)[::2]
    t = torch.from_numpy(n)
    assert t.stride() == (2,)
    t[1] = -1
    assert n.tolist() == [0.0, -1.0, 4.0]
