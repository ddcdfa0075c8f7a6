"""torch_geometric: a two-layer GCN (GCNConv) on a small graph built in the script, a few training steps."""
import torch
import torch.nn.functional as F
from torch_geometric.data import Data
from torch_geometric.nn import GCNConv
from torch_geometric.utils import to_undirected, degree

torch.manual_seed(0)
n = 12
src = torch.arange(n)
edge_index = torch.stack([src, (src + 1) % n])
edge_index = torch.cat([edge_index, torch.tensor([[0, 3, 5, 7], [6, 9, 11, 2]])], dim=1)
edge_index = to_undirected(edge_index)
x = torch.randn(n, 6)
y = torch.tensor([0, 1, 2] * 4)
data = Data(x=x, edge_index=edge_index, y=y)
print(data)
print("degree", degree(data.edge_index[0], n).long().tolist())


class GCN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = GCNConv(6, 16)
        self.conv2 = GCNConv(16, 3)

    def forward(self, x, edge_index):
        h = F.relu(self.conv1(x, edge_index))
        return self.conv2(h, edge_index)


model = GCN()
opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
for step in range(5):
    opt.zero_grad()
    out = model(data.x, data.edge_index)
    loss = F.cross_entropy(out, data.y)
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.5f}")
model.eval()
pred = model(data.x, data.edge_index).argmax(1)
print("pred", pred.tolist())
print(f"conv1 lin sum {model.conv1.lin.weight.sum().item():.5f}")

# wider use: mini-batches of graphs through DataLoader, GAT/SAGE/GIN layers, pooling, utils, backward
from torch_geometric.loader import DataLoader
from torch_geometric.nn import GATConv, GINConv, SAGEConv, global_max_pool, global_mean_pool
from torch_geometric.utils import add_self_loops, scatter, softmax

torch.manual_seed(0)
graphs = []
for i in range(4):
    m = 5 + i
    ei = to_undirected(torch.stack([torch.arange(m), (torch.arange(m) + 1) % m]))
    graphs.append(Data(x=torch.randn(m, 4), edge_index=ei, y=torch.tensor([i % 2])))
gat, sage = GATConv(4, 8, heads=2), SAGEConv(16, 8)
gin = GINConv(torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU()))
for batch in DataLoader(graphs, batch_size=2, shuffle=False):
    print(batch)
    h = gin(sage(F.elu(gat(batch.x, batch.edge_index)), batch.edge_index).relu(), batch.edge_index)
    print("pool", [f"{v:.4f}" for v in global_mean_pool(h, batch.batch).sum(1).tolist()],
          [f"{v:.4f}" for v in global_max_pool(h, batch.batch).sum(1).tolist()])
global_mean_pool(h, batch.batch).sum().backward()
print(f"gat grad {gat.lin.weight.grad.abs().sum().item():.5f}")
ei, _ = add_self_loops(graphs[0].edge_index, num_nodes=5)
src = torch.randn(ei.size(1))
print("softmax", [f"{v:.4f}" for v in softmax(src, ei[1], num_nodes=5).tolist()])
print("scatter", [f"{v:.4f}" for v in scatter(src, ei[1], dim=0, dim_size=5, reduce="max").tolist()])
