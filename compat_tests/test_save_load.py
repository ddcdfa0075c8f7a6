"""torch.save / torch.load: files move both ways between torchlike and real PyTorch, bit for bit."""
from __future__ import annotations

import collections
import io
import pickle
import zipfile

import numpy as np
import pytest
import torch as TH

import torchlike as TL
from _harness import check

ALL_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
              "complex64", "complex128"]
LAYOUTS = ["contig", "transposed", "strided", "offset", "scalar", "empty"]


def _values(dtype, shape, seed=0):
    r = np.random.default_rng(seed)
    if dtype == "bool":
        return r.random(shape) > 0.5
    if dtype.startswith("int") or dtype == "uint8":
        info = np.iinfo(dtype)
        return r.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    if dtype.startswith("complex"):
        return (r.standard_normal(shape) + 1j * r.standard_normal(shape)).astype(dtype)
    vals = r.standard_normal(shape) * 100
    if vals.size > 3:
        vals.reshape(-1)[:3] = [np.inf, -np.inf, np.nan]
    return vals


def make(lib, dtype, layout, seed=0):
    """The same tensor (values, sizes, strides, offset) in either library."""
    d = getattr(lib, dtype)
    if layout == "scalar":
        return lib.tensor(_values(dtype, (), seed), dtype=d)
    if layout == "empty":
        return lib.tensor(_values(dtype, (0, 3), seed), dtype=d)
    base = lib.tensor(_values(dtype, (4, 6), seed), dtype=d)
    if layout == "contig":
        return base
    if layout == "transposed":
        return base.t()
    if layout == "strided":
        return base[:, ::2]
    return base[1:3, 2:]            # offset view


def raw(t):
    """The tensor's values as bytes (bfloat16 via its bit pattern), plus metadata."""
    if isinstance(t, TH.Tensor):
        c = t.detach().contiguous()
        b = c.view(TH.int16).numpy().tobytes() if c.dtype == TH.bfloat16 else c.numpy().tobytes()
        return b, str(t.dtype), tuple(t.shape), t.stride(), t.storage_offset(), t.requires_grad
    c = np.asarray(t.detach()._value())
    return (np.ascontiguousarray(c).tobytes(), str(t.dtype), tuple(t.shape), t.stride(), t.storage_offset(),
            t.requires_grad)


def save_bytes(lib, obj, **kw):
    buf = io.BytesIO()
    lib.save(obj, buf, **kw)
    return buf.getvalue()


def load_bytes(lib, data, **kw):
    return lib.load(io.BytesIO(data), **kw)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_tensor_torchlike_to_torch(dtype, layout):
    t = make(TL, dtype, layout)
    got = load_bytes(TH, save_bytes(TL, t))
    assert raw(got) == raw(t)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_tensor_torch_to_torchlike(dtype, layout):
    t = make(TH, dtype, layout)
    got = load_bytes(TL, save_bytes(TH, t))
    assert isinstance(got, TL.Tensor)
    assert raw(got) == raw(t)


@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "int64", "complex128", "bool"])
def test_tensor_torchlike_round_trip(dtype):
    t = make(TL, dtype, "strided")
    assert raw(load_bytes(TL, save_bytes(TL, t))) == raw(t)


def _views(lib):
    base = lib.arange(24, dtype=lib.float32).reshape(4, 6)
    return [base, base[1], base.t(), base[:, 1::2], lib.ones(3)]


def test_views_share_storage_torchlike_to_torch():
    data = save_bytes(TL, _views(TL))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        storages = [n for n in z.namelist() if "/data/" in n and not n.endswith("serialization_id")]
    assert len(storages) == 2                       # the four views are saved as one storage
    got = load_bytes(TH, data)
    ptrs = [t.untyped_storage().data_ptr() for t in got]
    assert ptrs[0] == ptrs[1] == ptrs[2] == ptrs[3] != ptrs[4]
    for a, b in zip(got, _views(TH)):
        assert raw(a) == raw(b)
    got[1][0] = 100.0                               # still one memory after loading
    assert got[0][1, 0].item() == 100.0


