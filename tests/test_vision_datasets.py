"""torchlike.vision datasets, fake-data generator, utils and io (no real torch needed)."""
import gzip
import hashlib
import os
import pickle
import shutil
import time
import urllib.error

import numpy as np
import pytest
from PIL import Image

import torchlike as torch
from torchlike.utils.data import DataLoader
from torchlike.vision import datasets, fake_data, io, transforms as T, utils
from torchlike.vision.datasets import utils as dutils

N_TRAIN, N_TEST = 60, 20


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    r = tmp_path_factory.mktemp("data")
    fake_data.generate(r, train=N_TRAIN, test=N_TEST, seed=3)
    return str(r)


def _md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


# ------------------------------------------------------------------------------------------------ generator
def test_generator_layout(root):
    for name in ("MNIST", "FashionMNIST"):
        raw = os.path.join(root, name, "raw")
        for f in fake_data.MNIST_FILES:
            assert os.path.isfile(os.path.join(raw, f)) and os.path.isfile(os.path.join(raw, f + ".gz"))
        with gzip.open(os.path.join(raw, "train-images-idx3-ubyte.gz")) as g:
            assert g.read() == open(os.path.join(raw, "train-images-idx3-ubyte"), "rb").read()
        head = open(os.path.join(raw, "train-images-idx3-ubyte"), "rb").read(16)
        assert head == bytes.fromhex("00000803") + N_TRAIN.to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
        assert open(os.path.join(raw, "t10k-labels-idx1-ubyte"), "rb").read(8) == \
            bytes.fromhex("00000801") + N_TEST.to_bytes(4, "big")
    cifar = os.path.join(root, "cifar-10-batches-py")
    assert sorted(os.listdir(cifar)) == ["batches.meta"] + [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    with open(os.path.join(cifar, "data_batch_1"), "rb") as f:
        entry = pickle.load(f, encoding="latin1")
    assert set(entry) == {"batch_label", "labels", "data", "filenames"}
    assert entry["data"].dtype == np.uint8 and entry["data"].shape == (N_TRAIN // 5, 3072)
    assert all(isinstance(v, int) for v in entry["labels"])


def test_generator_deterministic_and_balanced(tmp_path):
    a = fake_data.generate(tmp_path / "a", train=30, test=10, seed=1, only=("mnist",))
    fake_data.generate(tmp_path / "b", train=30, test=10, seed=1, only=("mnist",))
    for f in fake_data.MNIST_FILES:
        assert _md5(tmp_path / "a" / "MNIST" / "raw" / f) == _md5(tmp_path / "b" / "MNIST" / "raw" / f)
    ds = datasets.MNIST(str(tmp_path / "a"))
    assert np.bincount(ds.targets.numpy(), minlength=10).tolist() == [3] * 10
    assert a == {"MNIST": str(tmp_path / "a" / "MNIST" / "raw")}


def test_generator_cli(tmp_path):
    assert fake_data.main([str(tmp_path), "--train", "10", "--test", "5", "--only", "fashion"]) == 0
    ds = datasets.FashionMNIST(str(tmp_path), train=False)
    assert len(ds) == 5


def test_generated_classes_are_learnable(root):
    """Nearest-class-mean on raw pixels already separates the fake classes well."""
    for cls in (datasets.MNIST, datasets.FashionMNIST, datasets.CIFAR10):
        tr, te = cls(root, train=True), cls(root, train=False)
        xtr = np.asarray(tr.data, dtype=np.float32).reshape(len(tr), -1)
        ytr = np.asarray(tr.targets)
        xte = np.asarray(te.data, dtype=np.float32).reshape(len(te), -1)
        means = np.stack([xtr[ytr == c].mean(0) for c in range(10)])
        pred = ((xte[:, None, :] - means[None]) ** 2).sum(-1).argmin(1)
        assert (pred == np.asarray(te.targets)).mean() > 0.4, cls.__name__


# ------------------------------------------------------------------------------------------------ MNIST family
def test_mnist_attributes(root):
    ds = datasets.MNIST(root, train=True)
    assert len(ds) == N_TRAIN
    assert isinstance(ds.data, torch.Tensor) and ds.data.dtype == torch.uint8 and ds.data.shape == (N_TRAIN, 28, 28)
    assert isinstance(ds.targets, torch.Tensor) and ds.targets.dtype == torch.int64 and ds.targets.shape == (N_TRAIN,)
    assert ds.classes[0] == "0 - zero" and ds.class_to_idx["9 - nine"] == 9
    assert ds.raw_folder == os.path.join(root, "MNIST", "raw")
    img, target = ds[3]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
    assert type(target) is int and target == int(ds.targets[3])
    np.testing.assert_array_equal(np.asarray(img), ds.data[3].numpy())
    test = datasets.MNIST(root, train=False)
    assert len(test) == N_TEST and test.data.shape == (N_TEST, 28, 28)


def test_mnist_repr(root):
    ds = datasets.MNIST(root, train=False, transform=T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))]))
    assert repr(ds) == (
        f"Dataset MNIST\n    Number of datapoints: {N_TEST}\n    Root location: {root}\n    Split: Test\n"
        "    StandardTransform\nTransform: Compose(\n               ToTensor()\n"
        "               Normalize(mean=(0.1307,), std=(0.3081,))\n           )")
    ds = datasets.MNIST(root, transform=T.ToTensor(), target_transform=T.Lambda(lambda y: y))
    assert repr(ds).endswith("    StandardTransform\nTransform: ToTensor()\nTarget transform: Lambda()")
    assert repr(datasets.MNIST(root)) == (
        f"Dataset MNIST\n    Number of datapoints: {N_TRAIN}\n    Root location: {root}\n    Split: Train")


