"""torch.hub: the download cache ($TORCH_HOME/hub), checkpoint downloads with hash checks, and entry points from
a repository's hubconf.py.

`load_state_dict_from_url` reads `<hub dir>/checkpoints/<file>` when present (so a warm cache works offline) and
otherwise downloads it (file:// URLs work without a network); `load(dir, model, source='local')` imports
`dir/hubconf.py`. GitHub sources need the network: offline they raise URLError naming the URL.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import uuid
import warnings
from urllib.error import HTTPError, URLError  # noqa: F401
from urllib.parse import urlparse
from urllib.request import Request, urlopen

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
ENV_GITHUB_TOKEN = "GITHUB_TOKEN"
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
VAR_DEPENDENCY = "dependencies"
MODULE_HUBCONF = "hubconf.py"
READ_DATA_CHUNK = 128 * 1024
_hub_dir = None


class _Faketqdm:
    """A minimal progress bar on stderr (tqdm when installed)."""

    def __init__(self, total=None, disable=False, unit=None, *args, **kwargs):
        self.total, self.disable, self.n = total, disable, 0

    def update(self, n):
        if self.disable:
            return
        self.n += n
        if self.total is None:
            sys.stderr.write(f"\r{self.n:.1f} bytes")
        else:
            sys.stderr.write(f"\r{100 * self.n / float(self.total):.1f}%")
        sys.stderr.flush()

    def close(self):
        self.disable = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.disable:
            sys.stderr.write("\n")


try:
    from tqdm import tqdm
except ImportError:
    tqdm = _Faketqdm


def _get_torch_home():
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, os.path.join(os.getenv(ENV_XDG_CACHE_HOME,
                                                                               DEFAULT_CACHE_DIR), "torch")))


def get_dir():
    """The hub cache directory: set_dir's, else $TORCH_HOME/hub, else $XDG_CACHE_HOME/torch/hub."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def _offline(url, e):
    reason = getattr(e, "reason", e)
    return URLError(f"cannot download {url}: {reason} (no network access? put the file in the hub cache "
                    f"{get_dir()} to use it offline)")


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download `url` to `dst` (atomically, through a temporary file); with `hash_prefix` the SHA-256 of the
    content must start with it, else RuntimeError and no file is written."""
    file_size = None
    req = Request(url, headers={"User-Agent": "torch.hub"})
    try:
        u = urlopen(req)
    except URLError as e:
        if isinstance(e, HTTPError):
            raise
        raise _offline(url, e) from e
    meta = u.info()
    content_length = meta.get_all("Content-Length") if hasattr(meta, "get_all") else meta.getheaders("Content-Length")
    if content_length:
        file_size = int(content_length[0])
    dst = os.path.expanduser(dst)
    for _ in range(tempfile.TMP_MAX):
        tmp_dst = dst + "." + uuid.uuid4().hex + ".partial"
        try:
            f = open(tmp_dst, "w+b")
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(errno.EEXIST, "No usable temporary file name found")
    try:
        sha256 = hashlib.sha256() if hash_prefix is not None else None
        with tqdm(total=file_size, disable=not progress, unit="B", unit_scale=True, unit_divisor=1024) as pbar:
            while True:
                buffer = u.read(READ_DATA_CHUNK)
                if len(buffer) == 0:
                    break
                f.write(buffer)
                if sha256 is not None:
                    sha256.update(buffer)
                pbar.update(len(buffer))
        f.close()
        if sha256 is not None:
            digest = sha256.hexdigest()
            if digest[:len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        shutil.move(f.name, dst)
    finally:
        f.close()
        u.close()
        if os.path.exists(f.name):
            os.remove(f.name)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=True):
    """torch.load of the file at `url`, cached in `<hub dir>/checkpoints` (downloaded only when not cached)."""
    from .serialization import load as _load
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stderr.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            r = HASH_REGEX.search(filename)
            hash_prefix = r.group(1) if r else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


@contextlib.contextmanager
def _add_to_sys_path(path):
    sys.path.insert(0, path)
    try:
        yield
    finally:
        sys.path.remove(path)


def _import_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check_dependencies(m):
    deps = getattr(m, VAR_DEPENDENCY, None)
    if deps is not None:
        missing = [pkg for pkg in deps if importlib.util.find_spec(pkg) is None]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")


def _load_entry_from_hubconf(m, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    _check_dependencies(m)
    func = getattr(m, model, None)
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def _hubconf(repo_dir):
    with _add_to_sys_path(repo_dir):
        return _import_module(MODULE_HUBCONF, os.path.join(repo_dir, MODULE_HUBCONF))


def _repo_dir(github, source, force_reload, trust_repo, skip_validation, verbose, calling_fn):
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "local":
        return github
    owner_name, _, ref = github.partition(":")
    if "/" not in owner_name:
        raise ValueError(f"Invalid input: repo_or_dir should be of the form repo_owner/repo_name[:ref], got "
                         f"{github}")
    owner, name = owner_name.split("/", 1)
    normalized = "_".join([owner, name, (ref or "main").replace("/", "_")])
    repo_dir = os.path.join(get_dir(), normalized)
    if os.path.exists(repo_dir) and not force_reload:
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    url = f"https://github.com/{owner}/{name}/zipball/{ref or 'main'}"
    cached = os.path.join(get_dir(), normalized + ".zip")
    os.makedirs(get_dir(), exist_ok=True)
    download_url_to_file(url, cached, progress=False)
    import zipfile
    with zipfile.ZipFile(cached) as zf:
        root = zf.infolist()[0].filename
        zf.extractall(get_dir())
    os.remove(cached)
    shutil.rmtree(repo_dir, ignore_errors=True)
    shutil.move(os.path.join(get_dir(), root), repo_dir)
    return repo_dir


def list(github, force_reload=False, skip_validation=False, trust_repo=None, verbose=True):  # noqa: A001
    """The entry points (public callables) of the repository's hubconf.py."""
    repo_dir = _repo_dir(github, "github" if not os.path.isdir(github) else "local", force_reload, trust_repo,
                         skip_validation, verbose, "list")
    m = _hubconf(repo_dir)
    return [f for f in dir(m) if callable(getattr(m, f)) and not f.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo=None):  # noqa: A001
    """The docstring of entry point `model`."""
    repo_dir = _repo_dir(github, "github" if not os.path.isdir(github) else "local", force_reload, trust_repo,
                         skip_validation, True, "help")
    return _load_entry_from_hubconf(_hubconf(repo_dir), model).__doc__


def _load_local(hubconf_dir, model, *args, **kwargs):
    m = _hubconf(hubconf_dir)
    with _add_to_sys_path(hubconf_dir):
        return _load_entry_from_hubconf(m, model)(*args, **kwargs)


def load(repo_or_dir, model, *args, source="github", trust_repo=None, force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    """Call entry point `model` of the repository (source='github') or directory (source='local')."""
    source = source.lower()
    repo_or_dir = _repo_dir(repo_or_dir, source, force_reload, trust_repo, skip_validation, verbose, "load")
    return _load_local(repo_or_dir, model, *args, **kwargs)