def test_views_share_storage_torch_to_torchlike():
    got = load_bytes(TL, save_bytes(TH, _views(TH)))
    st = [t.untyped_storage() for t in got]
    assert st[0] == st[1] == st[2] == st[3] and st[0] != st[4]
    for a, b in zip(got, _views(TH)):
        assert raw(a) == raw(b)
    got[1][0] = 100.0
    assert got[0][1, 0].item() == 100.0


def _state_dict(lib):
    sd = collections.OrderedDict()
    sd["fc.weight"] = lib.arange(6, dtype=lib.float32).reshape(2, 3)
    sd["fc.bias"] = lib.zeros(2)
    sd["bn.num_batches_tracked"] = lib.tensor(7)
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("fc", {"version": 1}), ("bn", {"version": 2})])
    return sd


@pytest.mark.parametrize("direction", ["tl->th", "th->tl", "tl->tl"])
def test_state_dict_with_metadata(direction):
    src, dst = {"tl->th": (TL, TH), "th->tl": (TH, TL), "tl->tl": (TL, TL)}[direction]
    got = load_bytes(dst, save_bytes(src, _state_dict(src)))
    ref = _state_dict(TH)
    assert type(got) is collections.OrderedDict and list(got) == list(ref)
    assert got._metadata == ref._metadata
    for k in ref:
        assert raw(got[k]) == raw(ref[k])


def _optim_state(lib):
    return {"state": {0: {"step": lib.tensor(3.0), "exp_avg": lib.full((2, 3), 0.5),
                          "exp_avg_sq": lib.full((2, 3), 0.25, dtype=lib.float64)},
                      1: {"step": lib.tensor(3.0), "momentum_buffer": None}},
            "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0,
                              "amsgrad": False, "foreach": None, "maximize": False, "params": [0, 1],
                              "name": "group0", "big": 2 ** 70, "neg": -5, "nan": float("nan")}]}


