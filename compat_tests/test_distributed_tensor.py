"""torch.distributed's DTensor placements, functional collectives, FSDP2 policies and the rpc package, in one process
without a process group: the same values, printed forms, hashes and errors as real PyTorch (CPU build)."""
import pytest
import torch as TH
import torch.distributed._functional_collectives as THF
from torch.distributed.tensor import placement_types as THP

import torchlike as TL
import torchlike.distributed._functional_collectives as TLF
from torchlike.distributed.tensor import placement_types as TLP


def _outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:
        return (type(e).__name__, str(e))


def _placements(P):
    return [P.Shard(0), P.Shard(dim=2), P.Shard(-1), P._StridedShard(0, split_factor=2), P._StridedShard(1, sf=3),
            P.Replicate(), P.Partial(), P.Partial("avg"), P.Partial("max")]


def test_placements_print_compare_and_hash_like_torch():
    tl, th = _placements(TLP), _placements(THP)
    for a, b in zip(tl, th):
        assert (repr(a), str(a), hash(a), a.dim if hasattr(b, "dim") else None) == \
               (repr(b), str(b), hash(b), b.dim if hasattr(b, "dim") else None)
        assert [a.is_shard(), a.is_shard(0), a.is_replicate(), a.is_partial(), a.is_partial("sum")] == \
               [b.is_shard(), b.is_shard(0), b.is_replicate(), b.is_partial(), b.is_partial("sum")]
    assert [[x == y for y in tl] for x in tl] == [[x == y for y in th] for x in th]
    assert isinstance(TLP.Shard(0), TLP.Placement) and not isinstance(TLP._StridedShard(0), TLP.Shard)
    assert TLP._Partial is TLP.Partial and TLP.Partial().reduce_op == "sum"
    assert _outcome(lambda: setattr(TLP.Shard(0), "dim", 1))[0] == _outcome(lambda: setattr(THP.Shard(0), "dim", 1))[0]
    assert _outcome(lambda: TLP._StridedShard(0, split_factor=2, sf=3)) == \
        _outcome(lambda: THP._StridedShard(0, split_factor=2, sf=3))
    from torchlike.distributed.tensor import Shard, Replicate, Partial, Placement
    assert Shard is TLP.Shard and Replicate is TLP.Replicate and Partial is TLP.Partial and Placement is TLP.Placement


@pytest.mark.parametrize("size,chunks", [(10, 3), (12, 4), (3, 5), (0, 2), (7, 7), (17, 4)])
def test_shard_arithmetic_matches_torch(size, chunks):
    from torch.distributed.tensor.placement_types import _StridedShardOffsetMode as THMode
    for rank in range(chunks):
        assert TLP.Shard.local_shard_size_and_offset(size, chunks, rank) == \
            tuple(int(v) for v in THP.Shard.local_shard_size_and_offset(size, chunks, rank))
        assert TLP.Shard(0)._local_shard_size_and_offset(size, chunks, rank) == \
            tuple(int(v) for v in THP.Shard(0)._local_shard_size_and_offset(size, chunks, rank))
        for sf in (1, 2, 3):
            for mode in range(3):
                assert TLP._StridedShard(0, split_factor=sf).local_shard_size_and_offset(size, chunks, rank, mode) \
                    == THP._StridedShard(0, split_factor=sf).local_shard_size_and_offset(size, chunks, rank,
                                                                                         THMode(mode))


def test_functional_collectives_resolve_groups_like_torch():
    x, y = TL.ones(3), TH.ones(3)
    assert TLF.wait_tensor(x) is x and THF.wait_tensor(y) is y
    calls = [("all_reduce", ("sum", None)), ("all_reduce", ("sum", "pg0")), ("broadcast", (0, 3.5)),
             ("all_reduce", ("sum", (1, 2))),
             ("all_gather_tensor", (0, None)), ("reduce_scatter_tensor", ("sum", 0, None)),
             ("all_to_all_single", (None, None, None)), ("all_to_all_single_autograd", (None, None, None)),
             ("all_gather_tensor_autograd", (0, None))]
    for name, args in calls:
        assert _outcome(lambda: getattr(TLF, name)(x, *args)) == _outcome(lambda: getattr(THF, name)(y, *args)), name


def test_functional_collectives_use_the_default_group_machinery():
    """A group given as ranks needs the default process group: PyTorch's ValueError before init_process_group."""
    with pytest.warns(FutureWarning, match="ranks \\+ tag"):
        err = _outcome(lambda: TLF.all_reduce(TL.ones(2), "sum", [0]))
    assert err[0] == "ValueError" and "init_process_group" in err[1]


def test_fsdp2_policies_and_paths_match_torch():
    import torch.distributed.fsdp as THS

    import torchlike.distributed.fsdp as TLS
    from torchlike.distributed._composable.fsdp import fully_shard as composable_fully_shard
    assert composable_fully_shard is TLS.fully_shard
    for name, kw in [("MixedPrecisionPolicy", {}), ("MixedPrecisionPolicy", {"cast_forward_inputs": False}),
                     ("OffloadPolicy", {}), ("CPUOffloadPolicy", {}), ("CPUOffloadPolicy", {"pin_memory": False})]:
        assert repr(getattr(TLS, name)(**kw)) == repr(getattr(THS, name)(**kw))
    assert TLS.MixedPrecisionPolicy(param_dtype=TL.bfloat16).param_dtype is TL.bfloat16
    assert _outcome(lambda: setattr(TLS.MixedPrecisionPolicy(), "param_dtype", None))[0] == "FrozenInstanceError"
    assert issubclass(TLS.CPUOffloadPolicy, TLS.OffloadPolicy)
    assert _outcome(TLS.DataParallelMeshDims) == _outcome(THS.DataParallelMeshDims)
    d, e = TLS.DataParallelMeshDims(shard="dp", replicate=("a", "b")), THS.DataParallelMeshDims(shard="dp",
                                                                                               replicate=("a", "b"))
    assert (d.shard_names, d.replicate_names) == (e.shard_names, e.replicate_names)
    lin = TL.nn.Linear(2, 2)
    assert TLS.register_fsdp_forward_method(lin, "forward") is None and not isinstance(lin, TLS.FSDPModule)
    assert TLS.fully_shard.__module__ == THS.fully_shard.__module__ == "torch.distributed.fsdp"


def test_fully_shard_without_group_raises_like_torch(monkeypatch):
    import torch.distributed.fsdp as THS

    import torchlike.distributed.fsdp as TLS
    for var in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(var, raising=False)
    assert _outcome(lambda: TLS.fully_shard(TL.nn.Linear(2, 2))) == \
        _outcome(lambda: THS.fully_shard(TH.nn.Linear(2, 2)))


def test_rpc_is_absent_like_a_build_without_it():
    from torchlike.distributed import rpc
    assert rpc.is_available() is False and rpc.__all__ == ["is_available"] and not hasattr(rpc, "api")
