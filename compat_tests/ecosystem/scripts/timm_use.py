"""timm: resnet18 and vit_tiny_patch16_224 built with pretrained=False (random init from the seed) at small inputs:
forward in train and eval mode, cross-entropy loss.backward(), output statistics and a few gradient norms, parameter
counts, feature extraction (forward_features / features_only) and an optimizer from timm's factory."""
import torch
import timm
from timm.optim import create_optimizer_v2

torch.manual_seed(0)


def show(name, t):
    t = t.detach()
    print(f"{name} {tuple(t.shape)} mean={t.mean().item():.5f} std={t.std().item():.5f} "
          f"absmax={t.abs().max().item():.5f}")


def grad_norms(model, names):
    params = dict(model.named_parameters())
    return " ".join(f"{n}={params[n].grad.norm().item():.5f}" for n in names)


print(timm.list_models("resnet1*")[:4], timm.is_model("vit_tiny_patch16_224"))

model = timm.create_model("resnet18", pretrained=False, num_classes=10)
print(type(model).__name__, sum(p.numel() for p in model.parameters()), model.default_cfg["input_size"])
x = torch.randn(2, 3, 64, 64)
y = torch.tensor([1, 7])
model.train()
out = model(x)
show("resnet18 train", out)
loss = torch.nn.functional.cross_entropy(out, y)
loss.backward()
print(f"resnet18 loss={loss.item():.5f}", grad_norms(model, ["conv1.weight", "layer1.0.bn2.weight",
                                                              "layer4.1.bn2.weight", "fc.weight", "fc.bias"]))
print(f"bn running_mean={model.bn1.running_mean.sum().item():.5f} tracked={model.bn1.num_batches_tracked.item()}")
model.eval()
with torch.no_grad():
    show("resnet18 eval", model(x))
    show("resnet18 features", model.forward_features(x))
opt = create_optimizer_v2(model, opt="adamw", lr=1e-3, weight_decay=0.05)
print(type(opt).__name__, len(opt.param_groups), [len(g["params"]) for g in opt.param_groups])
opt.step()
print(f"after step fc.weight sum={model.fc.weight.sum().item():.5f}")

vit = timm.create_model("vit_tiny_patch16_224", pretrained=False, img_size=32, patch_size=8, num_classes=5)
print(type(vit).__name__, sum(p.numel() for p in vit.parameters()), tuple(vit.pos_embed.shape))
xv = torch.randn(2, 3, 32, 32)
vit.train()
out = vit(xv)
show("vit train", out)
loss = torch.nn.functional.cross_entropy(out, torch.tensor([0, 3]))
loss.backward()
print(f"vit loss={loss.item():.5f}", grad_norms(vit, ["cls_token", "pos_embed", "patch_embed.proj.weight",
                                                       "blocks.0.attn.qkv.weight", "blocks.11.mlp.fc2.weight",
                                                       "head.weight"]))
vit.eval()
with torch.no_grad():
    show("vit eval", vit(xv))
    show("vit tokens", vit.forward_features(xv))

feat = timm.create_model("resnet18", pretrained=False, features_only=True, out_indices=(1, 2, 3))
feat.eval()
with torch.no_grad():
    for i, f in enumerate(feat(torch.randn(1, 3, 64, 64))):
        show(f"feature{i}", f)
print(feat.feature_info.channels(), feat.feature_info.reduction())
