"""pytorch-metric-learning: TripletMarginLoss with a TripletMarginMiner (and a MultiSimilarityMiner / distances,
reducers) on random embeddings from a small trainable embedder; losses and mined counts per step."""
import torch
import torch.nn as nn
from pytorch_metric_learning import distances, losses, miners, reducers

torch.manual_seed(0)
emb = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 8))
x = torch.randn(24, 16)
labels = torch.arange(6).repeat_interleave(4)

loss_fn = losses.TripletMarginLoss(margin=0.2, distance=distances.CosineSimilarity(),
                                   reducer=reducers.ThresholdReducer(low=0))
miner = miners.TripletMarginMiner(margin=0.2, distance=distances.CosineSimilarity(), type_of_triplets="semihard")
opt = torch.optim.SGD(emb.parameters(), lr=0.1)
for step in range(4):
    opt.zero_grad()
    e = emb(x)
    triplets = miner(e, labels)
    loss = loss_fn(e, labels, triplets)
    loss.backward()
    opt.step()
    print(step, len(triplets[0]), miner.num_triplets, f"{loss.item():.5f}")

plain = losses.TripletMarginLoss(margin=0.1)
e = emb(x)
print("plain", f"{plain(e, labels).item():.5f}")
ms = miners.MultiSimilarityMiner(epsilon=0.1)
pairs = ms(e, labels)
print("ms pairs", [len(p) for p in pairs])
print("contrastive", f"{losses.ContrastiveLoss()(e, labels, pairs).item():.5f}")
print("ntxent", f"{losses.NTXentLoss(temperature=0.1)(e, labels).item():.5f}")
d = distances.LpDistance(normalize_embeddings=True)(e)
print("lp", tuple(d.shape), f"{d.sum().item():.4f}")
easy = miners.TripletMarginMiner(margin=0.5, type_of_triplets="all")(e, labels)
print("all triplets", len(easy[0]))
