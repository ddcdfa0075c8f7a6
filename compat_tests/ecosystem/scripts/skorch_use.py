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

# wider use: a regressor inside an sklearn Pipeline with callbacks (early stopping, LR scheduler, extra scoring)
from sklearn.datasets import make_regression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNetRegressor
from skorch.callbacks import EarlyStopping, EpochScoring, LRScheduler

Xr, yr = make_regression(120, 6, noise=0.1, random_state=0)
Xr, yr = Xr.astype(np.float32), (yr / 100).astype(np.float32).reshape(-1, 1)
torch.manual_seed(0)
reg = NeuralNetRegressor(torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)),
                         max_epochs=6, lr=0.05, optimizer=torch.optim.Adam, batch_size=32, verbose=0,
                         callbacks=[EarlyStopping(patience=3),
                                    LRScheduler(policy=torch.optim.lr_scheduler.StepLR, step_size=2, gamma=0.5),
                                    EpochScoring("r2", lower_is_better=False)])
pipe = Pipeline([("scale", StandardScaler()), ("net", reg)])
pipe.fit(Xr, yr)
print("reg train_loss", [f"{v:.5f}" for v in reg.history[:, "train_loss"]])
print("reg r2", [f"{v:.5f}" for v in reg.history[:, "r2"]])
print("reg pred", [f"{v:.5f}" for v in pipe.predict(Xr[:4]).flatten()])
print(f"reg score {pipe.score(Xr, yr):.5f}")
