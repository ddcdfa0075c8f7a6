"""CIFAR10 with a CNN (Dropout, Adam), early stopping on the test loss, saving the best model.

    python -m torchlike examples/cifar10_cnn.py --data data --epochs 5
"""
import os

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from _common import device, evaluate, finish, limit, make_step, parse_args, train_epoch


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Dropout(0.25))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64 * 8 * 8, 128), nn.ReLU(), nn.Dropout(0.5),
                                        nn.Linear(128, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def main():
    args = parse_args("CIFAR10 CNN", epochs=5, bar=0.6)
    torch.manual_seed(0)
    dev = device()
    norm = transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))
    train_tf = transforms.Compose([transforms.RandomHorizontalFlip(), transforms.ToTensor(), norm])
    test_tf = transforms.Compose([transforms.ToTensor(), norm])
    train = limit(datasets.CIFAR10(args.data, train=True, download=args.download, transform=train_tf), args.limit)
    test = limit(datasets.CIFAR10(args.data, train=False, download=args.download, transform=test_tf), args.limit)
    train_loader = DataLoader(train, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test, batch_size=256)
    model = CNN().to(dev)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    path = args.out or os.path.join(args.data, "cifar10_best.pt")
    best, patience, bad_epochs = float("inf"), 2, 0
    step = make_step(model, criterion, optimizer, args.compile)
    for epoch in range(1, args.epochs + 1):
        tr_loss, tr_acc = train_epoch(model, train_loader, step, dev, epoch)
        te_loss, te_acc = evaluate(model, test_loader, criterion, dev)
        print(f"epoch {epoch}: train loss {tr_loss:.4f} acc {tr_acc:.4f} | test loss {te_loss:.4f} acc {te_acc:.4f}")
        if te_loss < best:
            best, bad_epochs = te_loss, 0
            torch.save(model.state_dict(), path)
            print(f"  saved the best model so far to {path}")
        else:
            bad_epochs += 1
            if bad_epochs >= patience:
                print(f"  early stopping: no improvement for {patience} epochs")
                break
    model.load_state_dict(torch.load(path))
    _, acc = evaluate(model, test_loader, criterion, dev)
    finish(acc, args.bar)


if __name__ == "__main__":
    main()
