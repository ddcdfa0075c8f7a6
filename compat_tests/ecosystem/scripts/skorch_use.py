"""skorch: NeuralNetClassifier fit on a small sklearn-made dataset for a few epochs; history losses, predictions."""
import numpy as np
import torch
from sklearn.datasets import make_classification
from skorch import NeuralNetClassifier

X, y = make_classification(200, 10, n_informative=5, random_state=0)
X, y = X.astype(np.float32), y.astype(np.int64)


class Net(torch.nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.dense = torch.nn.Linear(10, hidden)
        self.out = torch.nn.Linear(hidden, 2)

    def forward(self, X):
        return self.out(torch.relu(self.dense(X)))


torch.manual_seed(0)
net = NeuralNetClassifier(Net, module__hidden=16, max_epochs=5, lr=0.1, criterion=torch.nn.CrossEntropyLoss,
                          iterator_train__shuffle=True, verbose=0)
net.fit(X, y)
print("train_loss", [f"{v:.5f}" for v in net.history[:, "train_loss"]])
print("valid_loss", [f"{v:.5f}" for v in net.history[:, "valid_loss"]])
print("valid_acc", [f"{v:.5f}" for v in net.history[:, "valid_acc"]])
proba = net.predict_proba(X[:5])
print("proba", proba.dtype, [f"{v:.5f}" for v in proba.flatten()])
print("pred", net.predict(X[:10]).tolist())
