"""MNIST with a small CNN (Conv2d, max_pool2d, CrossEntropyLoss, SGD with momentum), train/eval, save and reload.

    python -m torchlike.vision.fake_data data        # small generated MNIST/FashionMNIST/CIFAR10 (no network)
    python -m torchlike examples/mnist_cnn.py --data data --epochs 1
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from _common import device, evaluate, finish, limit, make_step, parse_args, train_epoch


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


def main():
    args = parse_args("MNIST CNN", epochs=2, bar=0.9)
    torch.manual_seed(0)
    dev = device()
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train = limit(datasets.MNIST(args.data, train=True, download=args.download, transform=tf), args.limit)
    test = limit(datasets.MNIST(args.data, train=False, download=args.download, transform=tf), args.limit)
    train_loader = DataLoader(train, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test, batch_size=256)
    model = Net().to(dev)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    print(f"device {dev}, {len(train)} training / {len(test)} test images")
    step = make_step(model, criterion, optimizer, args.compile)
    for epoch in range(1, args.epochs + 1):
        tr_loss, tr_acc = train_epoch(model, train_loader, step, dev, epoch)
        te_loss, te_acc = evaluate(model, test_loader, criterion, dev)
        print(f"epoch {epoch}: train loss {tr_loss:.4f} acc {tr_acc:.4f} | test loss {te_loss:.4f} acc {te_acc:.4f}")
    path = args.out or os.path.join(args.data, "mnist_cnn.pt")
    torch.save(model.state_dict(), path)
    reloaded = Net().to(dev)
    reloaded.load_state_dict(torch.load(path, map_location=dev))
    _, acc = evaluate(reloaded, test_loader, criterion, dev)
    print(f"reloaded {path}: test acc {acc:.4f}")
    finish(acc, args.bar)


if __name__ == "__main__":
    main()
