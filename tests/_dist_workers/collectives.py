"""Run in each rank (env RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT set): every collective against a NumPy reference
computed from the ranks' known inputs. Prints 'OK <rank>' when every check passed."""
import pickle
import sys

import numpy as np

import torchlike as torch
import torchlike.distributed as dist


def data(r, shape=(2, 3)):
    return (np.arange(np.prod(shape), dtype=np.float32).reshape(shape) + 10 * r + 1)


def check(name, got, want):
    got = np.asarray(got.tolist() if hasattr(got, "tolist") else got)
    if not np.allclose(got, want):
        raise AssertionError(f"{name}: got {got} want {want}")


def main():
    dist.init_process_group("gloo")
    r, W = dist.get_rank(), dist.get_world_size()
    assert dist.is_initialized() and dist.get_backend() == "gloo"
    allx = np.stack([data(i) for i in range(W)])
    for op, ref in ((dist.ReduceOp.SUM, allx.sum(0)), (dist.ReduceOp.AVG, allx.mean(0)),
                    (dist.ReduceOp.MAX, allx.max(0)), (dist.ReduceOp.MIN, allx.min(0)),
                    (dist.ReduceOp.PRODUCT, allx.prod(0))):
        t = torch.tensor(data(r))
        alias = t.view(-1)
        assert dist.all_reduce(t, op=op) is None
        check(f"all_reduce {op}", t, ref)
        check("all_reduce in place (alias)", alias, ref.reshape(-1))
    ti = torch.tensor([r + 1, 2 * r], dtype=torch.int64)
    dist.all_reduce(ti)
    assert ti.dtype == torch.int64
    check("all_reduce int", ti, [sum(i + 1 for i in range(W)), sum(2 * i for i in range(W))])
    t = torch.tensor(data(r))
    work = dist.all_reduce(t, async_op=True)
    assert work.wait() is True and work.is_completed()
    check("all_reduce async", t, allx.sum(0))
    for src in range(W):
        t = torch.tensor(data(r))
        dist.broadcast(t, src)
        check("broadcast", t, data(src))
    outs = [torch.zeros(2, 3) for _ in range(W)]
    dist.all_gather(outs, torch.tensor(data(r)))
    for i in range(W):
        check("all_gather", outs[i], data(i))
    out = torch.zeros(2 * W, 3)
    dist.all_gather_into_tensor(out, torch.tensor(data(r)))
    check("all_gather_into_tensor", out, allx.reshape(2 * W, 3))
    inputs = [torch.tensor(data(r * W + j)) for j in range(W)]
    out = torch.zeros(2, 3)
    dist.reduce_scatter(out, inputs)
    check("reduce_scatter", out, sum(data(i * W + r) for i in range(W)))
    big = torch.tensor(np.concatenate([data(r * W + j) for j in range(W)]))
    out = torch.zeros(2, 3)
    dist.reduce_scatter_tensor(out, big, op=dist.ReduceOp.MAX)
    check("reduce_scatter_tensor", out, np.max([data(i * W + r) for i in range(W)], 0))
    t = torch.tensor(data(r))
    dist.reduce(t, dst=W - 1)
    check("reduce", t, allx.sum(0) if r == W - 1 else data(r))
    gl = [torch.zeros(2, 3) for _ in range(W)] if r == 0 else None
    dist.gather(torch.tensor(data(r)), gl, dst=0)
    if r == 0:
        for i in range(W):
            check("gather", gl[i], data(i))
    t = torch.zeros(2, 3)
    dist.scatter(t, [torch.tensor(data(100 + i)) for i in range(W)] if r == 1 else None, src=1)
    check("scatter", t, data(100 + r))
    outs = [torch.zeros(2, 3) for _ in range(W)]
    dist.all_to_all(outs, [torch.tensor(data(r * W + j)) for j in range(W)])
    for i in range(W):
        check("all_to_all", outs[i], data(i * W + r))
    # all_to_all_single with uneven splits: rank r sends (j + 1) rows to rank j
    rows = sum(j + 1 for j in range(W))
    inp = torch.tensor(np.arange(rows * 2, dtype=np.float32).reshape(rows, 2) + 1000 * r)
    out = torch.zeros(W * (r + 1), 2)
    dist.all_to_all_single(out, inp, [r + 1] * W, [j + 1 for j in range(W)])
    start = sum(j + 1 for j in range(r))
    want = np.concatenate([np.arange(rows * 2, dtype=np.float32).reshape(rows, 2)[start:start + r + 1] + 1000 * s
                           for s in range(W)])
    check("all_to_all_single", out, want)
    objs = [None] * W
    dist.all_gather_object(objs, {"rank": r, "payload": "x" * (r * 7)})
    assert objs == [{"rank": i, "payload": "x" * (i * 7)} for i in range(W)], objs
    lst = [("hello", 1), [r] * 5, None] if r == 0 else [None, None, None]
    dist.broadcast_object_list(lst, src=0)
    assert lst == [("hello", 1), [0] * 5, None], lst
    # point to point: a ring
    nxt, prv = (r + 1) % W, (r - 1) % W
    if W > 1:
        recv_t = torch.zeros(3, dtype=torch.float64)
        w = dist.irecv(recv_t, src=prv)
        dist.send(torch.tensor([float(r), 2.0 * r, -1.0], dtype=torch.float64), dst=nxt)
        w.wait()
        check("send/recv", recv_t, [prv, 2.0 * prv, -1.0])
    dist.barrier()
    # misuse: PyTorch's errors
    try:
        dist.all_gather([torch.zeros(2, 3)] * (W + 1), torch.zeros(2, 3))
        raise AssertionError("no error")
    except RuntimeError as e:
        assert "invalid output tensor list" in str(e), e
    dist.destroy_process_group()
    assert not dist.is_initialized()
    print("OK", r, flush=True)


if __name__ == "__main__":
    main()
