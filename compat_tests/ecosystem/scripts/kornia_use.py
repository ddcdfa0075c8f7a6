"""kornia: filters (gaussian_blur2d, sobel, box_blur, laplacian, canny), color (rgb_to_grayscale, rgb_to_hsv and back,
rgb_to_lab), geometry (rotate, warp_affine, get_rotation_matrix2d, resize, flips), a differentiable pipeline with
gradients, and seeded random augmentations (their parameters come from torch.distributions)."""
import math

import torch
import kornia
import kornia.color as KC
import kornia.filters as KF
import kornia.geometry as KG
import kornia.augmentation as KA

torch.manual_seed(0)
img = torch.rand(2, 3, 16, 16, requires_grad=True)


def stats(name, t):
    t = t.detach()
    print(f"{name} {tuple(t.shape)} {t.dtype} sum={t.sum().item():.4f} mean={t.mean().item():.5f} "
          f"min={t.min().item():.5f} max={t.max().item():.5f}")


blur = KF.gaussian_blur2d(img, (5, 5), (1.5, 1.5))
stats("gaussian_blur2d", blur)
stats("gaussian_blur2d_reflect", KF.gaussian_blur2d(img, (3, 7), (0.8, 2.0), border_type="replicate"))
stats("sobel", KF.sobel(img))
stats("spatial_gradient", KF.spatial_gradient(img, mode="diff"))
stats("box_blur", KF.box_blur(img, (3, 3)))
stats("laplacian", KF.laplacian(img, 3))
stats("median_blur", KF.median_blur(img, (3, 3)))
mag, edges = KF.canny(img.detach())
stats("canny_mag", mag)
stats("canny_edges", edges)

gray = KC.rgb_to_grayscale(img)
stats("rgb_to_grayscale", gray)
hsv = KC.rgb_to_hsv(img)
stats("rgb_to_hsv", hsv)
stats("hsv_roundtrip_err", (KC.hsv_to_rgb(hsv) - img).abs())
stats("rgb_to_lab", KC.rgb_to_lab(img))
stats("rgb_to_ycbcr", KC.rgb_to_ycbcr(img))

angle = torch.tensor([30.0, -45.0])
rot = KG.transform.rotate(img, angle)
stats("rotate", rot)
center = torch.tensor([[8.0, 8.0], [7.5, 7.5]])
M = KG.transform.get_rotation_matrix2d(center, angle, torch.ones(2, 2) * 1.2)
print("rotation_matrix", [round(v, 5) for v in M.flatten().tolist()])
warped = KG.transform.warp_affine(img, M, dsize=(16, 16))
stats("warp_affine", warped)
stats("warp_affine_nearest", KG.transform.warp_affine(img, M, dsize=(12, 20), mode="nearest", padding_mode="border"))
stats("resize", KG.transform.resize(img, (8, 24)))
stats("hflip", KG.transform.hflip(img))
stats("translate", KG.transform.translate(img, torch.tensor([[2.0, -1.0], [0.5, 3.0]])))
stats("scale", KG.transform.scale(img, torch.tensor([[1.5, 1.5], [0.7, 0.7]])))
pts = torch.tensor([[[0.0, 0.0], [15.0, 15.0], [3.0, 7.0]]]).repeat(2, 1, 1)
tp = KG.transform_points(torch.cat([M, torch.tensor([[[0.0, 0.0, 1.0]]]).repeat(2, 1, 1)], 1), pts)
print("transform_points", [round(v, 4) for v in tp.flatten().tolist()])
print("deg2rad", round(kornia.geometry.conversions.deg2rad(torch.tensor(180.0)).item(), 6), round(math.pi, 6))

loss = (KF.sobel(KC.rgb_to_grayscale(warped)) ** 2).mean() + KC.rgb_to_hsv(blur)[:, 1].mean()
loss.backward()
print(f"loss={loss.item():.6f} grad_norm={img.grad.norm().item():.5f} grad_sum={img.grad.sum().item():.5f}")

torch.manual_seed(1)
aug = torch.nn.Sequential(KA.RandomHorizontalFlip(p=0.5), KA.RandomAffine(degrees=20.0, p=1.0),
                          KA.ColorJitter(0.2, 0.2, 0.2, 0.1, p=1.0))
stats("augmented", aug(img.detach()))
print("flip sums", [round(v, 3) for v in KA.RandomHorizontalFlip(p=0.5)(img.detach()).sum(dim=(1, 2, 3)).tolist()])

b = (img.detach() + 0.1 * torch.randn_like(img)).clamp(0, 1)
print(f"ssim_loss={kornia.losses.ssim_loss(img.detach(), b, 5).item():.5f} "
      f"psnr={kornia.metrics.psnr(img.detach(), b, 1.0).item():.4f}")
logits = torch.randn(4, 3, requires_grad=True)
focal = kornia.losses.focal_loss(logits, torch.tensor([0, 1, 2, 1]), alpha=0.25, reduction="mean")
focal.backward()
print(f"focal={focal.item():.5f} grad={logits.grad.norm().item():.5f}")
print(f"dice={kornia.losses.dice_loss(torch.randn(2, 3, 8, 8), torch.randint(0, 3, (2, 8, 8))).item():.5f}")
stats("equalize", kornia.enhance.equalize(img.detach()))
stats("dilation", kornia.morphology.dilation(img.detach(), torch.ones(3, 3)))
stats("warp_perspective", KG.transform.warp_perspective(img.detach(), torch.tensor(
    [[[1.0, 0.1, 2.0], [0.0, 1.0, -1.0], [0.001, 0.0, 1.0]]]).repeat(2, 1, 1), (16, 16)))
