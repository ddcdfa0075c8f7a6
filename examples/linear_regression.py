"""Linear regression with nn.Linear, MSELoss and SGD; plots the data and the fitted line to a PNG.

    python -m torchlike examples/linear_regression.py --out fit.png
"""
import argparse
import sys

import torch
import torch.nn as nn


def main():
    ap = argparse.ArgumentParser(description="linear regression")
    ap.add_argument("--epochs", type=int, default=500)
    ap.add_argument("--out", default="linear_regression.png")
    ap.add_argument("--data", default=None, help="unused (kept for a uniform command line)")
    ap.add_argument("--limit", type=int, default=0, help="unused")
    args = ap.parse_args()
    torch.manual_seed(0)
    x = torch.linspace(0, 10, 100).unsqueeze(1)
    y = 2.5 * x + 1.0 + torch.randn(100, 1) * 0.5
    model = nn.Linear(1, 1)
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for epoch in range(1, args.epochs + 1):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        if epoch % 100 == 0:
            print(f"epoch {epoch:4d}: loss {loss.item():.4f}  w {model.weight.item():.4f}  b {model.bias.item():.4f}")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        with torch.no_grad():
            fit = model(x)
        plt.scatter(x.numpy().ravel(), y.numpy().ravel(), s=8, label="data")
        plt.plot(x.numpy().ravel(), fit.numpy().ravel(), color="red", label="fit")
        plt.legend()
        plt.savefig(args.out)
        print(f"saved the plot to {args.out}")
    except ImportError:
        print("matplotlib is not installed: no plot")
    w, b = model.weight.item(), model.bias.item()
    if abs(w - 2.5) > 0.2 or abs(b - 1.0) > 0.6:
        print(f"fit too far from w=2.5, b=1.0: w={w:.3f}, b={b:.3f}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
