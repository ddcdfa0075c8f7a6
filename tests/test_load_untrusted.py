"""torch.load on crafted and damaged files: PyTorch's exception, never a crash or a read outside the stored bytes.

Each file is written by real PyTorch (its zip writer, its pickle names) and then made hostile: tensor metadata that
points outside its storage, storage sizes that disagree with their zip records, missing or damaged zip members,
legacy (pre-1.6) files claiming huge storages. Real PyTorch loads each one in this process (the oracle); torchlike
loads them all in child processes, so a SIGSEGV/SIGBUS fails the test instead of killing it. Every mode is covered:
weights_only True/False, mmap True/False.
"""
from __future__ import annotations

import collections
import io
import json
import os
import pickle
import random
import struct
import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest

TH = pytest.importorskip("torch")
if not hasattr(TH, "_C"):                      # (python -m torchlike maps `torch` to torchlike: no oracle then)
    pytest.skip("real PyTorch is not importable", allow_module_level=True)

import torchlike as TL                         # noqa: E402

MODES = [(True, False), (False, False), (True, True), (False, True)]      # (weights_only, mmap)


# --- crafting files with real PyTorch ---------------------------------------------------------------------------

class _Storage:
    def __init__(self, numel, stype=None):
        self.numel, self.stype = numel, stype or TH.FloatStorage


class _Tensor:
    """Pickles as torch._utils._rebuild_tensor_v2/_v3(storage, offset, size, stride, ...) with any metadata."""

    def __init__(self, storage, offset, size, stride, v3_dtype=None):
        self.args, self.v3_dtype = (storage, offset, size, stride), v3_dtype

    def __reduce__(self):
        rest = (False, collections.OrderedDict())
        if self.v3_dtype is not None:
            return (TH._utils._rebuild_tensor_v3, self.args + rest + (self.v3_dtype,))
        return (TH._utils._rebuild_tensor_v2, self.args + rest)


class _ZipPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return ("storage", obj.stype, "0", "cpu", obj.numel) if isinstance(obj, _Storage) else None


class _LegacyPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return ("storage", obj.stype, "0", "cpu", obj.numel, None) if isinstance(obj, _Storage) else None


def _pickle(obj, pickler):
    buf = io.BytesIO()
    pickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


def _archive(records):
    """A zip archive written by PyTorch's own writer."""
    buf = io.BytesIO()
    w = TH._C.PyTorchFileWriter(buf)
    for name, data in records.items():
        w.write_record(name, data, len(data))
    w.write_end_of_file()
    return buf.getvalue()


F3 = np.arange(3, dtype=np.float32).tobytes()             # one storage of 3 float32 values (12 bytes)


def _zip_file(offset, size, stride, numel=3, data=F3, stype=None, v3=None):
    records = {"data.pkl": _pickle(_Tensor(_Storage(numel, stype), offset, size, stride, v3), _ZipPickler),
               "byteorder": b"little"}
    if data is not None:
        records["data/0"] = data
    return _archive(records)


def _legacy_file(offset, size, stride, numel=3, sections=None, keys=None):
    buf = io.BytesIO()
    for header in (0x1950A86A20F9469CFC6C, 1001, dict(protocol_version=1001, little_endian=True,
                                                       type_sizes=dict(short=2, int=4, long=4))):
        pickle.dump(header, buf, protocol=2)
    buf.write(_pickle(_Tensor(_Storage(numel), offset, size, stride), _LegacyPickler))
    sections = [("0", 3, F3)] if sections is None else sections
    pickle.dump([k for k, _, _ in sections] if keys is None else keys, buf, protocol=2)
    for _, n, data in sections:
        buf.write(struct.pack("<q", n) + data)
    return buf.getvalue()


def _central_entry(data, record):
    """Offset of `record`'s central directory entry in a zip file."""
    eocd = data.rfind(b"PK\x05\x06")
    pos = struct.unpack("<I", data[eocd + 16:eocd + 20])[0]
    while data[pos:pos + 4] == b"PK\x01\x02":
        n, e, c = struct.unpack("<HHH", data[pos + 28:pos + 34])
        if data[pos + 46:pos + 46 + n].decode().endswith("/" + record):
            return pos
        pos += 46 + n + e + c
    raise KeyError(record)


