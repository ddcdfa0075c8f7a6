"""PyTorch's zip container, written the way its miniz-based PyTorchStreamWriter writes it.

Every record is stored uncompressed under `<archive>/`, its data aligned to 64 bytes by an 'FB' padding extra
field, followed by a data descriptor; the central directory is followed by zip64 end records (miniz always writes
them). Reading goes through Python's zipfile, with PyTorch's error messages.
"""
from __future__ import annotations

import os
import struct
import zipfile
import zlib

from . import validate
from .validate import MINIZ_SUFFIX

ALIGNMENT = 64
_U32 = 0xFFFFFFFF
ZIP64_LIMIT = _U32          # records or offsets at least this large use zip64 fields (tests may lower it)


def archive_name_for(f):
    """PyTorch names the archive folder after the file's base name without extension; 'archive' for streams."""
    if isinstance(f, (str, os.PathLike)):
        name = os.fspath(f)
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        if "." in base:
            base = base[:base.rindex(".")]
        return base or "archive"
    return "archive"


class ZipWriter:
    """Writes records to a binary stream; close() writes the central directory."""

    def __init__(self, stream, archive_name):
        self.stream = stream
        self.prefix = archive_name + "/"
        self.offset = 0
        self.entries = []           # (name bytes, crc, size, header offset)

    def _write(self, data):
        self.stream.write(data)
        self.offset += len(data)

    def write_record(self, name, data):
        """Add one record; `data` is bytes or anything exposing the buffer protocol (a NumPy array...)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        view = memoryview(data).cast("B") if not isinstance(data, (bytes, bytearray)) else memoryview(data)
        size = view.nbytes
        fname = (self.prefix + name).encode("utf-8")
        header_offset = self.offset
        zip64 = size >= ZIP64_LIMIT or header_offset >= ZIP64_LIMIT
        z64 = b""
        if zip64:
            z64_data = b""
            if size >= ZIP64_LIMIT:
                z64_data += struct.pack("<QQ", size, size)
            if header_offset >= ZIP64_LIMIT:
                z64_data += struct.pack("<Q", header_offset)
            z64 = struct.pack("<HH", 1, len(z64_data)) + z64_data
        start = header_offset + 30 + len(fname) + len(z64) + 4
        pad = (-start) % ALIGNMENT
        extra = z64 + b"FB" + struct.pack("<H", pad) + b"Z" * pad
        sizes = _U32 if size >= ZIP64_LIMIT else 0
        self._write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 0, 0x0808, 0, 0, 0, 0, sizes, sizes, len(fname),
                                len(extra)) + fname + extra)
        crc = zlib.crc32(view) & _U32
        if size:
            self._write(view)
        if zip64:
            self._write(struct.pack("<4sIQQ", b"PK\x07\x08", crc, size, size))
        else:
            self._write(struct.pack("<4sIII", b"PK\x07\x08", crc, size, size))
        self.entries.append((fname, crc, size, header_offset))

    def close(self):
        cd_offset = self.offset
        for fname, crc, size, off in self.entries:
            z64_data = b""
            if size >= ZIP64_LIMIT:
                z64_data += struct.pack("<QQ", size, size)
            if off >= ZIP64_LIMIT:
                z64_data += struct.pack("<Q", off)
            extra = struct.pack("<HH", 1, len(z64_data)) + z64_data if z64_data else b""
            s32 = _U32 if size >= ZIP64_LIMIT else size
            o32 = _U32 if off >= ZIP64_LIMIT else off
            self._write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 0, 0, 0x0808, 0, 0, 0, crc, s32, s32,
                                    len(fname), len(extra), 0, 0, 0, 0, o32) + fname + extra)
        cd_size = self.offset - cd_offset
        n = len(self.entries)
        eocd64 = self.offset
        self._write(struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 0x031E, 45, 0, 0, n, n, cd_size, cd_offset))
        self._write(struct.pack("<4sIQI", b"PK\x06\x07", 0, eocd64, 1))
        self._write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                min(cd_size, _U32), min(cd_offset, _U32), 0))


_CORRUPT = ("PytorchStreamReader failed reading zip archive: failed finding central directory. This is an internal "
            "miniz error. If you are seeing this error, there is a high likelihood that your checkpoint file is "
            "corrupted. This can happen if the checkpoint was not saved properly, was transferred incorrectly, or the "
            "file was modified after saving.")


_INVALID = "PytorchStreamReader failed reading zip archive: invalid header or archive is corrupted." + MINIZ_SUFFIX


def is_zipfile(f):
    """PyTorch's strict check: the stream starts with a local file header."""
    start = f.tell()
    magic = f.read(4)
    f.seek(start)
    return magic == b"PK\x03\x04"