def _same_tree(a, b):
    if isinstance(b, TH.Tensor):
        assert raw(a) == raw(b)
    elif isinstance(b, dict):
        assert type(a) is type(b) and list(a) == list(b)
        for k in b:
            _same_tree(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same_tree(x, y)
    elif isinstance(b, float) and b != b:
        assert a != a
    else:
        assert type(a) is type(b) and a == b, (a, b)


@pytest.mark.parametrize("direction", ["tl->th", "th->tl"])
def test_optimizer_state_dict(direction):
    src, dst = (TL, TH) if direction == "tl->th" else (TH, TL)
    _same_tree(load_bytes(dst, save_bytes(src, _optim_state(src))), _optim_state(TH))


def _nested(lib):
    return {"list": [1, 2.5, "s", None, True, b"bytes", bytearray(b"ba"), 3 + 4j],
            "tuple": (lib.ones(2), (lib.zeros(1, dtype=lib.int8),)),
            "set": {1, 2}, "size": lib.Size([2, 3]), "dtype": lib.bfloat16, "device": lib.device("cpu"),
            "counter": collections.Counter("aab"), "empty": {}, "param": lib.nn.Parameter(lib.ones(2)),
            "frozen_param": lib.nn.Parameter(lib.ones(1), requires_grad=False)}


def _compare_nested(got, lib):
    ref = _nested(TH)
    assert got["list"] == ref["list"] and type(got["list"][6]) is bytearray
    assert raw(got["tuple"][0]) == raw(ref["tuple"][0]) and raw(got["tuple"][1][0]) == raw(ref["tuple"][1][0])
    assert got["set"] == {1, 2} and got["counter"] == ref["counter"] and got["empty"] == {}
    assert isinstance(got["size"], lib.Size) and tuple(got["size"]) == (2, 3)
    assert got["dtype"] is lib.bfloat16 and got["device"] == lib.device("cpu")
    assert isinstance(got["param"], lib.nn.Parameter) and got["param"].requires_grad
    assert isinstance(got["frozen_param"], lib.nn.Parameter) and not got["frozen_param"].requires_grad


@pytest.mark.parametrize("direction", ["tl->th", "th->tl", "tl->tl"])
def test_nested_containers(direction):
    src, dst = {"tl->th": (TL, TH), "th->tl": (TH, TL), "tl->tl": (TL, TL)}[direction]
    _compare_nested(load_bytes(dst, save_bytes(src, _nested(src))), dst)


def test_requires_grad_round_trip():
    for src, dst in ((TL, TH), (TH, TL)):
        t = src.ones(3, requires_grad=True)
        got = load_bytes(dst, save_bytes(src, {"leaf": t, "plain": src.ones(1)}))
        assert got["leaf"].requires_grad and got["leaf"].is_leaf and not got["plain"].requires_grad


def test_pickle_refers_to_torch_names():
    data = save_bytes(TL, {"w": TL.nn.Parameter(TL.ones(2)), "d": TL.float16, "s": TL.Size([1])})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        pkl = z.read("archive/data.pkl")
        assert z.read("archive/version") == b"3\n" and z.read("archive/byteorder") == b"little"
        assert z.read("archive/.format_version") == b"1" and z.read("archive/.storage_alignment") == b"64"
    assert names[0] == "archive/data.pkl" and "archive/.data/serialization_id" in names
    assert pkl.startswith(b"\x80\x02")              # pickle protocol 2, as torch.save writes by default
    for name in (b"torch._utils\n_rebuild_parameter", b"torch._utils\n_rebuild_tensor_v2", b"torch\nFloatStorage",
                 b"torch\nfloat16", b"torch\nSize", b"collections\nOrderedDict"):
        assert name in pkl
    assert b"torchlike" not in pkl


def test_record_alignment():
    data = save_bytes(TL, [TL.ones(3), TL.ones(5, dtype=TL.float64)])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            n, e = np.frombuffer(data[info.header_offset + 26:info.header_offset + 30], "<u2")
            assert (info.header_offset + 30 + n + e) % 64 == 0


def test_paths_and_archive_name(tmp_path):
    p = tmp_path / "model.ckpt.pt"
    TL.save({"a": TL.ones(2)}, p)                   # pathlib.Path
    with zipfile.ZipFile(p) as z:
        assert z.namelist()[0] == "model.ckpt/data.pkl"   # PyTorch names the folder after the file
    assert raw(TH.load(p)["a"]) == raw(TH.ones(2))
    assert raw(TL.load(str(p))["a"]) == raw(TH.ones(2))
    with open(p, "rb") as fh:
        assert raw(TL.load(fh)["a"]) == raw(TH.ones(2))
    q = tmp_path / "from_torch.pt"
    TH.save([TH.ones(1)], str(q))
    assert raw(TL.load(q)[0]) == raw(TH.ones(1))


def test_save_to_missing_directory():
    check(lambda lib: lib.save(lib.ones(1), "/nonexistent_dir_xyz/a.pt"), message=True)


def _forged_checkpoint(pkl_bytes):
    """A well-formed torch.save archive whose data.pkl is `pkl_bytes`."""
    from torchlike._serialization.zipfmt import ZipWriter
    buf = io.BytesIO()
    w = ZipWriter(buf, "archive")
    w.write_record("data.pkl", pkl_bytes)
    w.write_record(".format_version", "1")
    w.write_record("byteorder", "little")
    w.write_record("version", "3\n")
    w.close()
    return buf.getvalue()


@pytest.mark.filterwarnings("ignore:Detected pickle protocol 4")
@pytest.mark.parametrize("payload", ["os_system", "builtins_eval", "posix_system", "stack_global"])
def test_malicious_pickle_is_refused(tmp_path, payload):
    sentinel = tmp_path / "pwned"
    cmd = f"touch {sentinel}"
    pkl = {
        "os_system": b"\x80\x02cos\nsystem\nX" + len(cmd).to_bytes(4, "little") + cmd.encode() + b"\x85R.",
        "posix_system": b"\x80\x02cposix\nsystem\nX" + len(cmd).to_bytes(4, "little") + cmd.encode() + b"\x85R.",
        "builtins_eval": (b"\x80\x02cbuiltins\neval\nX" + len(f"open('{sentinel}', 'w')").to_bytes(4, "little")
                          + f"open('{sentinel}', 'w')".encode() + b"\x85R."),
        "stack_global": (b"\x80\x04\x8c\x02os\x8c\x06system\x93X" + len(cmd).to_bytes(4, "little") + cmd.encode()
                         + b"\x85R."),
    }[payload]
    data = _forged_checkpoint(pkl)
    errors = []
    for lib in (TL, TH):
        with pytest.raises(pickle.UnpicklingError) as e:
            load_bytes(lib, data)
        errors.append(str(e.value))
        assert not sentinel.exists(), f"{lib.__name__} ran the payload"
    assert "Weights only load failed" in errors[0]
    if payload != "stack_global":                   # (torch's unpickler has no STACK_GLOBAL at all)
        assert errors[0] == errors[1]


def test_unsupported_global_message_matches_torch():
    pkl = pickle.dumps(collections.namedtuple, protocol=2)
    data = _forged_checkpoint(pkl)
    msgs = []
    for lib in (TL, TH):
        with pytest.raises(pickle.UnpicklingError) as e:
            load_bytes(lib, data)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
    assert "Unsupported global: GLOBAL collections.namedtuple" in msgs[0]


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def test_add_safe_globals_and_context_manager():
    for lib in (TL, TH):
        data = save_bytes(lib, {"p": Point(1, lib.ones(2))})
        with pytest.raises(pickle.UnpicklingError):
            load_bytes(lib, data)
        with lib.serialization.safe_globals([Point]):
            got = load_bytes(lib, data)
        assert got["p"].x == 1 and isinstance(got["p"].y, lib.Tensor)
        with pytest.raises(pickle.UnpicklingError):
            load_bytes(lib, data)                   # the context manager removed it again
        assert Point not in lib.serialization.get_safe_globals()
        lib.serialization.add_safe_globals([Point])
        try:
            assert load_bytes(lib, data)["p"].x == 1
            assert Point in lib.serialization.get_safe_globals()
        finally:
            lib.serialization.clear_safe_globals()
    assert TL.load(io.BytesIO(save_bytes(TH, {"p": Point(2, None)})), weights_only=False)["p"].x == 2


def test_get_unsafe_globals_in_checkpoint():
    data = save_bytes(TH, {"p": Point(1, 2), "t": TH.ones(1)})
    assert TL.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == \
        TH.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == [f"{__name__}.Point"]


def test_truncated_and_corrupt_files():
    data = save_bytes(TL, {"a": TL.ones(3)})
    for bad in (data[:-10], data[:100]):
        check(lambda lib: load_bytes(lib, bad), message=True)
    check(lambda lib: load_bytes(lib, b"garbage data"), message=True)
    check(lambda lib: load_bytes(lib, b""))


def test_weights_only_false_and_pickle_module_rules():
    data = save_bytes(TL, {"a": TL.ones(2)})
    assert raw(TL.load(io.BytesIO(data), weights_only=False)["a"]) == raw(TH.ones(2))
    assert raw(TL.load(io.BytesIO(data), pickle_module=pickle)["a"]) == raw(TH.ones(2))
    check(lambda lib: lib.load(io.BytesIO(data), pickle_module=pickle, weights_only=True), message=True)


def _cuda_checkpoint():
    """A torch checkpoint whose storage location is 'cuda:0' (made on a CPU-only machine)."""
    data = save_bytes(TH, {"a": TH.arange(3.0)})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        pkl = z.read("archive/data.pkl")
    pkl = pkl.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
    return _forged_checkpoint_with(pkl, data)


def _forged_checkpoint_with(pkl, original):
    from torchlike._serialization.zipfmt import ZipWriter
    buf = io.BytesIO()
    w = ZipWriter(buf, "archive")
    with zipfile.ZipFile(io.BytesIO(original)) as z:
        for n in z.namelist():
            w.write_record(n.split("/", 1)[1], pkl if n.endswith("data.pkl") else z.read(n))
    w.close()
    return buf.getvalue()


@pytest.mark.skipif(TL.cuda.is_available(), reason="checks the CPU-only error")
def test_map_location():
    data = _cuda_checkpoint()
    check(lambda lib: load_bytes(lib, data), message=True)          # no CUDA: PyTorch's error
    for ml in ("cpu", "device", {"cuda:0": "cpu"}, "callable", "callable_none_cpu"):
        outs = []
        for lib in (TL, TH):
            m = {"device": lib.device("cpu"), "callable": lambda s, loc: s.cpu() if loc.startswith("cuda") else s,
                 "callable_none_cpu": lambda s, loc: s}.get(ml, ml) if not isinstance(ml, dict) else ml
            outs.append(load_bytes(lib, data, map_location=m)["a"])
        assert raw(outs[0]) == raw(outs[1]) and outs[0].device.type == "cpu"
    locs = []
    TL.load(io.BytesIO(data), map_location=lambda s, loc: locs.append((loc, s.nbytes())) or s.cpu())
    assert locs == [("cuda:0", 12)]


def test_mmap(tmp_path):
    p = tmp_path / "m.pt"
    TH.save({"a": TH.arange(10.0), "b": TH.arange(4).reshape(2, 2).t()}, p)
    got = TL.load(p, mmap=True)
    assert raw(got["a"]) == raw(TH.arange(10.0)) and raw(got["b"]) == raw(TH.arange(4).reshape(2, 2).t())
    got["a"][0] = 5.0                               # copy-on-write: the file is unchanged
    assert raw(TL.load(p)["a"]) == raw(TH.arange(10.0))
    check(lambda lib: lib.load(io.BytesIO(p.read_bytes()), mmap=True), message=True)


@pytest.mark.parametrize("direction", ["tl->th", "th->tl", "tl->tl"])
def test_legacy_format(direction):
    src, dst = {"tl->th": (TL, TH), "th->tl": (TH, TL), "tl->tl": (TL, TL)}[direction]
    obj = {"sd": _state_dict(src), "views": _views(src)}
    got = load_bytes(dst, save_bytes(src, obj, _use_new_zipfile_serialization=False))
    ref = {"sd": _state_dict(TH), "views": _views(TH)}
    for k in ref["sd"]:
        assert raw(got["sd"][k]) == raw(ref["sd"][k])
    for a, b in zip(got["views"], ref["views"]):
        assert raw(a) == raw(b)


def test_zip64_records_readable_by_torch(monkeypatch):
    from torchlike._serialization import zipfmt
    monkeypatch.setattr(zipfmt, "ZIP64_LIMIT", 100)            # pretend small records are huge
    t = TL.arange(64, dtype=TL.float32)
    data = save_bytes(TL, {"t": t, "u": TL.ones(2)})
    assert raw(TH.load(io.BytesIO(data))["t"]) == raw(TH.arange(64, dtype=TH.float32))
    assert raw(TL.load(io.BytesIO(data))["t"]) == raw(TH.arange(64, dtype=TH.float32))


def test_whole_module_weights_only_false():
    lin = getattr(getattr(TL.nn, "modules", None), "linear", None)
    if lin is None or not hasattr(lin, "Linear") or not hasattr(TL.nn, "Sequential"):
        pytest.xfail("torchlike.nn.Linear / Sequential are not written yet")
    TL.manual_seed(0)
    model = TL.nn.Sequential(TL.nn.Linear(3, 2), TL.nn.Flatten())
    data = save_bytes(TL, model)
    th_model = TH.load(io.BytesIO(data), weights_only=False)
    assert type(th_model) is TH.nn.Sequential and type(th_model[0]) is TH.nn.Linear
    TH.manual_seed(0)
    ref = TH.nn.Sequential(TH.nn.Linear(3, 2), TH.nn.Flatten())
    assert raw(th_model[0].weight) == raw(ref[0].weight)
    back = TL.load(io.BytesIO(save_bytes(TH, ref)), weights_only=False)
    assert type(back[0]) is TL.nn.Linear and isinstance(back[0].weight, TL.nn.Parameter)
    assert raw(back[0].weight) == raw(ref[0].weight)
    x = np.ones((1, 3), np.float32)
    np.testing.assert_allclose(np.asarray(back(TL.tensor(x)).detach()._value()),
                               ref(TH.tensor(x)).detach().numpy(), rtol=1e-6)
    with pytest.raises(pickle.UnpicklingError):
        TL.load(io.BytesIO(data))                   # weights_only=True refuses module classes


def test_safetensors_round_trip_and_format(tmp_path):
    import json
    import struct
    p = tmp_path / "w.safetensors"
    tensors = {"w": TL.arange(6, dtype=TL.float32).reshape(2, 3), "h": TL.tensor([1.5, -2.0], dtype=TL.bfloat16),
               "i": TL.tensor([1, 2, 3]), "flag": TL.tensor(True), "empty": TL.zeros(0, 4)}
    TL.serialization.save_safetensors(tensors, p, metadata={"format": "pt"})
    data = p.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    assert n % 8 == 0 and header["__metadata__"] == {"format": "pt"}
    assert header["w"] == {"dtype": "F32", "shape": [2, 3], "data_offsets": header["w"]["data_offsets"]}
    assert {header[k]["dtype"] for k in tensors} == {"F32", "BF16", "I64", "BOOL"}
    for loaded in (TL.serialization.load_safetensors(p), TL.load(p)):
        assert set(loaded) == set(tensors)
        for k in tensors:
            assert raw(loaded[k]) == raw(tensors[k])
    st = pytest.importorskip("safetensors.torch")
    ref = st.load_file(str(p))                       # the reference implementation reads our file
    for k in tensors:
        assert raw(ref[k]) == raw(tensors[k])
    q = tmp_path / "ref.safetensors"
    st.save_file({"a": TH.arange(4.0).reshape(2, 2), "b": TH.ones(3, dtype=TH.float16)}, str(q))
    got = TL.serialization.load_safetensors(q)       # and we read its files
    assert raw(got["a"]) == raw(TH.arange(4.0).reshape(2, 2)) and raw(got["b"]) == raw(TH.ones(3, dtype=TH.float16))


def test_safetensors_errors(tmp_path):
    base = TL.arange(6.0).reshape(2, 3)
    with pytest.raises(ValueError, match="non contiguous tensor: `t`"):
        TL.serialization.save_safetensors({"t": base.t()}, tmp_path / "a.safetensors")
    with pytest.raises(RuntimeError, match="Some tensors share memory"):
        TL.serialization.save_safetensors({"a": base, "b": base[0]}, tmp_path / "b.safetensors")


def test_big_endian_checkpoint():
    """A checkpoint written on a big-endian machine (byteorder record 'big') loads with its bytes swapped."""
    from torchlike._serialization.zipfmt import ZipWriter
    src = save_bytes(TH, {"f": TH.arange(5, dtype=TH.float32), "c": TH.tensor([1 + 2j]), "b": TH.tensor([1, 2],
                                                                                                      dtype=TH.uint8)})
    buf = io.BytesIO()
    w = ZipWriter(buf, "archive")
    with zipfile.ZipFile(io.BytesIO(src)) as z:
        pkl = z.read("archive/data.pkl")
        for n in z.namelist():
            rec = n.split("/", 1)[1]
            data = z.read(n)
            if rec == "byteorder":
                data = b"big"
            elif rec.startswith("data/") and rec != ".data/serialization_id":
                itemsize = {b"0": 4, b"1": 4, b"2": 1}[rec[5:].encode()]   # complex64: two 4-byte floats
                data = np.frombuffer(data, f"<u{itemsize}").astype(f">u{itemsize}").tobytes()
            w.write_record(rec, data)
    w.close()
    for lib in (TL, TH):
        got = load_bytes(lib, buf.getvalue())
        assert raw(got["f"]) == raw(TH.arange(5, dtype=TH.float32))
        assert raw(got["c"]) == raw(TH.tensor([1 + 2j])) and raw(got["b"]) == raw(TH.tensor([1, 2], dtype=TH.uint8))
    assert b"ComplexFloatStorage" in pkl


def test_conj_and_neg_views_from_torch():
    x = TH.tensor([1 + 2j, 3 - 1j])
    src = {"c": x.conj(), "n": TH._neg_view(TH.tensor([1.0, -2.0]))}
    got = load_bytes(TL, save_bytes(TH, src))
    assert raw(got["c"]) == raw(src["c"].resolve_conj()) and raw(got["n"]) == raw(src["n"].resolve_neg())


# --- torch.save of a whole module -----------------------------------------------------------------------------

def _model(lib, kind):
    nn = lib.nn
    lib.manual_seed(0)
    return {
        "mlp": lambda: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Dropout(0.1), nn.Linear(4, 2)),
        "conv": lambda: nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.MaxPool2d(2), nn.Flatten()),
        "norms": lambda: nn.ModuleList([nn.LayerNorm(4), nn.GroupNorm(2, 4), nn.InstanceNorm1d(4),
                                        nn.BatchNorm1d(4)]),
        "embedding": lambda: nn.ModuleDict({"e": nn.Embedding(10, 3, padding_idx=0), "eb": nn.EmbeddingBag(10, 3)}),
        "lstm": lambda: nn.LSTM(3, 4, num_layers=2, batch_first=True),
        "gru": lambda: nn.GRU(3, 4, bidirectional=True),
        "attention": lambda: nn.MultiheadAttention(8, 2),
        "transformer": lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16),
        "params": lambda: nn.ParameterList([nn.Parameter(lib.ones(2)), nn.Parameter(lib.zeros(3))]),
        "pixel": lambda: nn.Sequential(nn.PixelShuffle(2), nn.Unfold(2), nn.Fold((3, 3), 2)),
    }[kind]()