def _patched(data, record, at, fmt, *values):
    """`data` with fields of `record`'s central directory entry (at byte `at` of it) overwritten."""
    out = bytearray(data)
    pos = _central_entry(data, record) + at
    out[pos:pos + struct.calcsize(fmt)] = struct.pack(fmt, *values)
    return bytes(out)


def _deflate_flagged(data):
    out = bytearray(_patched(data, "data/0", 10, "<H", 8))
    info = [i for i in zipfile.ZipFile(io.BytesIO(data)).infolist() if i.filename.endswith("/data/0")][0]
    out[info.header_offset + 8:info.header_offset + 10] = struct.pack("<H", 8)
    return bytes(out)


def crafted_files():
    ok = _zip_file(0, (3,), (1,))
    return {
        "ok": ok,
        # tensor metadata outside its storage
        "offset_past_end": _zip_file(3, (1,), (1,)),
        "offset_huge": _zip_file(1 << 40, (1,), (1,)),
        "size_past_end": _zip_file(0, (4,), (1,)),
        "size_huge_2d": _zip_file(0, (1 << 20, 1 << 20), (1, 1)),
        "stride_past_end": _zip_file(0, (2,), (3,)),
        "negative_offset": _zip_file(-1, (1,), (1,)),
        "negative_offset_big": _zip_file(-(1 << 40), (1,), (1,)),
        "negative_stride": _zip_file(2, (3,), (-1,)),
        "negative_size": _zip_file(0, (-1,), (1,)),
        "size_stride_length_mismatch": _zip_file(0, (3,), (1, 1)),
        "overflow_offset": _zip_file((1 << 63) - 1, (2,), (1,)),
        "overflow_numel": _zip_file(0, (1 << 32, 1 << 32, 1 << 32), (0, 0, 0)),
        "float_size": _zip_file(0, (1.5,), (1,)),
        "v3_past_end": _zip_file(0, (3,), (1,), numel=8, data=bytes(8), stype=TH.UntypedStorage, v3=TH.float32),
        # storage element counts that disagree with the zip record
        "numel_larger_than_record": _zip_file(0, (3,), (1,), numel=100),
        "numel_huge": _zip_file(0, (3,), (1,), numel=1 << 40),
        "numel_negative": _zip_file(0, (1,), (1,), numel=-5),
        "numel_smaller_than_record": _zip_file(0, (2,), (1,), numel=2),
        "numel_smaller_view_past": _zip_file(0, (3,), (1,), numel=2),
        "record_not_itemsize_multiple": _zip_file(0, (3,), (1,), data=F3[:10]),
        "record_missing": _zip_file(0, (3,), (1,), data=None),
        # valid corner cases that must load
        "empty_view_offset_past_end": _zip_file(10, (0,), (1,)),
        "empty_storage": _zip_file(0, (0,), (1,), numel=0, data=b""),
        "zero_stride_huge_size": _zip_file(0, (1 << 40,), (0,)),
        "v3_bytes_not_itemsize_multiple": _zip_file(0, (2,), (1,), numel=10, data=bytes(10),
                                                    stype=TH.UntypedStorage, v3=TH.float32),
        # damaged zip structure
        "truncated_half": ok[:len(ok) // 2],
        "truncated_tail": ok[:-10],
        "garbage_after_magic": b"PK\x03\x04" + bytes(200),
        "zip_record_offset_past_file": _patched(ok, "data/0", 42, "<I", len(ok) + 1000),
        "zip_record_size_past_file": _patched(ok, "data/0", 20, "<II", 1 << 30, 1 << 30),
        "zip_record_size_small": _patched(ok, "data/0", 20, "<II", 4, 4),
        "zip_bad_crc": _patched(ok, "data/0", 16, "<I", 0),
        "zip_record_deflate_flag": _deflate_flagged(ok),
        # legacy (non-zip) format
        "legacy_ok": _legacy_file(0, (3,), (1,)),
        "legacy_numel_2p40": _legacy_file(0, (3,), (1,), numel=1 << 40),
        "legacy_numel_2p40_both": _legacy_file(0, (1 << 40,), (1,), numel=1 << 40,
                                               sections=[("0", 1 << 40, F3)]),
        "legacy_numel_negative": _legacy_file(0, (1,), (1,), numel=-5, sections=[("0", -5, b"")]),
        "legacy_offset_past_end": _legacy_file(3, (1,), (1,)),
        "legacy_size_past_end": _legacy_file(0, (4,), (1,)),
        "legacy_negative_stride": _legacy_file(2, (3,), (-1,)),
        "legacy_section_numel_mismatch": _legacy_file(0, (3,), (1,), sections=[("0", 5, F3 + bytes(8))]),
        "legacy_truncated_data": _legacy_file(0, (3,), (1,), sections=[("0", 3, F3[:8])]),
        "legacy_unknown_key": _legacy_file(0, (3,), (1,), keys=["0", "7"]),
    }


# Where torchlike deliberately differs from PyTorch 2.13 (everything else: same outcome, same type, same message).
# mmap=True: PyTorch slices the mapped file at the record's offset by the pickle's byte count, without comparing it
# with the record's size, so it returns bytes past the record (zip headers) or ignores a short count; torchlike
# applies the non-mmap rule (the record must hold exactly the storage's bytes) in both modes.
_MMAP_STRICT = {"numel_larger_than_record", "numel_huge", "numel_smaller_than_record", "record_not_itemsize_multiple",
                "zip_record_size_small", "numel_negative", "numel_smaller_view_past"}
# torchlike raises where PyTorch inflates uncompressed bytes into garbage (or maps the raw bytes under mmap)
_DEFLATE = {"zip_record_deflate_flag"}
# same exception type; PyTorch's message is an allocator failure (depends on the machine's memory), its set_()
# overload list or a pybind11 argument error naming an object's address (the first line is compared)
_TYPE_ONLY = {"legacy_numel_2p40", "legacy_numel_2p40_both", "legacy_numel_negative", "float_size", "numel_negative"}


def _expected(case, weights_only, mmap):
    """'same', 'type' or 'strict' (torchlike raises RuntimeError where PyTorch does not check)."""
    if case in _DEFLATE or (mmap and case in _MMAP_STRICT):
        return "strict"
    if case in _TYPE_ONLY:
        return "type"
    return "same"


def _outcome(lib, path, weights_only, mmap):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            t = lib.load(path, weights_only=weights_only, mmap=mmap)
        except Exception as e:              # noqa: BLE001 - the exception is the result
            return {"result": "EXC", "type": type(e).__name__, "msg": str(e)}
    values = np.asarray(t.detach().numpy()).tolist() if t.numel() <= 64 else None
    return {"result": "OK", "shape": list(t.shape), "stride": list(t.stride()), "offset": t.storage_offset(),
            "values": values}


_CHILD = r"""
import json, sys, warnings
import numpy as np
import torchlike
jobs = json.loads(sys.stdin.read())

def read_all(obj):
    # every tensor's values are read (that is where a bad view would read outside its bytes)
    if isinstance(obj, torchlike.Tensor):
        if obj.numel() <= 1 << 20:
            np.asarray(obj.detach().numpy()).sum()
    elif isinstance(obj, dict):
        for v in obj.values():
            read_all(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            read_all(v)

for case, path, wo, mm in jobs:
    print(json.dumps({"start": case, "wo": wo, "mmap": mm}), flush=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            t = torchlike.load(path, weights_only=wo, mmap=mm)
            read_all(t)
        except Exception as e:
            out = {"result": "EXC", "type": type(e).__name__, "msg": str(e)}
        else:
            out = {"result": "OK", "kind": type(t).__name__}
            if isinstance(t, torchlike.Tensor):
                values = np.asarray(t.detach().numpy()).tolist() if t.numel() <= 64 else None
                out.update(shape=list(t.shape), stride=list(t.stride()), offset=t.storage_offset(), values=values)
    out.update(case=case, wo=wo, mmap=mm)
    print(json.dumps(out), flush=True)
"""


def _run_torchlike(jobs, timeout=900):
    """Load every (case, path, weights_only, mmap) in one child process; a crash fails naming the case."""
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    p = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(jobs), capture_output=True, text=True,
                       timeout=timeout, env=env)
    lines = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
    started = [ln for ln in lines if "start" in ln]
    assert p.returncode == 0, (f"torchlike's loader died (rc={p.returncode}, signal={-p.returncode}) while loading "
                               f"{started[-1] if started else None}\n{p.stderr[-2000:]}")
    return {(ln["case"], ln["wo"], ln["mmap"]): ln for ln in lines if "case" in ln}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("crafted")
    out = {}
    for name, data in crafted_files().items():
        path = d / f"{name}.pt"
        path.write_bytes(data)
        out[name] = str(path)
    return out