class ZipReader:
    """Records of a PyTorch zip archive by name (without the archive folder).

    The archive is untrusted: every record must lie inside the file (checked when it is opened, as miniz does), and
    records stored uncompressed are read straight from their validated place in the file (like PyTorch, without a
    CRC check), so a damaged file raises RuntimeError instead of reading past its end."""

    def __init__(self, stream):
        self.stream = stream
        try:
            self.zf = zipfile.ZipFile(stream)
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, struct.error):
            raise RuntimeError(_CORRUPT) from None
        except NotImplementedError:         # a "version needed to extract" that Python's zipfile refuses
            raise RuntimeError(_INVALID) from None
        if not infos:
            raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
        self.size = stream.seek(0, os.SEEK_END)
        for i in infos:
            if ((i.compress_type == zipfile.ZIP_STORED and i.compress_size != i.file_size)
                    or (i.file_size and not i.compress_size) or i.header_offset < 0
                    or i.header_offset + 30 + i.compress_size > self.size):
                raise RuntimeError(_INVALID)
        first = infos[0].filename
        self.prefix = first[:first.index("/") + 1] if "/" in first else ""
        self.infos = {i.filename[len(self.prefix):]: i for i in infos if i.filename.startswith(self.prefix)}

    def has_record(self, name):
        return name in self.infos

    def get_all_records(self):
        return list(self.infos)

    def _info(self, name):
        try:
            return self.infos[name]
        except KeyError:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found." + MINIZ_SUFFIX) \
                from None

    def get_record(self, name):
        info = self._info(name)
        if info.compress_type == zipfile.ZIP_STORED:
            return self._read_at(name, self.get_record_offset(name), info.file_size)
        try:
            return self.zf.read(info)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, struct.error, zlib.error) \
                as e:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: {e}") from None

    def _read_at(self, name, offset, nbytes):
        pos = self.stream.tell()
        try:
            self.stream.seek(offset)
            data = self.stream.read(nbytes)
        finally:
            self.stream.seek(pos)
        if len(data) != nbytes:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: file read failed" + MINIZ_SUFFIX)
        return data

    def get_record_offset(self, name):
        """Offset of a record's data in the file (for memory-mapping), checked to lie inside the file."""
        info = self._info(name)
        header = self._read_at(name, info.header_offset, 30)
        if header[:4] != b"PK\x03\x04":
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: invalid header or archive is "
                               "corrupted." + MINIZ_SUFFIX)
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        offset = info.header_offset + 30 + name_len + extra_len
        if offset + info.compress_size > self.size:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: invalid header or archive is "
                               "corrupted." + MINIZ_SUFFIX)
        return offset

    def record_size(self, name):
        return self._info(name).file_size

    def read_storage(self, name, nbytes, mmap_array=None):
        """The `nbytes` bytes of storage record `name` (a slice of `mmap_array`, the mapped file, when given), after
        checking that the record holds exactly that many bytes."""
        info = self._info(name)
        if mmap_array is None:
            validate.record_arguments(name, nbytes)
        validate.record_size(name, info.file_size, nbytes)
        if info.compress_type != zipfile.ZIP_STORED:
            if mmap_array is not None:
                raise RuntimeError(f"PytorchStreamReader failed reading file {name}: the record is compressed, so it "
                                   "cannot be memory-mapped (mmap=True)")
            data = self.get_record(name)
            validate.record_size(name, len(data), nbytes)
            return data
        offset = self.get_record_offset(name)
        if mmap_array is not None:
            return mmap_array[offset:offset + nbytes]
        return self._read_at(name, offset, nbytes)