def test_mnist_transforms_applied(root):
    ds = datasets.MNIST(root, transform=T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))]),
                        target_transform=lambda y: y + 100)
    x, y = ds[0]
    assert isinstance(x, torch.Tensor) and x.shape == (1, 28, 28) and x.dtype == torch.float32
    ref = (ds.data[0].numpy().astype(np.float32) / np.float32(255) - np.float32(0.5)) / np.float32(0.5)
    np.testing.assert_array_equal(x.numpy()[0], ref)
    assert y == int(ds.targets[0]) + 100


def test_mnist_deprecated_attributes(root):
    ds = datasets.MNIST(root)
    for name, new in [("train_data", "data"), ("test_data", "data"), ("train_labels", "targets"),
                      ("test_labels", "targets")]:
        with pytest.warns(UserWarning, match=f"{name} has been renamed {new}"):
            assert getattr(ds, name) is getattr(ds, new)


def test_mnist_reads_gz_only_and_subclass_folders(root, tmp_path):
    raw = tmp_path / "KMNIST" / "raw"
    raw.mkdir(parents=True)
    for f in fake_data.MNIST_FILES:
        shutil.copy(os.path.join(root, "MNIST", "raw", f + ".gz"), raw)
    k = datasets.KMNIST(str(tmp_path))
    m = datasets.MNIST(root)
    np.testing.assert_array_equal(k.data.numpy(), m.data.numpy())
    np.testing.assert_array_equal(k.targets.numpy(), m.targets.numpy())
    assert k.classes[:2] == ["o", "ki"]
    f = datasets.FashionMNIST(root, train=False)
    assert f.classes[9] == "Ankle boot" and len(f) == N_TEST and f[0][0].mode == "L"


def test_emnist_split(tmp_path):
    raw = tmp_path / "EMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (7, 28, 28), dtype=np.uint8), np.arange(7, dtype=np.uint8)
    fake_data.write_idx(str(raw / "emnist-letters-train-images-idx3-ubyte"), x, gz=False)
    fake_data.write_idx(str(raw / "emnist-letters-train-labels-idx1-ubyte"), y, plain=False)
    ds = datasets.EMNIST(str(tmp_path), split="letters")
    assert len(ds) == 7 and ds.classes[:3] == ["N/A", "a", "b"] and ds.targets.tolist() == list(range(7))
    np.testing.assert_array_equal(ds.data.numpy(), x)
    with pytest.raises(ValueError, match="Unknown value 'bogus' for argument split. Valid values are"):
        datasets.EMNIST(str(tmp_path), split="bogus")


def test_mnist_processed_legacy_layout(root, tmp_path):
    m = datasets.MNIST(root)
    proc = tmp_path / "MNIST" / "processed"
    proc.mkdir(parents=True)
    torch.save((m.data, m.targets), str(proc / "training.pt"))
    torch.save((m.data[:5], m.targets[:5]), str(proc / "test.pt"))
    ds = datasets.MNIST(str(tmp_path), train=False)
    assert len(ds) == 5 and ds.targets.tolist() == m.targets[:5].tolist()


