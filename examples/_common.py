"""Shared by the examples: argument parsing, a tqdm-wrapped loop, train/evaluate helpers. Plain PyTorch code: it runs
under real PyTorch and, unchanged, under `python -m torchlike`."""
from __future__ import annotations

import argparse
import sys

import torch
from torch.utils.data import Subset

try:
    from tqdm import tqdm
except ImportError:                       # progress bars are optional
    def tqdm(it, **kw):
        return it


def parse_args(description, epochs, bar):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--data", default="data", help="dataset root (torchvision layout)")
    ap.add_argument("--epochs", type=int, default=epochs)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training/test images (0: all)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--bar", type=float, default=bar, help="exit non-zero if the final test accuracy is below this")
    ap.add_argument("--download", action="store_true", help="download the dataset if it is missing")
    ap.add_argument("--out", default=None, help="where to save the model (default: a file next to the data)")
    ap.add_argument("--compile", action="store_true", help="run each training step as one compiled program")
    return ap.parse_args()


def limit(dataset, n):
    return Subset(dataset, range(min(n, len(dataset)))) if n else dataset


def device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def make_step(model, criterion, optimizer, compile=False):
    """One training step: forward, backward, update. With compile=True, torch.compile turns it into one program."""
    def step(x, y):
        optimizer.zero_grad()
        out = model(x)
        loss = criterion(out, y)
        loss.backward()
        optimizer.step()
        return loss, out
    return torch.compile(step) if compile else step


def train_epoch(model, loader, step, dev, epoch):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for x, y in tqdm(loader, desc=f"epoch {epoch}", leave=False, disable=not sys.stderr.isatty()):
        x, y = x.to(dev), y.to(dev)
        loss, out = step(x, y)
        loss_sum += loss.item() * y.size(0)
        correct += (out.argmax(1) == y).sum().item()
        total += y.size(0)
    return loss_sum / total, correct / total


def evaluate(model, loader, criterion, dev):
    model.eval()
    total, correct, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(dev), y.to(dev)
            out = model(x)
            loss_sum += criterion(out, y).item() * y.size(0)
            correct += (out.argmax(1) == y).sum().item()
            total += y.size(0)
    return loss_sum / total, correct / total


def finish(acc, bar):
    print(f"final test accuracy {acc:.4f} (bar {bar:.2f})")
    if acc < bar:
        print("accuracy below the bar", file=sys.stderr)
        sys.exit(1)