@pytest.fixture(scope="module")
def results(files):
    jobs = [(case, path, wo, mm) for case, path in files.items() for wo, mm in MODES]
    return _run_torchlike(jobs)


@pytest.mark.parametrize("weights_only,mmap", MODES, ids=[f"wo={w}-mmap={m}" for w, m in MODES])
@pytest.mark.parametrize("case", list(crafted_files()))
def test_crafted_file_matches_torch(files, results, case, weights_only, mmap):
    ours = results[(case, weights_only, mmap)]
    ref = _outcome(TH, files[case], weights_only, mmap)
    expect = _expected(case, weights_only, mmap)
    if expect == "strict":
        assert ours["result"] == "EXC" and ours["type"] == "RuntimeError", ours
        return
    assert ours["result"] == ref["result"], (ours, ref)
    if ref["result"] == "OK":
        for key in ("shape", "stride", "offset", "values"):
            assert ours[key] == ref[key], (key, ours, ref)
        return
    assert ours["type"] == ref["type"], (ours, ref)
    if expect == "same":
        assert ours["msg"] == ref["msg"]
    elif ref["type"] == "TypeError":
        assert ours["msg"].split("\n")[0] == ref["msg"].split("\n")[0]


def test_every_out_of_bounds_case_raises(results):
    """The cases the issue names raise in every mode (none returns a tensor reading past its bytes)."""
    for case in ("offset_past_end", "offset_huge", "size_past_end", "stride_past_end", "negative_offset",
                 "negative_stride", "numel_larger_than_record", "numel_huge", "v3_past_end", "legacy_offset_past_end",
                 "legacy_numel_2p40"):
        for wo, mm in MODES:
            if case.startswith("legacy") and mm:
                continue
            got = results[(case, wo, mm)]
            assert got["result"] == "EXC" and got["type"] == "RuntimeError", (case, wo, mm, got)