def test_mnist_load_time(tmp_path):
    rng = np.random.default_rng(0)
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for split, n in (("train", 60000), ("t10k", 10)):
        fake_data.write_idx(str(raw / f"{split}-images-idx3-ubyte"), rng.integers(0, 256, (n, 28, 28), np.uint8),
                            gz=False)
        fake_data.write_idx(str(raw / f"{split}-labels-idx1-ubyte"), rng.integers(0, 10, n, np.uint8), gz=False)
    t0 = time.perf_counter()
    ds = datasets.MNIST(str(tmp_path))
    elapsed = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(1000):
        ds[i]
    per_item = (time.perf_counter() - t0) / 1000
    print(f"\nMNIST 60000 images loaded in {elapsed:.3f} s; __getitem__ {per_item * 1e6:.0f} us")
    assert len(ds) == 60000


def test_missing_dataset_errors(tmp_path):
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        datasets.MNIST(str(tmp_path))
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted. You can use download=True"):
        datasets.CIFAR10(str(tmp_path))


# ------------------------------------------------------------------------------------------------ downloads
def _no_network(monkeypatch):
    def fail(url, filename, chunk_size=0):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
    monkeypatch.setattr(dutils, "_urlretrieve", fail)


def test_download_without_network_names_folder_and_files(tmp_path, monkeypatch, capsys):
    _no_network(monkeypatch)
    with pytest.raises(RuntimeError) as e:
        datasets.MNIST(str(tmp_path), download=True)
    msg = str(e.value)
    assert msg.startswith("Error downloading train-images-idx3-ubyte.gz")
    assert os.path.join(str(tmp_path), "MNIST", "raw") in msg
    for f in ("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        assert f in msg
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz" in capsys.readouterr().out
    with pytest.raises(RuntimeError) as e:
        datasets.CIFAR10(str(tmp_path), download=True)
    assert "cifar-10-python.tar.gz" in str(e.value) and "cifar-10-batches-py" in str(e.value)
    assert "data_batch_1" in str(e.value) and "batches.meta" in str(e.value)


def test_download_skipped_when_present(root, monkeypatch):
    _no_network(monkeypatch)
    assert len(datasets.MNIST(root, download=True)) == N_TRAIN
    assert len(datasets.CIFAR10(root, train=False, download=True)) == N_TEST


def test_download_from_mirror_with_md5_and_extraction(root, tmp_path, monkeypatch):
    """The real download path (urllib, progress bar, md5 check, gunzip), served from a file:// mirror."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    resources = []
    for f in fake_data.MNIST_FILES:
        shutil.copy(os.path.join(root, "MNIST", "raw", f + ".gz"), mirror)
        resources.append((f + ".gz", _md5(mirror / (f + ".gz"))))
    monkeypatch.setattr(datasets.MNIST, "mirrors", ["file:///nonexistent-mirror/", mirror.as_uri() + "/"])
    monkeypatch.setattr(datasets.MNIST, "resources", resources)
    dest = tmp_path / "dest"
    ds = datasets.MNIST(str(dest), download=True)
    np.testing.assert_array_equal(ds.data.numpy(), datasets.MNIST(root).data.numpy())
    assert os.path.isfile(dest / "MNIST" / "raw" / "train-images-idx3-ubyte")
    # a corrupted file fails the md5 check
    monkeypatch.setattr(datasets.MNIST, "resources", [(resources[0][0], "0" * 32)])
    with pytest.raises(RuntimeError, match="File not found or corrupted."):
        datasets.MNIST(str(tmp_path / "dest2"), download=True)


def test_cifar_download_from_archive(root, tmp_path, monkeypatch):
    import tarfile
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(os.path.join(root, "cifar-10-batches-py"), arcname="cifar-10-batches-py")
    monkeypatch.setattr(datasets.CIFAR10, "url", archive.as_uri())
    monkeypatch.setattr(datasets.CIFAR10, "tgz_md5", _md5(archive))
    ds = datasets.CIFAR10(str(tmp_path / "dl"), download=True)
    assert len(ds) == N_TRAIN and ds.classes == fake_data.CIFAR10_CLASSES


def test_utils_helpers(tmp_path):
    p = tmp_path / "x.bin"
    p.write_bytes(b"hello")
    assert dutils.check_integrity(str(p)) and dutils.check_integrity(str(p), hashlib.md5(b"hello").hexdigest())
    assert not dutils.check_integrity(str(p), "0" * 32) and not dutils.check_integrity(str(tmp_path / "nope"))
    assert dutils.verify_str_arg("a", "arg", ("a", "b")) == "a"
    with pytest.raises(ValueError, match=r"Unknown value 'c' for argument arg. Valid values are \{'a', 'b'\}."):
        dutils.verify_str_arg("c", "arg", ("a", "b"))
    with gzip.open(tmp_path / "y.txt.gz", "wb") as g:
        g.write(b"data")
    dutils.extract_archive(str(tmp_path / "y.txt.gz"))
    assert (tmp_path / "y.txt").read_bytes() == b"data"


# ------------------------------------------------------------------------------------------------ CIFAR
def test_cifar10(root):
    ds = datasets.CIFAR10(root, train=True)
    assert isinstance(ds.data, np.ndarray) and ds.data.dtype == np.uint8 and ds.data.shape == (N_TRAIN, 32, 32, 3)
    assert isinstance(ds.targets, list) and all(type(t) is int for t in ds.targets) and len(ds.targets) == N_TRAIN
    assert ds.classes == fake_data.CIFAR10_CLASSES and ds.class_to_idx["truck"] == 9
    img, target = ds[5]
    assert isinstance(img, Image.Image) and img.mode == "RGB" and img.size == (32, 32) and target == ds.targets[5]
    np.testing.assert_array_equal(np.asarray(img), ds.data[5])
    te = datasets.CIFAR10(root, train=False, transform=T.ToTensor())
    x, _ = te[0]
    assert x.shape == (3, 32, 32)
    np.testing.assert_array_equal(x.numpy(), te.data[0].transpose(2, 0, 1).astype(np.float32) / np.float32(255))
    assert repr(te).splitlines()[:5] == ["Dataset CIFAR10", f"    Number of datapoints: {N_TEST}",
                                         f"    Root location: {root}", "    Split: Test", "    StandardTransform"]


def test_cifar100(tmp_path):
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name, n in (("train", 6), ("test", 4)):
        with open(folder / name, "wb") as f:
            pickle.dump({"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                         "fine_labels": list(range(n)), "coarse_labels": [0] * n}, f)
    with open(folder / "meta", "wb") as f:
        pickle.dump({"fine_label_names": [f"c{i}" for i in range(100)], "coarse_label_names": ["x"] * 20}, f)
    ds = datasets.CIFAR100(str(tmp_path), train=False)
    assert len(ds) == 4 and ds.targets == [0, 1, 2, 3] and ds.classes[99] == "c99" and ds.data.shape == (4, 32, 32, 3)


# ------------------------------------------------------------------------------------------------ folders, FakeData
def _make_folder(path):
    rng = np.random.default_rng(0)
    for cls, n in (("cat", 2), ("dog", 3)):
        (path / cls).mkdir(parents=True)
        for i in range(n):
            Image.fromarray(rng.integers(0, 256, (8, 10, 3), dtype=np.uint8)).save(path / cls / f"{i}.png")
    (path / "dog" / "notes.txt").write_text("not an image")


def test_image_folder(tmp_path):
    _make_folder(tmp_path)
    ds = datasets.ImageFolder(str(tmp_path), transform=T.ToTensor())
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert ds.targets == [0, 0, 1, 1, 1] and ds.imgs is ds.samples and len(ds) == 5
    assert ds.samples[2] == (os.path.join(str(tmp_path), "dog", "0.png"), 1)
    x, y = ds[4]
    assert x.shape == (3, 8, 10) and y == 1
    raw = datasets.ImageFolder(str(tmp_path))
    assert raw[0][0].mode == "RGB"
    txt = datasets.DatasetFolder(str(tmp_path), loader=lambda p: open(p).read(), extensions=(".txt",),
                                 allow_empty=True)
    assert len(txt) == 1 and txt[0] == ("not an image", 1)
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes cat. Supported extensions"):
        datasets.DatasetFolder(str(tmp_path), loader=open, extensions=(".txt",))
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        datasets.ImageFolder(str(tmp_path / "cat"))


def test_fake_data():
    ds = datasets.FakeData(size=4, image_size=(3, 8, 6), num_classes=3, transform=T.ToTensor())
    x, y = ds[1]
    assert len(ds) == 4 and x.shape == (3, 8, 6) and 0 <= y < 3
    torch.manual_seed(5)
    before = torch.rand(1).item()
    torch.manual_seed(5)
    np.testing.assert_array_equal(ds[1][0].numpy(), x.numpy())  # same image for the same index
    assert torch.rand(1).item() == before                      # the global generator is restored
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[4]


def test_dataloader_batches(root):
    ds = datasets.MNIST(root, transform=T.ToTensor())
    x, y = next(iter(DataLoader(ds, batch_size=16, shuffle=False)))
    assert x.shape == (16, 1, 28, 28) and x.dtype == torch.float32 and y.dtype == torch.int64
    assert y.tolist() == ds.targets[:16].tolist()


# ------------------------------------------------------------------------------------------------ utils, io
def _grid_ref(x, nrow, padding, pad_value):
    b, c, h, w = x.shape
    if c == 1:
        x = np.repeat(x, 3, 1)
        c = 3
    xm = min(nrow, b)
    ym = -(-b // xm)
    g = np.full((c, (h + padding) * ym + padding, (w + padding) * xm + padding), pad_value, x.dtype)
    for k in range(b):
        y0, x0 = divmod(k, xm)
        g[:, y0 * (h + padding) + padding: y0 * (h + padding) + padding + h,
          x0 * (w + padding) + padding: x0 * (w + padding) + padding + w] = x[k]
    return g


@pytest.mark.parametrize("shape,nrow,padding", [((5, 3, 4, 6), 2, 2), ((3, 1, 5, 5), 8, 1), ((10, 3, 2, 2), 4, 0)])
def test_make_grid(shape, nrow, padding):
    x = np.random.default_rng(0).random(shape, dtype=np.float32)
    g = utils.make_grid(torch.from_numpy(x), nrow=nrow, padding=padding, pad_value=0.5)
    np.testing.assert_array_equal(g.numpy(), _grid_ref(x, nrow, padding, 0.5))
    g2 = utils.make_grid([torch.from_numpy(t) for t in x], nrow=nrow, padding=padding, pad_value=0.5)
    np.testing.assert_array_equal(g2.numpy(), g.numpy())


def test_make_grid_normalize_and_single():
    x = np.random.default_rng(1).normal(size=(4, 3, 3, 3)).astype(np.float32)
    g = utils.make_grid(torch.from_numpy(x), normalize=True, padding=0, nrow=4)
    ref = (x - x.min()) / (x.max() - x.min())
    np.testing.assert_allclose(g.numpy(), _grid_ref(ref, 4, 0, 0.0), rtol=1e-6, atol=1e-6)
    g = utils.make_grid(torch.from_numpy(x), normalize=True, scale_each=True, padding=0, nrow=4)
    ref = np.stack([(t - t.min()) / (t.max() - t.min()) for t in x])
    np.testing.assert_allclose(g.numpy(), _grid_ref(ref, 4, 0, 0.0), rtol=1e-6, atol=1e-6)
    g = utils.make_grid(torch.from_numpy(x), normalize=True, value_range=(-1, 1), padding=0, nrow=4)
    np.testing.assert_allclose(g.numpy(), _grid_ref((np.clip(x, -1, 1) + 1) / 2, 4, 0, 0.0), atol=1e-6)
    assert utils.make_grid(torch.from_numpy(x[:1])).shape == (3, 3, 3)
    assert utils.make_grid(torch.zeros(1, 4, 5)).shape == (3, 4, 5)
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        utils.make_grid(x)


def test_save_and_read_image(tmp_path):
    x = np.random.default_rng(2).random((2, 3, 4, 5), dtype=np.float32)
    utils.save_image(torch.from_numpy(x), str(tmp_path / "g.png"), padding=1)
    grid = _grid_ref(x, 8, 1, 0.0)
    expected = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "g.png")), expected)
    t = io.read_image(str(tmp_path / "g.png"))
    assert t.dtype == torch.uint8 and t.shape == (3, grid.shape[1], grid.shape[2])
    np.testing.assert_array_equal(t.numpy(), expected.transpose(2, 0, 1))
    gray = io.read_image(str(tmp_path / "g.png"), io.ImageReadMode.GRAY)
    assert gray.shape == (1,) + t.shape[1:]
    io.write_png(t, str(tmp_path / "h.png"))
    np.testing.assert_array_equal(io.read_image(str(tmp_path / "h.png"), "RGB").numpy(), t.numpy())
    assert io.decode_image(io.read_file(str(tmp_path / "h.png"))).shape == t.shape


@pytest.mark.slow
def test_small_mlp_learns_fake_mnist(tmp_path):
    """The default-size fake MNIST is learnable: an MLP passes 90% test accuracy within two epochs."""
    fake_data.generate(tmp_path, only=("mnist",))
    torch.manual_seed(0)
    tf = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])
    train = DataLoader(datasets.MNIST(str(tmp_path), transform=tf), batch_size=64, shuffle=True)
    test = DataLoader(datasets.MNIST(str(tmp_path), train=False, transform=tf), batch_size=250)
    nn = torch.nn
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(2):
        for x, y in train:
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
    with torch.no_grad():
        correct = sum((model(x).argmax(1) == y).sum().item() for x, y in test)
    assert correct / len(test.dataset) > 0.9
