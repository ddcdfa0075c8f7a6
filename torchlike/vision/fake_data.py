"""Small synthetic stand-ins for MNIST, FashionMNIST and CIFAR10, written in the exact on-disk formats that
torchvision reads (IDX files, gzipped and plain, in ROOT/MNIST/raw and ROOT/FashionMNIST/raw; the python pickle
batches in ROOT/cifar-10-batches-py).

Each class has its own structure (digit strokes, clothing silhouettes, coloured object layouts) under random
affine jitter, stroke width, colours and noise, so a small MLP/CNN learns them in an epoch or two.

    python -m torchlike.vision.fake_data ROOT [--train N] [--test N] [--seed S] [--only mnist,fashion,cifar10]

or from Python: ``torchlike.vision.fake_data.generate(root, train=2000, test=500, seed=0)``.
"""
from __future__ import annotations

import argparse
import gzip
import math
import os
import pickle
import struct
import sys
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

__all__ = ["generate", "write_idx", "mnist_images", "fashion_images", "cifar_images"]

MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
               "t10k-labels-idx1-ubyte")
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


# ------------------------------------------------------------------------------------------------------ file formats
def write_idx(path, array, gz=True, plain=True):
    """Write a uint8 array as an IDX file (`path`, and `path + '.gz'` when gz)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">I", 0x0800 | array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    payload = header + array.tobytes()
    if plain:
        with open(path, "wb") as f:
            f.write(payload)
    if gz:
        with open(path + ".gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(payload)


def _write_mnist_like(folder, train, test):
    os.makedirs(folder, exist_ok=True)
    (xtr, ytr), (xte, yte) = train, test
    for name, arr in zip(MNIST_FILES, (xtr, ytr, xte, yte)):
        write_idx(os.path.join(folder, name), arr)


def _write_cifar10(folder, train, test):
    os.makedirs(folder, exist_ok=True)
    (xtr, ytr), (xte, yte) = train, test

    def batch(x, y, label, start):
        return {"batch_label": label, "labels": [int(v) for v in y],
                "data": np.ascontiguousarray(x.transpose(0, 3, 1, 2).reshape(len(x), 3072)),
                "filenames": [f"fake_{start + i:06d}.png" for i in range(len(x))]}

    chunks = np.array_split(np.arange(len(xtr)), 5)
    for k, idx in enumerate(chunks, 1):
        with open(os.path.join(folder, f"data_batch_{k}"), "wb") as f:
            pickle.dump(batch(xtr[idx], ytr[idx], f"training batch {k} of 5", int(idx[0]) if len(idx) else 0), f,
                        protocol=4)
    with open(os.path.join(folder, "test_batch"), "wb") as f:
        pickle.dump(batch(xte, yte, "testing batch 1 of 1", 0), f, protocol=4)
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        pickle.dump({"num_cases_per_batch": len(chunks[0]), "label_names": list(CIFAR10_CLASSES), "num_vis": 3072},
                    f, protocol=4)


# ------------------------------------------------------------------------------------------------------ geometry
def _arc(cx, cy, rx, ry, a0, a1, n=12):
    t = np.linspace(math.radians(a0), math.radians(a1), n)
    return list(zip(cx + rx * np.cos(t), cy + ry * np.sin(t)))


# digits as polylines in the unit square (x right, y down)
_DIGITS = {
    0: [_arc(0.5, 0.5, 0.3, 0.44, 0, 360, 24)],
    1: [[(0.35, 0.2), (0.52, 0.05), (0.52, 0.95)]],
    2: [_arc(0.5, 0.3, 0.3, 0.25, 180, 360, 10) + [(0.8, 0.32), (0.2, 0.95), (0.85, 0.95)]],
    3: [_arc(0.48, 0.28, 0.3, 0.22, 200, 450, 12), _arc(0.48, 0.72, 0.33, 0.23, 270, 520, 12)],
    4: [[(0.65, 0.95), (0.65, 0.05), (0.12, 0.66), (0.88, 0.66)]],
    5: [[(0.8, 0.05), (0.27, 0.05), (0.24, 0.45)] + _arc(0.48, 0.67, 0.3, 0.27, 225, 480, 12)],
    6: [[(0.72, 0.05), (0.35, 0.4)] + _arc(0.5, 0.7, 0.27, 0.25, 200, 560, 18)],
    7: [[(0.15, 0.05), (0.85, 0.05), (0.38, 0.95)], [(0.35, 0.5), (0.7, 0.5)]],
    8: [_arc(0.5, 0.27, 0.22, 0.21, 0, 360, 18), _arc(0.5, 0.71, 0.27, 0.24, 0, 360, 18)],
    9: [_arc(0.5, 0.3, 0.25, 0.24, 0, 360, 18), [(0.75, 0.3), (0.62, 0.95)]],
}

# clothing silhouettes: polygons in the unit square; extra dark marks as polylines
_FASHION = {
    0: ([(0.3, 0.1), (0.7, 0.1), (0.95, 0.3), (0.82, 0.42), (0.72, 0.35), (0.72, 0.92), (0.28, 0.92),
         (0.28, 0.35), (0.18, 0.42), (0.05, 0.3)], []),                                            # T-shirt/top
    1: ([(0.3, 0.05), (0.7, 0.05), (0.75, 0.95), (0.56, 0.95), (0.5, 0.35), (0.44, 0.95), (0.25, 0.95)], []),
    2: ([(0.3, 0.08), (0.7, 0.08), (0.92, 0.3), (0.97, 0.9), (0.82, 0.9), (0.74, 0.38), (0.74, 0.92),
         (0.26, 0.92), (0.26, 0.38), (0.18, 0.9), (0.03, 0.9), (0.08, 0.3)], []),                    # Pullover
    3: ([(0.38, 0.05), (0.62, 0.05), (0.62, 0.3), (0.85, 0.95), (0.15, 0.95), (0.38, 0.3)], []),   # Dress
    4: ([(0.28, 0.04), (0.72, 0.04), (0.94, 0.24), (0.97, 0.96), (0.8, 0.96), (0.76, 0.36), (0.76, 0.98),
         (0.24, 0.98), (0.24, 0.36), (0.2, 0.96), (0.03, 0.96), (0.06, 0.24)],
        [[(0.5, 0.06), (0.5, 0.98)]]),                                                             # Coat
    5: ([(0.05, 0.82), (0.95, 0.82), (0.95, 0.92), (0.05, 0.92)],
        [[(0.1, 0.6), (0.9, 0.6)], [(0.2, 0.45), (0.7, 0.45)], [(0.3, 0.45), (0.3, 0.82)]]),         # Sandal
    6: ([(0.3, 0.1), (0.7, 0.1), (0.95, 0.3), (0.84, 0.44), (0.74, 0.36), (0.74, 0.92), (0.26, 0.92),
         (0.26, 0.36), (0.16, 0.44), (0.05, 0.3)],
        [[(0.38, 0.1), (0.5, 0.3), (0.62, 0.1)], [(0.5, 0.3), (0.5, 0.92)]]),                      # Shirt
    7: ([(0.05, 0.55), (0.45, 0.55), (0.7, 0.7), (0.95, 0.75), (0.95, 0.9), (0.05, 0.9)], []),     # Sneaker
    8: ([(0.12, 0.4), (0.88, 0.4), (0.92, 0.92), (0.08, 0.92)],
        [_arc(0.5, 0.4, 0.22, 0.25, 180, 360, 10)]),                                               # Bag
    9: ([(0.3, 0.05), (0.62, 0.05), (0.62, 0.6), (0.95, 0.72), (0.95, 0.92), (0.3, 0.92)], []),    # Ankle boot
}


def _jitter(rng, size, max_rot=15.0, scale=(0.85, 1.1), shift=0.08):
    """A random similarity+shear map from the unit square to pixel coordinates of a size x size canvas."""
    a = math.radians(rng.uniform(-max_rot, max_rot))
    s = rng.uniform(*scale) * 0.72 * size
    sh = rng.uniform(-0.15, 0.15)
    tx, ty = (0.5 + rng.uniform(-shift, shift)) * size, (0.5 + rng.uniform(-shift, shift)) * size
    ca, sa = math.cos(a), math.sin(a)

    def f(pts):
        out = []
        for x, y in pts:
            x, y = x - 0.5 + sh * (y - 0.5), y - 0.5
            out.append((tx + s * (ca * x - sa * y), ty + s * (sa * x + ca * y)))
        return out
    return f


def _finish(canvas, size, rng, noise, blur=0.6):
    img = canvas.resize((size, size), Image.BILINEAR)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    arr = np.asarray(img, dtype=np.float32)
    arr = arr + rng.normal(0.0, noise, arr.shape)
    return np.clip(arr, 0, 255).astype(np.uint8)


def mnist_images(labels, rng, size=28):
    """Digit-like grey images (N, size, size) uint8 for the given labels."""
    big = size * 2
    out = np.empty((len(labels), size, size), np.uint8)
    for n, c in enumerate(labels):
        canvas = Image.new("L", (big, big), 0)
        d = ImageDraw.Draw(canvas)
        f = _jitter(rng, big, max_rot=10.0, scale=(0.9, 1.1), shift=0.05)
        width = int(rng.integers(3, 7))
        for stroke in _DIGITS[int(c)]:
            d.line(f(stroke), fill=int(rng.integers(200, 256)), width=width, joint="curve")
        out[n] = _finish(canvas, size, rng, noise=8.0)
    return out


def fashion_images(labels, rng, size=28):
    """Clothing-silhouette grey images (N, size, size) uint8 for the given labels."""
    big = size * 2
    out = np.empty((len(labels), size, size), np.uint8)
    for n, c in enumerate(labels):
        canvas = Image.new("L", (big, big), 0)
        d = ImageDraw.Draw(canvas)
        f = _jitter(rng, big, max_rot=8.0, scale=(0.9, 1.15), shift=0.05)
        poly, marks = _FASHION[int(c)]
        shade = int(rng.integers(110, 240))
        d.polygon(f(poly), fill=shade)
        for m in marks:
            d.line(f(m), fill=int(rng.integers(20, 70)) if int(c) not in (5, 8) else shade,
                   width=int(rng.integers(2, 5)))
        out[n] = _finish(canvas, size, rng, noise=12.0, blur=0.4)
    return out


def _rgb(rng, base, spread=30):
    return tuple(int(np.clip(v + rng.integers(-spread, spread + 1), 0, 255)) for v in base)


def _cifar_one(c, rng, big):
    bgs = {0: (135, 190, 235), 1: (110, 110, 115), 2: (120, 170, 110), 3: (170, 150, 130), 4: (90, 140, 70),
           5: (180, 170, 150), 6: (110, 90, 60), 7: (100, 150, 80), 8: (60, 110, 180), 9: (150, 150, 150)}
    img = Image.new("RGB", (big, big), _rgb(rng, bgs[c], 35))
    d = ImageDraw.Draw(img)
    f = _jitter(rng, big, max_rot=12.0, scale=(0.8, 1.1), shift=0.1)
    if c == 0:    # airplane: grey fuselage + wings
        col = _rgb(rng, (200, 200, 205))
        d.polygon(f([(0.1, 0.45), (0.9, 0.45), (0.95, 0.52), (0.1, 0.55)]), fill=col)
        d.polygon(f([(0.4, 0.5), (0.6, 0.5), (0.5, 0.1)]), fill=col)
        d.polygon(f([(0.4, 0.5), (0.6, 0.5), (0.5, 0.9)]), fill=col)
    elif c == 1:  # automobile: coloured body, two dark wheels
        d.polygon(f([(0.05, 0.45), (0.3, 0.45), (0.4, 0.3), (0.7, 0.3), (0.8, 0.45), (0.95, 0.5), (0.95, 0.7),
                     (0.05, 0.7)]), fill=_rgb(rng, (200, 40, 40), 50))
        for cx in (0.25, 0.75):
            d.ellipse(_box(f, cx, 0.72, 0.1), fill=(20, 20, 20))
    elif c == 2:  # bird: small brown body, orange beak
        d.ellipse(_box(f, 0.5, 0.5, 0.2, 0.13), fill=_rgb(rng, (130, 90, 50)))
        d.polygon(f([(0.68, 0.45), (0.85, 0.5), (0.68, 0.55)]), fill=(240, 150, 30))
    elif c == 3:  # cat: orange round head with pointed ears
        col = _rgb(rng, (220, 140, 60), 40)
        d.ellipse(_box(f, 0.5, 0.55, 0.3), fill=col)
        d.polygon(f([(0.25, 0.4), (0.3, 0.1), (0.45, 0.3)]), fill=col)
        d.polygon(f([(0.75, 0.4), (0.7, 0.1), (0.55, 0.3)]), fill=col)
    elif c == 4:  # deer: brown body on thin legs, antlers
        col = _rgb(rng, (150, 100, 60))
        d.ellipse(_box(f, 0.5, 0.45, 0.3, 0.14), fill=col)
        for x in (0.3, 0.4, 0.6, 0.7):
            d.line(f([(x, 0.5), (x, 0.92)]), fill=col, width=3)
        d.line(f([(0.78, 0.35), (0.85, 0.08), (0.95, 0.12)]), fill=(90, 60, 30), width=3)
    elif c == 5:  # dog: brown head with floppy ears
        col = _rgb(rng, (160, 110, 70), 40)
        d.ellipse(_box(f, 0.5, 0.5, 0.26, 0.3), fill=col)
        d.ellipse(_box(f, 0.22, 0.55, 0.08, 0.2), fill=(80, 50, 30))
        d.ellipse(_box(f, 0.78, 0.55, 0.08, 0.2), fill=(80, 50, 30))
    elif c == 6:  # frog: wide green blob with eyes
        d.ellipse(_box(f, 0.5, 0.6, 0.38, 0.22), fill=_rgb(rng, (60, 170, 60), 40))
        for x in (0.35, 0.65):
            d.ellipse(_box(f, x, 0.38, 0.07), fill=(240, 240, 200))
    elif c == 7:  # horse: dark body, long neck and head
        col = _rgb(rng, (90, 55, 35))
        d.ellipse(_box(f, 0.45, 0.5, 0.3, 0.15), fill=col)
        d.polygon(f([(0.65, 0.45), (0.8, 0.1), (0.95, 0.15), (0.78, 0.5)]), fill=col)
        for x in (0.25, 0.35, 0.55, 0.65):
            d.line(f([(x, 0.55), (x, 0.95)]), fill=col, width=4)
    elif c == 8:  # ship: water lower half, white hull
        d.rectangle([0, big * 0.6, big, big], fill=_rgb(rng, (30, 70, 150)))
        d.polygon(f([(0.1, 0.5), (0.9, 0.5), (0.75, 0.7), (0.25, 0.7)]), fill=_rgb(rng, (235, 235, 235), 20))
        d.rectangle(_box(f, 0.5, 0.4, 0.12, 0.1), fill=(200, 60, 40))
    else:         # truck: large box + cab + wheels
        d.rectangle(_box(f, 0.4, 0.45, 0.32, 0.2), fill=_rgb(rng, (230, 230, 60), 40))
        d.rectangle(_box(f, 0.82, 0.53, 0.1, 0.12), fill=_rgb(rng, (40, 60, 200), 40))
        for cx in (0.2, 0.55, 0.82):
            d.ellipse(_box(f, cx, 0.7, 0.08), fill=(20, 20, 20))
    if rng.random() < 0.5:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return img


def _box(f, cx, cy, rx, ry=None):
    ry = rx if ry is None else ry
    (x0, y0), (x1, y1) = f([(cx - rx, cy - ry), (cx + rx, cy + ry)])
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def cifar_images(labels, rng, size=32):
    """CIFAR10-like colour images (N, size, size, 3) uint8 for the given labels."""
    out = np.empty((len(labels), size, size, 3), np.uint8)
    for n, c in enumerate(labels):
        out[n] = _finish(_cifar_one(int(c), rng, size * 2), size, rng, noise=10.0, blur=0)
    return out


# ------------------------------------------------------------------------------------------------------ public API
def _labels(rng, n, classes=10):
    return rng.permutation(np.arange(n) % classes).astype(np.uint8)


def generate(root, train=2000, test=500, seed=0, only=("mnist", "fashion", "cifar10"), verbose=False):
    """Write the fake datasets under `root`; returns {name: folder}."""
    root = os.path.expanduser(os.fspath(root))
    made = {}
    makers = {"mnist": ("MNIST", mnist_images), "fashion": ("FashionMNIST", fashion_images)}
    for k, key in enumerate(only):
        rng = np.random.default_rng([seed, k])
        t0 = time.time()
        ytr, yte = _labels(rng, train), _labels(rng, test)
        if key in makers:
            name, fn = makers[key]
            folder = os.path.join(root, name, "raw")
            _write_mnist_like(folder, (fn(ytr, rng), ytr), (fn(yte, rng), yte))
        elif key == "cifar10":
            name, folder = "CIFAR10", os.path.join(root, "cifar-10-batches-py")
            _write_cifar10(folder, (cifar_images(ytr, rng), ytr), (cifar_images(yte, rng), yte))
        else:
            raise ValueError(f"unknown dataset '{key}' (choose from mnist, fashion, cifar10)")
        made[name] = folder
        if verbose:
            print(f"{name}: {train} train / {test} test images in {folder} ({time.time() - t0:.1f} s)")
    return made


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m torchlike.vision.fake_data",
                                description="Write small synthetic MNIST, FashionMNIST and CIFAR10 datasets "
                                            "in torchvision's on-disk formats.")
    p.add_argument("root", help="dataset root (the `root=` you pass to the datasets)")
    p.add_argument("--train", type=int, default=2000, help="training images per dataset (default 2000)")
    p.add_argument("--test", type=int, default=500, help="test images per dataset (default 500)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", default="mnist,fashion,cifar10", help="comma-separated subset of mnist,fashion,cifar10")
    args = p.parse_args(argv)
    generate(args.root, train=args.train, test=args.test, seed=args.seed,
             only=tuple(s.strip() for s in args.only.split(",") if s.strip()), verbose=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
