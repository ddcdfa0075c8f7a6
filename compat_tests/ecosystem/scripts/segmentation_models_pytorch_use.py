"""segmentation-models-pytorch: Unet with a resnet18 encoder (encoder_weights=None), forward/backward on 1x3x64x64
with smp's Dice + BCE losses and metrics; also FPN and a timm-universal encoder ('tu-resnet18')."""
import torch
import segmentation_models_pytorch as smp

torch.manual_seed(0)


def show(name, t):
    t = t.detach()
    print(f"{name} {tuple(t.shape)} mean={t.mean().item():.5f} std={t.std().item():.5f} "
          f"absmax={t.abs().max().item():.5f}")


model = smp.Unet(encoder_name="resnet18", encoder_weights=None, in_channels=3, classes=2)
print(type(model).__name__, type(model.encoder).__name__, sum(p.numel() for p in model.parameters()),
      model.encoder.out_channels)
x = torch.randn(1, 3, 64, 64)
mask = (torch.rand(1, 2, 64, 64) > 0.5).float()
model.train()
out = model(x)
show("unet train", out)
dice = smp.losses.DiceLoss(mode="multilabel", from_logits=True)
bce = smp.losses.SoftBCEWithLogitsLoss()
loss = dice(out, mask) + bce(out, mask)
loss.backward()
params = dict(model.named_parameters())
print(f"loss={loss.item():.5f}", " ".join(f"{n}={params[n].grad.norm().item():.5f}" for n in (
    "encoder.conv1.weight", "encoder.layer4.1.conv2.weight", "decoder.blocks.0.conv1.0.weight",
    "segmentation_head.0.weight", "segmentation_head.0.bias")))
model.eval()
with torch.no_grad():
    pred = model.predict(x)
    show("unet eval", pred)
    feats = model.encoder(x)
    print([tuple(f.shape) for f in feats])
tp, fp, fn, tn = smp.metrics.get_stats((pred.sigmoid() > 0.5).long(), mask.long(), mode="multilabel")
print("iou", f"{smp.metrics.iou_score(tp, fp, fn, tn, reduction='micro').item():.5f}",
      "f1", f"{smp.metrics.f1_score(tp, fp, fn, tn, reduction='macro').item():.5f}")

fpn = smp.FPN(encoder_name="tu-resnet18", encoder_weights=None, classes=1)
print(type(fpn.encoder).__name__, sum(p.numel() for p in fpn.parameters()))
# smp first builds a throw-away timm model under `with torch.device("meta")` (no random draws on PyTorch); where
# that fails it builds it on the CPU, which draws. Re-initialise from a fresh seed so the comparison does not depend
# on that probe.
torch.manual_seed(1)
for m in fpn.modules():
    if hasattr(m, "reset_parameters"):
        m.reset_parameters()
out = fpn(x)
show("fpn", out)
l2 = smp.losses.FocalLoss(mode="binary")(out, mask[:, :1])
l2.backward()
print(f"focal={l2.item():.5f} head_grad={fpn.segmentation_head[0].weight.grad.norm().item():.5f}")