def test_legacy_huge_claim_is_a_clear_error(results):
    got = results[("legacy_numel_2p40", True, False)]
    assert got["type"] == "RuntimeError" and "4398046511104 bytes" in got["msg"]


def test_mmap_of_a_compressed_record_is_refused(results):
    got = results[("zip_record_deflate_flag", True, True)]
    assert got["type"] == "RuntimeError" and "compressed" in got["msg"]


def test_damaged_files_never_crash(tmp_path):
    """Random byte damage to real checkpoints (zip and legacy, several tensors sharing storages): every load ends
    in a tensor or an exception, in every mode, never a signal."""
    base = {"a": TH.arange(12.0).reshape(3, 4), "b": TH.arange(5, dtype=TH.int64)}
    base["view"] = base["a"][1:, ::2]
    sources = []
    for legacy in (False, True):
        buf = io.BytesIO()
        TH.save(base, buf, _use_new_zipfile_serialization=not legacy)
        sources.append(buf.getvalue())
    rng = random.Random(1234)
    jobs = []
    for i in range(60):
        src = bytearray(sources[i % 2])
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(src))
            src[pos] = rng.randrange(256)
        if i % 7 == 0:
            src = src[:rng.randrange(len(src))]
        path = tmp_path / f"damaged{i}.pt"
        path.write_bytes(bytes(src))
        for wo, mm in MODES:
            jobs.append((f"damaged{i}", str(path), wo, mm))
    got = _run_torchlike(jobs)
    assert len(got) == len(jobs)
    for key, out in got.items():
        if out["result"] == "EXC":
            assert out["type"] not in ("SystemError", "MemoryError"), (key, out)


def test_load_docstring_warns_about_weights_only_false():
    doc = TL.load.__doc__
    warning = doc[doc.index(".. warning::"):doc.index("Args:")]
    assert "weights_only=False" in warning and "untrusted source" in warning
    assert TL.serialization.load.__doc__ is doc
