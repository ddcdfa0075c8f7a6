"""Download, checksum and archive helpers (torchvision.datasets.utils)."""
from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import os
import os.path
import shutil
import tarfile
import urllib.error
import urllib.request
import zipfile

USER_AGENT = "torchlike/vision"


def calculate_md5(fpath, chunk_size=1024 * 1024):
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """True if `fpath` is a file and, when `md5` is given, its MD5 digest equals `md5`."""
    if not os.path.isfile(fpath):
        return False
    if md5 is None:
        return True
    return check_md5(fpath, md5)


def _progress_bar(total):
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is optional
        return None
    return tqdm(total=total, unit="B", unit_scale=True)


def _urlretrieve(url, filename, chunk_size=1024 * 32):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request) as response:
        total = getattr(response, "length", None)
        pbar = _progress_bar(total)
        try:
            with open(filename, "wb") as fh:
                while chunk := response.read(chunk_size):
                    fh.write(chunk)
                    if pbar is not None:
                        pbar.update(len(chunk))
        finally:
            if pbar is not None:
                pbar.close()


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3):
    """Download a file from a url and place it in root (skipped when a verified copy is already there)."""
    root = os.path.expanduser(root)
    if not filename:
        filename = os.path.basename(url)
    fpath = os.fspath(os.path.join(root, filename))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        print("Using downloaded and verified file: " + fpath)
        return
    try:
        print("Downloading " + url + " to " + fpath)
        _urlretrieve(url, fpath)
    except (urllib.error.URLError, OSError) as e:
        if url[:5] == "https":
            url = url.replace("https:", "http:")
            print("Failed download. Trying https -> http instead. Downloading " + url + " to " + fpath)
            _urlretrieve(url, fpath)
        else:
            raise e
    if not check_integrity(fpath, md5):
        raise RuntimeError("File not found or corrupted.")


# ---------------------------------------------------------------------------------------------------------- archives
_COMPRESSED_FILE_OPENERS = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}
_ARCHIVE_SUFFIXES = (".tar", ".zip")
_FILE_TYPE_ALIASES = {".tbz": (".tar", ".bz2"), ".tbz2": (".tar", ".bz2"), ".tgz": (".tar", ".gz")}


def _detect_file_type(file):
    """(suffix, archive_type, compression) of a file name, e.g. ('.tar.gz', '.tar', '.gz')."""
    suffixes = __import__("pathlib").Path(file).suffixes
    if not suffixes:
        raise RuntimeError(
            f"File '{file}' has no suffixes that could be used to detect the archive type and compression.")
    suffix = suffixes[-1]
    if suffix in _FILE_TYPE_ALIASES:
        return (suffix, *_FILE_TYPE_ALIASES[suffix])
    if suffix in _ARCHIVE_SUFFIXES:
        return suffix, suffix, None
    if suffix in _COMPRESSED_FILE_OPENERS:
        if len(suffixes) > 1 and suffixes[-2] in _ARCHIVE_SUFFIXES:
            return suffixes[-2] + suffix, suffixes[-2], suffix
        return suffix, None, suffix
    valid = sorted(set(_FILE_TYPE_ALIASES) | set(_ARCHIVE_SUFFIXES) | set(_COMPRESSED_FILE_OPENERS))
    raise RuntimeError(f"Unknown compression or archive type: '{suffix}'.\nKnown suffixes are: '{valid}'.")


def _decompress(from_path, to_path=None, remove_finished=False):
    suffix, archive_type, compression = _detect_file_type(from_path)
    if not compression:
        raise RuntimeError(f"Couldn't detect a compression from suffix {suffix}.")
    if to_path is None:
        to_path = from_path.replace(suffix, archive_type if archive_type is not None else "")
    with _COMPRESSED_FILE_OPENERS[compression](from_path, "rb") as rfh, open(to_path, "wb") as wfh:
        shutil.copyfileobj(rfh, wfh, 1024 * 1024)
    if remove_finished:
        os.remove(from_path)
    return to_path


def _safe_members(tar, to_path):
    base = os.path.realpath(to_path)
    for member in tar.getmembers():
        target = os.path.realpath(os.path.join(to_path, member.name))
        if os.path.commonpath([base, target]) != base:
            raise RuntimeError(f"Refusing to extract '{member.name}' outside of '{to_path}'")
        yield member


def _extract_tar(from_path, to_path, compression):
    with tarfile.open(from_path, f"r:{compression[1:]}" if compression else "r") as tar:
        tar.extractall(to_path, members=list(_safe_members(tar, to_path)))


def _extract_zip(from_path, to_path, compression):
    with zipfile.ZipFile(from_path, "r") as zf:
        zf.extractall(to_path)


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract a .tar[.gz|.bz2|.xz], .tgz or .zip archive, or decompress a .gz/.bz2/.xz file; returns to_path."""
    from_path = os.fspath(from_path)
    if to_path is None:
        to_path = os.path.dirname(from_path)
    to_path = os.fspath(to_path)
    suffix, archive_type, compression = _detect_file_type(from_path)
    if not archive_type:
        return _decompress(from_path, os.path.join(to_path, os.path.basename(from_path).replace(suffix, "")),
                           remove_finished=remove_finished)
    extractor = _extract_zip if archive_type == ".zip" else _extract_tar
    extractor(from_path, to_path, compression)
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    download_root = os.path.expanduser(download_root)
    if extract_root is None:
        extract_root = download_root
    if not filename:
        filename = os.path.basename(url)
    download_url(url, download_root, filename, md5)
    archive = os.path.join(download_root, filename)
    print(f"Extracting {archive} to {extract_root}")
    extract_archive(archive, extract_root, remove_finished)


def iterable_to_str(iterable):
    return "'" + "', '".join([str(item) for item in iterable]) + "'"


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    if not isinstance(value, str):
        if arg is None:
            msg = "Expected type str, but got type {type}."
        else:
            msg = "Expected type str for argument {arg}, but got type {type}."
        raise ValueError(msg.format(type=type(value), arg=arg))
    if valid_values is None:
        return value
    if value not in valid_values:
        if custom_msg is not None:
            msg = custom_msg
        else:
            msg = "Unknown value '{value}' for argument {arg}. Valid values are {{{valid_values}}}."
            msg = msg.format(value=value, arg=arg, valid_values=iterable_to_str(valid_values))
        raise ValueError(msg)
    return value


def offline_error(what, folder, files, cause=None):
    """The RuntimeError raised when a download failed: says where to put which files by hand."""
    names = ", ".join(files)
    msg = (f"Error downloading {what}: could not reach the download mirrors"
           f"{f' ({cause})' if cause else ''}. Without network access, put the files {names} "
           f"into the folder {folder} and run again.")
    return RuntimeError(msg)
