"""torchmetrics: functional accuracy / f1 / mse / auroc / confusion matrix, and the modular API: a MetricCollection
updated over batches, computed, reset, plus forward() batch values, clone with prefix, and regression metrics."""
import torch
import torchmetrics
from torchmetrics import MetricCollection, MeanSquaredError, MeanAbsoluteError, R2Score
from torchmetrics.classification import (MulticlassAccuracy, MulticlassF1Score, MulticlassPrecision,
                                         MulticlassRecall, BinaryAUROC, BinaryAccuracy, MulticlassConfusionMatrix)
import torchmetrics.functional as F

torch.manual_seed(0)
fmt = lambda t: [round(v, 5) for v in torch.as_tensor(t).flatten().tolist()]

logits = torch.randn(20, 4)
target = torch.randint(0, 4, (20,))
print("acc", fmt(F.accuracy(logits, target, task="multiclass", num_classes=4)))
print("acc_top2", fmt(F.accuracy(logits, target, task="multiclass", num_classes=4, top_k=2)))
print("acc_none", fmt(F.accuracy(logits, target, task="multiclass", num_classes=4, average="none")))
print("f1_macro", fmt(F.f1_score(logits, target, task="multiclass", num_classes=4, average="macro")))
print("f1_weighted", fmt(F.f1_score(logits.softmax(-1), target, task="multiclass", num_classes=4, average="weighted")))
print("confmat", F.confusion_matrix(logits, target, task="multiclass", num_classes=4).tolist())
preds = torch.randn(30)
y = preds + 0.3 * torch.randn(30)
print("mse", fmt(F.mean_squared_error(preds, y)), "mae", fmt(F.mean_absolute_error(preds, y)),
      "r2", fmt(F.r2_score(preds, y)), "pearson", fmt(F.pearson_corrcoef(preds, y)))
scores = torch.rand(40)
labels = (scores + 0.4 * torch.rand(40) > 0.7).long()
print("auroc", fmt(F.auroc(scores, labels, task="binary")))
print("auroc_mc", fmt(F.auroc(logits.softmax(-1), target, task="multiclass", num_classes=4)))
print("bin_acc", fmt(F.accuracy(scores, labels, task="binary")),
      "bin_f1", fmt(F.f1_score(scores, labels, task="binary")))
fpr, tpr, thr = F.roc(scores, labels, task="binary")
print("roc", len(fpr), fmt(tpr[:5]), fmt(fpr[-3:]))
print("ap", fmt(F.average_precision(scores, labels, task="binary")))

metrics = MetricCollection({
    "acc": MulticlassAccuracy(num_classes=4),
    "f1": MulticlassF1Score(num_classes=4, average="macro"),
    "prec": MulticlassPrecision(num_classes=4),
    "rec": MulticlassRecall(num_classes=4, average="micro"),
})
val = metrics.clone(prefix="val_")
for i in range(3):
    lg = torch.randn(16, 4)
    tg = torch.randint(0, 4, (16,))
    batch = metrics(lg, tg)
    val.update(lg, tg)
    print("batch", i, {k: round(v.item(), 5) for k, v in sorted(batch.items())})
res = metrics.compute()
print("epoch", {k: round(v.item(), 5) for k, v in sorted(res.items())})
print("val", {k: round(v.item(), 5) for k, v in sorted(val.compute().items())})
metrics.reset()
metrics.update(torch.eye(4), torch.arange(4))
print("after reset", {k: round(v.item(), 5) for k, v in sorted(metrics.compute().items())})

reg = MetricCollection([MeanSquaredError(), MeanAbsoluteError(), R2Score()])
for i in range(2):
    p = torch.randn(10)
    reg.update(p, p * 0.5 + 0.1 * torch.randn(10))
print("reg", {k: round(v.item(), 5) for k, v in sorted(reg.compute().items())})
auroc = BinaryAUROC()
bacc = BinaryAccuracy(threshold=0.6)
for i in range(2):
    s = torch.rand(12)
    l = (s > 0.5).long() ^ (torch.rand(12) > 0.8).long()
    auroc.update(s, l)
    bacc.update(s, l)
print("binary", round(auroc.compute().item(), 5), round(bacc.compute().item(), 5))
cm = MulticlassConfusionMatrix(num_classes=3)
cm.update(torch.tensor([0, 1, 2, 2, 1]), torch.tensor([0, 2, 2, 1, 1]))
print("cm", cm.compute().tolist(), cm.compute().dtype)
print(type(metrics["acc"]).__name__, metrics["acc"].num_classes, metrics["acc"].device)

p, y = torch.randn(50), torch.randn(50)
print("spearman", fmt(F.spearman_corrcoef(p, y)), "kendall", fmt(F.kendall_rank_corrcoef(p, y)))
probs = torch.randn(30, 4).softmax(-1)
tg = torch.randint(0, 4, (30,))
print("mcc", fmt(F.matthews_corrcoef(probs, tg, task="multiclass", num_classes=4)),
      "kappa", fmt(F.cohen_kappa(probs, tg, task="multiclass", num_classes=4)),
      "ece", fmt(F.calibration_error(probs, tg, task="multiclass", num_classes=4)))
ml_p, ml_t = torch.rand(20, 3), torch.randint(0, 2, (20, 3))
print("multilabel", fmt(F.accuracy(ml_p, ml_t, task="multilabel", num_labels=3)),
      fmt(F.auroc(ml_p, ml_t, task="multilabel", num_labels=3)))
a = torch.rand(2, 3, 32, 32)
b = (a + 0.05 * torch.randn_like(a)).clamp(0, 1)
print("ssim", fmt(F.structural_similarity_index_measure(a, b)), "psnr", fmt(F.peak_signal_noise_ratio(a, b)))
print("ndcg", fmt(F.retrieval_normalized_dcg(torch.rand(10), torch.randint(0, 3, (10,)))))