def _train_step(lib, model, kind):
    """Run forward/backward (leaves autograd state behind on the parameters) and switch to eval mode."""
    x = {"mlp": lambda: lib.ones(2, 3), "conv": lambda: lib.ones(2, 1, 6, 6), "lstm": lambda: lib.ones(2, 5, 3)}
    if kind in x:
        out = model(x[kind]())
        (out[0] if isinstance(out, tuple) else out).sum().backward()
    if kind == "attention":
        q = lib.ones(3, 1, 8)
        model(q, q, q)[0].sum().backward()
    model.eval()


def _pickle_globals(data):
    import pickletools
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        pkl = z.read([n for n in z.namelist() if n.endswith("/data.pkl")][0])
    return {arg.replace(" ", ".") for op, arg, _ in pickletools.genops(pkl) if op.name == "GLOBAL"}


def _structure(obj):
    """Types of every module's __dict__ values, recursively (what the pickle carried)."""
    if isinstance(obj, TH.nn.Module):
        return {k: _structure(v) for k, v in obj.__dict__.items()}
    if isinstance(obj, dict):
        return (type(obj).__name__, {k: _structure(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return [_structure(v) for v in obj]
    return type(obj).__name__


MODEL_KINDS = ["mlp", "conv", "norms", "embedding", "lstm", "gru", "attention", "transformer", "params", "pixel"]


def _state_values(sd):
    return {k: raw(v) for k, v in sd.items()}


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_whole_model_pickles_what_torch_pickles(kind):
    """Same globals as PyTorch's pickle of the same model (no autograd nodes, no dict subclasses, torch's module
    paths), and PyTorch rebuilds it with the same __dict__ layout and state."""
    tl_model, th_model = _model(TL, kind), _model(TH, kind)
    _train_step(TL, tl_model, kind)
    _train_step(TH, th_model, kind)
    data = save_bytes(TL, tl_model)
    assert _pickle_globals(data) == _pickle_globals(save_bytes(TH, th_model))
    back = TH.load(io.BytesIO(data), weights_only=False)
    assert _structure(back) == _structure(th_model)
    assert back.training is False
    assert _state_values(back.state_dict()) == _state_values(
        {k: TH.from_numpy(np.asarray(v.detach()._value()).copy()) if v.dtype != TL.bfloat16 else v
         for k, v in tl_model.state_dict().items()})


def _safe_classes(lib, kind):
    nn = lib.nn
    return {"mlp": [nn.Sequential, nn.Linear, nn.ReLU, nn.Dropout],
            "conv": [nn.Sequential, nn.Conv2d, nn.BatchNorm2d, nn.MaxPool2d, nn.Flatten],
            "lstm": [nn.LSTM],
            "transformer": [nn.TransformerEncoderLayer, nn.MultiheadAttention, nn.Linear, nn.Dropout, nn.LayerNorm,
                            nn.modules.linear.NonDynamicallyQuantizableLinear, lib.nn.functional.relu]}[kind]


@pytest.mark.parametrize("kind", ["mlp", "conv", "lstm", "transformer"])
@pytest.mark.parametrize("direction", ["tl->th", "th->tl", "tl->tl"])
def test_whole_model_weights_only_with_safe_globals(kind, direction):
    src, dst = {"tl->th": (TL, TH), "th->tl": (TH, TL), "tl->tl": (TL, TL)}[direction]
    model = _model(src, kind)
    _train_step(src, model, kind)
    data = save_bytes(src, model)
    errors = []
    for lib in (dst, TH):                           # without the allowlist: PyTorch's message naming the class
        with pytest.raises(pickle.UnpicklingError) as e:
            lib.load(io.BytesIO(data if lib is dst else save_bytes(TH, _model(TH, kind))), weights_only=True)
        errors.append(str(e.value))
    assert errors[0] == errors[1]
    assert "Unsupported global: GLOBAL torch.nn.modules." in errors[0]
    with dst.serialization.safe_globals(_safe_classes(dst, kind)):
        got = dst.load(io.BytesIO(data), weights_only=True)
    assert type(got).__name__ == type(model).__name__ and isinstance(got, dst.nn.Module)
    assert got.training is False
    ref = model.state_dict()
    for k, v in got.state_dict().items():
        assert raw(v) == raw(ref[k]), k
    x = np.ones({"mlp": (2, 3), "conv": (2, 1, 6, 6), "lstm": (2, 5, 3), "transformer": (3, 1, 8)}[kind], np.float32)
    out = got(dst.tensor(x))                        # the loaded model runs
    out = out[0] if isinstance(out, tuple) else out
    ref_out = model(src.tensor(x))
    ref_out = ref_out[0] if isinstance(ref_out, tuple) else ref_out
    np.testing.assert_allclose(np.asarray(out.detach().numpy()), np.asarray(ref_out.detach().numpy()), rtol=1e-5,
                               atol=1e-6)


def test_torchlike_nn_classes_pickle_under_torch_names():
    """Every public nn/optim class is written under the module path PyTorch itself uses."""
    import importlib
    import inspect
    from torchlike._serialization.names import torch_name
    wrong = []
    for sub in ("nn", "optim", "optim.lr_scheduler", "utils.data"):
        tl, th = importlib.import_module(f"torchlike.{sub}"), importlib.import_module(f"torch.{sub}")
        for name in dir(tl):
            obj, ref = getattr(tl, name), getattr(th, name, None)
            if not (inspect.isclass(obj) and inspect.isclass(ref)) or not obj.__module__.startswith("torchlike"):
                continue
            if torch_name(obj) != (ref.__module__, ref.__qualname__):
                wrong.append((name, torch_name(obj), (ref.__module__, ref.__qualname__)))
    assert not wrong, wrong


def test_tensor_autograd_state_is_not_pickled():
    """A leaf that took part in backward (its cached AccumulateGrad), with hooks and retain_grad, pickles like
    PyTorch's: just _rebuild_tensor_v2 / _rebuild_parameter."""
    w = TL.nn.Parameter(TL.ones(2))
    x = TL.ones(2, requires_grad=True)
    x.register_hook(lambda g: g)
    (w * x).sum().backward()
    data = save_bytes(TL, {"w": w, "x": x})
    assert _pickle_globals(data) == _pickle_globals(save_bytes(TH, {"w": TH.nn.Parameter(TH.ones(2)),
                                                                    "x": TH.ones(2, requires_grad=True)}))


@pytest.mark.parametrize("numel", [2, 4, 8])
def test_file_reader_storage_record_must_match_its_size(numel, tmp_path):
    """torch._C.PyTorchFileReader.get_storage_from_record: a record of another size is refused, not sliced."""
    path = str(tmp_path / "r.pt")
    TH.save(TH.arange(4.), path)

    def fn(lib):
        reader = lib.PyTorchFileReader(path) if lib is TL else lib._C.PyTorchFileReader(path)
        t = reader.get_storage_from_record("data/0", numel, lib.float32)
        u = reader.get_storage_from_record("data/0", numel * 4, lib.UntypedStorage)
        return t.shape, t.dtype, t.untyped_storage().nbytes(), u.dtype, u.untyped_storage().nbytes()
    check(fn, message=True)
