"""FashionMNIST with an MLP built from nn.Sequential, trained with Adam.

    python -m torchlike examples/fashion_mnist_mlp.py --data data --epochs 2
"""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from _common import device, evaluate, finish, limit, make_step, parse_args, train_epoch


def main():
    args = parse_args("FashionMNIST MLP", epochs=3, bar=0.85)
    torch.manual_seed(0)
    dev = device()
    tf = transforms.ToTensor()
    train = limit(datasets.FashionMNIST(args.data, train=True, download=args.download, transform=tf), args.limit)
    test = limit(datasets.FashionMNIST(args.data, train=False, download=args.download, transform=tf), args.limit)
    train_loader = DataLoader(train, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test, batch_size=256)
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10)).to(dev)
    print(model)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    step = make_step(model, criterion, optimizer, args.compile)
    for epoch in range(1, args.epochs + 1):
        tr_loss, tr_acc = train_epoch(model, train_loader, step, dev, epoch)
        te_loss, te_acc = evaluate(model, test_loader, criterion, dev)
        print(f"epoch {epoch}: train loss {tr_loss:.4f} acc {tr_acc:.4f} | test loss {te_loss:.4f} acc {te_acc:.4f}")
    finish(te_acc, args.bar)


if __name__ == "__main__":
    main()
