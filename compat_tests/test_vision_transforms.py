"""torchlike.vision.transforms against NumPy/PIL reference computations and real torch (RNG draws, interpolate,
grid_sample, conv2d) used exactly the way torchvision uses them."""
import math
import sys

import numpy as np
import pytest
import torch as TH
from PIL import Image, ImageEnhance

import torchlike as TL
from torchlike.vision import transforms as T
from torchlike.vision.transforms import functional as F
from torchlike.vision.transforms import v2

RNG = np.random.default_rng(0)
RGB = RNG.integers(0, 256, (13, 17, 3), dtype=np.uint8)
GRAY = RNG.integers(0, 256, (11, 9), dtype=np.uint8)


def pil(a):
    return Image.fromarray(a)


def tl(a):
    return TL.from_numpy(np.ascontiguousarray(a))


def th(a):
    return TH.from_numpy(np.ascontiguousarray(a))


def chw(a):
    return np.ascontiguousarray(a.transpose(2, 0, 1))


def f32(a):
    return chw(a).astype(np.float32) / np.float32(255)


# ------------------------------------------------------------------------------------------------ conversions
@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "LA", "P", "1", "I", "F", "I;16"])
def test_to_tensor_pil_modes(mode):
    img = pil(RGB).convert(mode)
    out = T.ToTensor()(img)
    nptype = {"I": np.int32, "I;16": np.int16, "F": np.float32}.get(mode, np.uint8)
    arr = np.array(img, nptype)
    if mode == "1":
        arr = 255 * arr
    arr = arr.reshape(img.size[1], img.size[0], len(img.getbands())).transpose(2, 0, 1)
    expected = arr.astype(np.float32) / np.float32(255) if arr.dtype == np.uint8 else arr
    assert out.dtype == TL.from_numpy(expected).dtype
    np.testing.assert_array_equal(out.numpy(), expected)


def test_to_tensor_ndarray():
    np.testing.assert_array_equal(T.ToTensor()(RGB).numpy(), f32(RGB))
    np.testing.assert_array_equal(T.ToTensor()(GRAY).numpy(), GRAY[None].astype(np.float32) / np.float32(255))
    x = RNG.random((4, 5, 2))
    out = T.ToTensor()(x)
    assert out.dtype == TL.float64 and out.shape == (2, 4, 5)
    np.testing.assert_array_equal(out.numpy(), x.transpose(2, 0, 1))
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray. Got <class 'list'>"):
        T.ToTensor()([1, 2])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions."):
        T.ToTensor()(np.zeros((1, 2, 3, 4)))


def test_to_tensor_default_dtype():
    TL.set_default_dtype(TL.float64)
    try:
        out = T.ToTensor()(RGB)
    finally:
        TL.set_default_dtype(TL.float32)
    assert out.dtype == TL.float64
    np.testing.assert_array_equal(out.numpy(), chw(RGB) / 255.0)


def test_pil_to_tensor_and_back():
    t = T.PILToTensor()(pil(RGB))
    assert t.dtype == TL.uint8 and t.shape == (3, 13, 17)
    np.testing.assert_array_equal(t.numpy(), chw(RGB))
    back = T.ToPILImage()(t)
    assert back.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(back), RGB)
    img = T.ToPILImage()(T.ToTensor()(pil(RGB)))
    np.testing.assert_array_equal(np.asarray(img), RGB)  # float -> (x * 255).astype(uint8) round-trips
    g = T.ToPILImage()(tl(GRAY))
    assert g.mode == "L" and g.size == (9, 11)
    assert T.ToPILImage()(np.zeros((3, 4, 1), np.float32), ).mode == "L"
    assert T.ToPILImage(mode="F")(np.zeros((3, 4, 1), np.float32)).mode == "F"
    assert T.ToPILImage()(np.zeros((3, 4, 4), np.uint8)).mode == "RGBA"
    with pytest.raises(ValueError, match=r"Only modes \['RGB', 'YCbCr', 'HSV'\] are supported for 3D inputs"):
        T.ToPILImage(mode="L")(RGB)
    with pytest.raises(TypeError, match="pic should be Tensor or ndarray"):
        T.ToPILImage()(pil(RGB))


def test_convert_image_dtype():
    x = tl(chw(RGB))
    f = T.ConvertImageDtype(TL.float32)(x)
    np.testing.assert_array_equal(f.numpy(), chw(RGB).astype(np.float32) / np.float32(255))
    back = F.convert_image_dtype(f, TL.uint8)
    np.testing.assert_array_equal(back.numpy(), (f.numpy() * np.float32(255.999)).astype(np.uint8))
    np.testing.assert_array_equal(F.convert_image_dtype(x, TL.int16).numpy(), chw(RGB).astype(np.int16) * 128)
    with pytest.raises(RuntimeError, match="The cast from torch.float32 to torch.int64 cannot be performed safely."):
        F.convert_image_dtype(f, TL.int64)
    assert repr(T.ConvertImageDtype(TL.float32)) == "ConvertImageDtype()"


# ------------------------------------------------------------------------------------------------ normalize
def test_normalize():
    x = RNG.random((3, 5, 4)).astype(np.float32)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    m, s = np.asarray(mean, np.float32)[:, None, None], np.asarray(std, np.float32)[:, None, None]
    t = tl(x.copy())
    out = T.Normalize(mean, std)(t)
    np.testing.assert_array_equal(out.numpy(), (x - m) / s)
    np.testing.assert_array_equal(t.numpy(), x)  # not in place
    ref = TH.from_numpy(x.copy()).sub_(TH.tensor(mean).view(-1, 1, 1)).div_(TH.tensor(std).view(-1, 1, 1))
    np.testing.assert_array_equal(out.numpy(), ref.numpy())
    out2 = T.Normalize(mean, std, inplace=True)(t)
    assert out2 is t
    np.testing.assert_array_equal(t.numpy(), (x - m) / s)
    batch = T.Normalize(mean, std)(tl(np.stack([x, x])))
    assert batch.shape == (2, 3, 5, 4)


def test_normalize_autograd_and_errors():
    x = TL.rand(3, 4, 4, requires_grad=True)
    out = T.Normalize((0.5, 0.5, 0.5), (0.25, 0.25, 0.25))(x)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((3, 4, 4), 4.0, np.float32))
    with pytest.raises(TypeError, match="Input tensor should be a float tensor. Got torch.uint8."):
        F.normalize(tl(chw(RGB)), (0.5,), (0.5,))
    with pytest.raises(ValueError, match="std evaluated to zero after conversion to torch.float32"):
        F.normalize(TL.rand(1, 2, 2), (0.5,), (0.0,))
    with pytest.raises(TypeError, match="img should be Tensor Image. Got <class 'numpy.ndarray'>"):
        F.normalize(np.zeros((1, 2, 2)), (0.5,), (0.5,))


# ------------------------------------------------------------------------------------------------ resize
@pytest.mark.parametrize("size", [7, (20, 11), [5], (13, 40)])
@pytest.mark.parametrize("interp", [T.InterpolationMode.BILINEAR, T.InterpolationMode.NEAREST,
                                    T.InterpolationMode.BICUBIC])
def test_resize_pil_is_pil(size, interp):
    img = pil(RGB)
    out = T.Resize(size, interpolation=interp)(img)
    expected_hw = F._compute_resized_output_size((13, 17), [size] if isinstance(size, int) else list(size))
    ref = img.resize((expected_hw[1], expected_hw[0]), F.pil_modes_mapping[interp])
    np.testing.assert_array_equal(np.asarray(out), np.asarray(ref))


def test_resize_output_sizes():
    img = pil(RGB)  # 17 wide, 13 high
    assert T.Resize(26)(img).size == (34, 26)
    assert T.Resize(26, max_size=30)(img).size == (30, 22)
    assert T.Resize((5, 6))(img).size == (6, 5)
    assert T.Resize(13)(img) is img
    with pytest.raises(ValueError, match="max_size should only be passed if size specifies the length of the smaller"):
        F.resize(img, [4, 5], max_size=10)
    with pytest.raises(TypeError, match="Size should be int or sequence. Got <class 'float'>"):
        T.Resize(2.5)


def _th_resize(x, size, mode, antialias):
    """torchvision's tensor resize: interpolate in float, round back to uint8."""
    img = x.unsqueeze(0)
    dtype = img.dtype
    if dtype not in (TH.float32, TH.float64):
        img = img.to(TH.float32)
    align = False if mode in ("bilinear", "bicubic") else None
    out = TH.nn.functional.interpolate(img, size=size, mode=mode, align_corners=align,
                                       antialias=antialias and mode in ("bilinear", "bicubic"))
    if mode == "bicubic" and dtype == TH.uint8:
        out = out.clamp(0, 255)
    out = out.squeeze(0)
    if dtype != out.dtype:
        out = TH.round(out).to(dtype)
    return out


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest", "nearest-exact"])
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("size", [(5, 7), (26, 40), (9, 30)])
def test_resize_tensor_matches_torch_interpolate(mode, antialias, size):
    x = RNG.random((3, 13, 17)).astype(np.float32)
    out = F.resize(tl(x), list(size), T.InterpolationMode(mode), antialias=antialias)
    ref = _th_resize(th(x), list(size), mode, antialias)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-5, atol=2e-6)
    out8 = F.resize(tl(chw(RGB)), list(size), T.InterpolationMode(mode), antialias=antialias)
    ref8 = _th_resize(th(chw(RGB)), list(size), mode, antialias).numpy()
    assert out8.dtype == TL.uint8
    diff = np.abs(out8.numpy().astype(int) - ref8.astype(int))
    assert diff.max() <= 1 and (diff > 0).mean() < 0.01


def test_resize_tensor_batched_and_autograd():
    x = TL.rand(2, 3, 8, 8, requires_grad=True)
    out = T.Resize((4, 4))(x)
    assert out.shape == (2, 3, 4, 4)
    out.sum().backward()
    xt = TH.from_numpy(x.detach().numpy().copy()).requires_grad_(True)
    TH.nn.functional.interpolate(xt, size=(4, 4), mode="bilinear", align_corners=False, antialias=True).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------------------------ crops, flips, pad
def test_center_crop():
    img = pil(RGB)
    out = T.CenterCrop(8)(img)
    top, left = int(round((13 - 8) / 2.0)), int(round((17 - 8) / 2.0))
    np.testing.assert_array_equal(np.asarray(out), RGB[top:top + 8, left:left + 8])
    np.testing.assert_array_equal(T.CenterCrop((8, 10))(tl(chw(RGB))).numpy(), chw(RGB)[:, 2:10, 4:14])
    big = T.CenterCrop((15, 20))(tl(chw(RGB))).numpy()  # pads with zeros first
    ref = np.zeros((3, 15, 20), np.uint8)
    ref[:, 1:14, 1:18] = chw(RGB)
    np.testing.assert_array_equal(big, ref)
    np.testing.assert_array_equal(np.asarray(T.CenterCrop((15, 20))(img)), ref.transpose(1, 2, 0))


def test_crop_out_of_bounds_tensor():
    out = F.crop(tl(chw(RGB)), -2, 10, 6, 10).numpy()
    ref = np.zeros((3, 6, 10), np.uint8)
    ref[:, 2:, :7] = chw(RGB)[:, 0:4, 10:17]
    np.testing.assert_array_equal(out, ref)


def test_flips():
    np.testing.assert_array_equal(np.asarray(F.hflip(pil(RGB))), RGB[:, ::-1])
    np.testing.assert_array_equal(np.asarray(F.vflip(pil(RGB))), RGB[::-1])
    np.testing.assert_array_equal(F.hflip(tl(chw(RGB))).numpy(), chw(RGB)[:, :, ::-1])
    np.testing.assert_array_equal(F.vflip(tl(chw(RGB))).numpy(), chw(RGB)[:, ::-1])
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(tl(chw(RGB))).numpy(), chw(RGB)[:, :, ::-1])
    assert T.RandomVerticalFlip(p=0.0)(pil(RGB)).tobytes() == pil(RGB).tobytes()


@pytest.mark.parametrize("padding", [2, (1, 3), (1, 2, 3, 4), [0, 3, 1, 0]])
@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_pad(padding, mode):
    p = [padding] * 4 if isinstance(padding, int) else (list(padding) * 2 if len(padding) == 2 else list(padding))
    left, top, right, bottom = p
    np_mode = {"edge": "edge", "constant": "constant"}.get(mode, mode)
    kw = {"constant_values": 7} if mode == "constant" else {}
    ref = np.pad(RGB, ((top, bottom), (left, right), (0, 0)), np_mode, **kw)
    np.testing.assert_array_equal(np.asarray(T.Pad(padding, fill=7, padding_mode=mode)(pil(RGB))), ref)
    out = T.Pad(padding, fill=7, padding_mode=mode)(tl(chw(RGB)))
    assert out.dtype == TL.uint8
    np.testing.assert_array_equal(out.numpy(), ref.transpose(2, 0, 1))
    xf = RNG.random((2, 3, 5, 6)).astype(np.float32)
    ref_f = np.pad(xf, ((0, 0), (0, 0), (top, bottom), (left, right)), np_mode, **kw)
    np.testing.assert_array_equal(F.pad(tl(xf), padding, fill=7, padding_mode=mode).numpy(), ref_f)


def test_pad_errors_and_torch_pad():
    x = RNG.random((1, 3, 4, 5)).astype(np.float32)
    ref = TH.nn.functional.pad(th(x), [2, 1, 3, 0], mode="reflect").numpy()
    np.testing.assert_array_equal(F.pad(tl(x), [2, 3, 1, 0], padding_mode="reflect").numpy(), ref)
    ref = TH.nn.functional.pad(th(x), [2, 1, 3, 0], mode="replicate").numpy()
    np.testing.assert_array_equal(F.pad(tl(x), [2, 3, 1, 0], padding_mode="edge").numpy(), ref)
    with pytest.raises(ValueError, match="Padding mode should be either constant, edge, reflect or symmetric"):
        T.Pad(1, padding_mode="wrap")
    with pytest.raises(ValueError, match="Padding must be an int or a 1, 2, or 4 element tuple, not a 3 element"):
        T.Pad((1, 2, 3))
    x = TL.rand(1, 4, 4, requires_grad=True)
    F.pad(x, 1, padding_mode="reflect").sum().backward()
    assert x.grad.shape == (1, 4, 4) and float(x.grad.sum()) == 36.0


# ------------------------------------------------------------------------------------------------ RNG reproduction
def test_random_flip_draws_match_torch():
    TL.manual_seed(11)
    t = T.RandomHorizontalFlip(p=0.3)
    got = [T.RandomHorizontalFlip.forward(t, tl(chw(RGB))).numpy()[0, 0, 0] != RGB[0, 0, 0] for _ in range(40)]
    TH.manual_seed(11)
    want = [bool(TH.rand(1) < 0.3) for _ in range(40)]
    # flipped <=> the first pixel changed (RGB[0, -1] differs from RGB[0, 0] in channel 0)
    assert RGB[0, -1, 0] != RGB[0, 0, 0]
    assert got == want


def test_random_crop_draws_match_torch():
    img = pil(RGB)
    for seed in range(5):
        TL.manual_seed(seed)
        out = T.RandomCrop((6, 9))(img)
        TH.manual_seed(seed)
        i = TH.randint(0, 13 - 6 + 1, size=(1,)).item()
        j = TH.randint(0, 17 - 9 + 1, size=(1,)).item()
        np.testing.assert_array_equal(np.asarray(out), RGB[i:i + 6, j:j + 9])


def test_random_crop_padding_and_pad_if_needed():
    TL.manual_seed(3)
    out = T.RandomCrop(16, padding=4, fill=0)(pil(RGB))
    TH.manual_seed(3)
    i, j = TH.randint(0, 21 - 16 + 1, size=(1,)).item(), TH.randint(0, 25 - 16 + 1, size=(1,)).item()
    padded = np.pad(RGB, ((4, 4), (4, 4), (0, 0)))
    np.testing.assert_array_equal(np.asarray(out), padded[i:i + 16, j:j + 16])
    out = T.RandomCrop((20, 20), pad_if_needed=True, padding_mode="edge")(tl(chw(RGB)))
    assert out.shape == (3, 20, 20)
    with pytest.raises(ValueError, match=r"Required crop size \(20, 20\) is larger than input image size \(13, 17\)"):
        T.RandomCrop(20)(pil(RGB))


def _th_rrc_params(height, width, scale, ratio):
    area = height * width
    log_ratio = TH.log(TH.tensor(ratio))
    for _ in range(10):
        target_area = area * TH.empty(1).uniform_(scale[0], scale[1]).item()
        aspect_ratio = TH.exp(TH.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        w = int(round(math.sqrt(target_area * aspect_ratio)))
        h = int(round(math.sqrt(target_area / aspect_ratio)))
        if 0 < w <= width and 0 < h <= height:
            i = TH.randint(0, height - h + 1, size=(1,)).item()
            j = TH.randint(0, width - w + 1, size=(1,)).item()
            return i, j, h, w
    return None


def test_random_resized_crop_params_match_torch():
    img = pil(RNG.integers(0, 256, (60, 80, 3), dtype=np.uint8))
    for seed in range(30):
        TL.manual_seed(seed)
        got = T.RandomResizedCrop.get_params(img, (0.08, 1.0), (3 / 4, 4 / 3))
        TH.manual_seed(seed)
        assert got == _th_rrc_params(60, 80, (0.08, 1.0), (3 / 4, 4 / 3)), seed
    TL.manual_seed(0)
    out = T.RandomResizedCrop(24)(img)
    assert out.size == (24, 24)
    TL.manual_seed(0)
    i, j, h, w = T.RandomResizedCrop.get_params(img, (0.08, 1.0), (3 / 4, 4 / 3))
    np.testing.assert_array_equal(np.asarray(out), np.asarray(img.crop((j, i, j + w, i + h)).resize((24, 24), 2)))


def test_color_jitter_params_match_torch():
    for seed in range(5):
        TL.manual_seed(seed)
        idx, b, c, s, h = T.ColorJitter.get_params((0.6, 1.4), (0.7, 1.3), (0.5, 1.5), (-0.1, 0.1))
        TH.manual_seed(seed)
        ref_idx = TH.randperm(4).tolist()
        ref = [float(TH.empty(1).uniform_(lo, hi)) for lo, hi in ((0.6, 1.4), (0.7, 1.3), (0.5, 1.5), (-0.1, 0.1))]
        assert idx.tolist() == ref_idx and [b, c, s, h] == ref


def test_rotation_and_affine_params_match_torch():
    TL.manual_seed(4)
    got = [T.RandomRotation.get_params([-30.0, 30.0]) for _ in range(3)]
    got.append(T.RandomAffine.get_params([-10.0, 10.0], (0.1, 0.2), (0.9, 1.1), [-5.0, 5.0, -3.0, 3.0], [32, 24]))
    TH.manual_seed(4)
    want = [float(TH.empty(1).uniform_(-30.0, 30.0).item()) for _ in range(3)]
    angle = float(TH.empty(1).uniform_(-10.0, 10.0).item())
    tx = int(round(TH.empty(1).uniform_(-3.2, 3.2).item()))
    ty = int(round(TH.empty(1).uniform_(-4.8, 4.8).item()))
    sc = float(TH.empty(1).uniform_(0.9, 1.1).item())
    shx, shy = float(TH.empty(1).uniform_(-5.0, 5.0).item()), float(TH.empty(1).uniform_(-3.0, 3.0).item())
    want.append((angle, (tx, ty), sc, (shx, shy)))
    assert got == want


def test_random_apply_grayscale_erasing_draws():
    TL.manual_seed(9)
    outs = [T.RandomApply([T.Lambda(lambda x: "applied")], p=0.4)("img") for _ in range(20)]
    grays = [T.RandomGrayscale(p=0.5)(pil(RGB)).getpixel((0, 0)) for _ in range(10)]
    TH.manual_seed(9)
    want = ["img" if 0.4 < TH.rand(1) else "applied" for _ in range(20)]
    want_g = [bool(TH.rand(1) < 0.5) for _ in range(10)]
    assert outs == want
    gray_px = pil(RGB).convert("L").getpixel((0, 0))
    assert [g == (gray_px,) * 3 for g in grays] == want_g


def test_random_erasing_matches_torch():
    x = RNG.random((3, 20, 24)).astype(np.float32)
    TL.manual_seed(2)
    out = T.RandomErasing(p=1.0, value=0.5)(tl(x)).numpy()
    TH.manual_seed(2)
    TH.rand(1)
    log_ratio = TH.log(TH.tensor((0.3, 3.3)))
    for _ in range(10):
        erase_area = 480 * TH.empty(1).uniform_(0.02, 0.33).item()
        aspect_ratio = TH.exp(TH.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        h, w = int(round(math.sqrt(erase_area * aspect_ratio))), int(round(math.sqrt(erase_area / aspect_ratio)))
        if h < 20 and w < 24:
            i, j = TH.randint(0, 20 - h + 1, size=(1,)).item(), TH.randint(0, 24 - w + 1, size=(1,)).item()
            break
    ref = x.copy()
    ref[:, i:i + h, j:j + w] = 0.5
    np.testing.assert_array_equal(out, ref)


# ------------------------------------------------------------------------------------------------ rotate, affine, blur
def _th_grid_transform(x, matrix, mode, fill, ow=None, oh=None):
    """torchvision's _functional_tensor affine/rotate path, written with real torch."""
    img = x.unsqueeze(0)
    out_dtype = img.dtype
    if img.dtype != TH.float32:
        img = img.to(TH.float32)
    w, h = img.shape[-1], img.shape[-2]
    ow, oh = ow or w, oh or h
    theta = TH.tensor(matrix, dtype=TH.float32).reshape(1, 2, 3)
    base = TH.empty(1, oh, ow, 3)
    base[..., 0].copy_(TH.linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, steps=ow))
    base[..., 1].copy_(TH.linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, steps=oh).unsqueeze_(-1))
    base[..., 2].fill_(1)
    grid = base.view(1, oh * ow, 3).bmm(theta.transpose(1, 2) / TH.tensor([0.5 * w, 0.5 * h])).view(1, oh, ow, 2)
    if fill is not None:
        img = TH.cat((img, TH.ones((1, 1, h, w))), dim=1)
    img = TH.nn.functional.grid_sample(img, grid, mode=mode, padding_mode="zeros", align_corners=False)
    if fill is not None:
        mask = img[:, -1:].expand_as(img[:, :-1])
        img = img[:, :-1]
        fill_img = TH.tensor(fill, dtype=img.dtype).view(1, len(fill), 1, 1).expand_as(img)
        if mode == "nearest":
            m = mask < 0.5
            img[m] = fill_img[m]
        else:
            img = img * mask + (1.0 - mask) * fill_img
    img = img.squeeze(0)
    if out_dtype != TH.float32:
        img = TH.round(img).to(out_dtype)
    return img


@pytest.mark.parametrize("angle", [30.0, -45.0, 90.0, 12.5])
@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_rotate_tensor_matches_grid_sample(angle, mode):
    x = RNG.random((3, 13, 17)).astype(np.float32)
    fill = [0.2, 0.4, 0.6]
    out = F.rotate(tl(x), angle, T.InterpolationMode(mode), fill=fill)
    matrix = F._get_inverse_affine_matrix([0.0, 0.0], -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    ref = _th_grid_transform(th(x), matrix, mode, fill)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-4, atol=1e-4)
    out8 = F.rotate(tl(chw(RGB)), angle, T.InterpolationMode(mode), fill=fill).numpy()
    ref8 = _th_grid_transform(th(chw(RGB)), matrix, mode, fill).numpy()
    assert np.abs(out8.astype(int) - ref8.astype(int)).max() <= 1


def test_rotate_expand_and_affine_tensor():
    x = RNG.random((1, 10, 16)).astype(np.float32)
    out = F.rotate(tl(x), 90.0, expand=True)
    assert out.shape == (1, 16, 10)
    np.testing.assert_allclose(out.numpy()[0], np.rot90(x[0]), atol=1e-6)
    m = F._get_inverse_affine_matrix([0.0, 0.0], 10.0, [1.0, -2.0], 1.1, [5.0, 0.0])
    out = F.affine(tl(x), 10.0, [1, -2], 1.1, [5.0, 0.0], T.InterpolationMode.BILINEAR)
    np.testing.assert_allclose(out.numpy(), _th_grid_transform(th(x), m, "bilinear", None).numpy(), atol=1e-5)


def test_rotate_pil_is_pil():
    img = pil(RGB)
    out = F.rotate(img, 33.0, T.InterpolationMode.BILINEAR, expand=True, fill=(1, 2, 3))
    ref = img.rotate(33.0, 2, True, None, fillcolor=(1, 2, 3))
    np.testing.assert_array_equal(np.asarray(out), np.asarray(ref))
    TL.manual_seed(1)
    out = T.RandomRotation(20)(img)
    TL.manual_seed(1)
    angle = TL.empty(1).uniform_(-20.0, 20.0).item()
    np.testing.assert_array_equal(np.asarray(out), np.asarray(img.rotate(angle, 0, False, None, fillcolor=(0, 0, 0))))


def test_gaussian_blur_matches_conv2d():
    x = RNG.random((3, 12, 15)).astype(np.float32)
    out = F.gaussian_blur(tl(x), [5, 3], [1.2, 0.8])
    xs = TH.linspace(-2, 2, 5)
    kx = TH.exp(-0.5 * (xs / 1.2) ** 2)
    kx = kx / kx.sum()
    ys = TH.linspace(-1, 1, 3)
    ky = TH.exp(-0.5 * (ys / 0.8) ** 2)
    ky = ky / ky.sum()
    k2 = TH.mm(ky[:, None], kx[None, :]).expand(3, 1, 3, 5)
    ref = TH.nn.functional.conv2d(TH.nn.functional.pad(th(x)[None], [2, 2, 1, 1], mode="reflect"), k2, groups=3)[0]
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-5, atol=1e-6)
    blurred = T.GaussianBlur(3, sigma=(0.5, 0.5))(pil(RGB))
    assert isinstance(blurred, Image.Image) and blurred.size == (17, 13)


# ------------------------------------------------------------------------------------------------ colour
def _th_blend(a, b, r):
    bound = 255 if a.dtype == TH.uint8 else 1
    return (r * a + (1.0 - r) * b).clamp(0, bound).to(a.dtype)


def _th_gray(x):
    r, g, b = x.unbind(dim=-3)
    return (0.2989 * r + 0.587 * g + 0.114 * b).to(x.dtype).unsqueeze(dim=-3)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_color_adjust_tensor(dtype):
    x = chw(RGB) if dtype == "uint8" else f32(RGB)
    a, b = tl(x), th(x)
    np.testing.assert_array_equal(F.rgb_to_grayscale(a).numpy(), _th_gray(b).numpy())
    np.testing.assert_array_equal(F.rgb_to_grayscale(a, 3).numpy(), _th_gray(b).expand(b.shape).numpy())
    np.testing.assert_array_equal(F.adjust_brightness(a, 1.3).numpy(), _th_blend(b, TH.zeros_like(b), 1.3).numpy())
    np.testing.assert_array_equal(F.adjust_saturation(a, 0.6).numpy(), _th_blend(b, _th_gray(b), 0.6).numpy())
    mean = TH.mean(_th_gray(b).to(TH.float32), dim=(-3, -2, -1), keepdim=True)
    got, want = F.adjust_contrast(a, 1.5).numpy(), _th_blend(b, mean, 1.5).numpy()
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), atol=1 if dtype == "uint8" else 1e-6)
    hue = F.adjust_hue(a, 0.2)
    assert hue.dtype == a.dtype and hue.shape == a.shape
    ref = _th_adjust_hue(b, 0.2).numpy()
    np.testing.assert_allclose(hue.numpy().astype(np.float64), ref.astype(np.float64),
                               atol=1 if dtype == "uint8" else 1e-5)


def _th_adjust_hue(img, hue_factor):
    """torchvision's tensor adjust_hue (rgb -> hsv -> shift -> rgb), with real torch."""
    orig = img.dtype
    if orig == TH.uint8:
        img = img.to(TH.float32) / 255.0
    r, g, b = img.unbind(dim=-3)
    maxc, minc = TH.max(img, dim=-3).values, TH.min(img, dim=-3).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = TH.ones_like(maxc)
    s = cr / TH.where(eqc, ones, maxc)
    crd = TH.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / crd, (maxc - g) / crd, (maxc - b) / crd
    h = (maxc == r) * (bc - gc) + ((maxc == g) & (maxc != r)) * (2.0 + rc - bc) + \
        ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = (TH.fmod((h / 6.0 + 1.0), 1.0) + hue_factor) % 1.0
    v = maxc
    i = TH.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=TH.int32) % 6
    p = TH.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = TH.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = TH.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    mask = i.unsqueeze(dim=-3) == TH.arange(6).view(-1, 1, 1)
    a4 = TH.stack((TH.stack((v, q, p, p, t, v), dim=-3), TH.stack((t, v, v, q, p, p), dim=-3),
                   TH.stack((p, p, t, v, v, q), dim=-3)), dim=-4)
    out = TH.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=img.dtype), a4)
    return (out * 255.999).to(orig) if orig == TH.uint8 else out


def test_adjust_hue_tensor_roundtrip_and_pil():
    x = f32(RGB)
    back = F.adjust_hue(F.adjust_hue(tl(x), 0.3), -0.3).numpy()
    np.testing.assert_allclose(back, x, atol=1e-5)
    img = pil(RGB)
    out = F.adjust_hue(img, -0.25)
    h, s, v = img.convert("HSV").split()
    nh = ((np.array(h).astype(int) + int(-0.25 * 255)) % 256).astype(np.uint8)
    ref = Image.merge("HSV", (Image.fromarray(nh, "L"), s, v)).convert("RGB")
    np.testing.assert_array_equal(np.asarray(out), np.asarray(ref))
    with pytest.raises(ValueError, match=r"hue_factor \(0.7\) is not in \[-0.5, 0.5\]."):
        F.adjust_hue(img, 0.7)


def test_color_adjust_pil_and_jitter():
    img = pil(RGB)
    np.testing.assert_array_equal(np.asarray(F.adjust_brightness(img, 1.4)),
                                  np.asarray(ImageEnhance.Brightness(img).enhance(1.4)))
    np.testing.assert_array_equal(np.asarray(F.adjust_contrast(img, 0.5)),
                                  np.asarray(ImageEnhance.Contrast(img).enhance(0.5)))
    np.testing.assert_array_equal(np.asarray(F.adjust_saturation(img, 1.7)),
                                  np.asarray(ImageEnhance.Color(img).enhance(1.7)))
    np.testing.assert_array_equal(np.asarray(T.Grayscale()(img)), np.asarray(img.convert("L")))
    assert T.Grayscale(3)(img).mode == "RGB"
    TL.manual_seed(0)
    out = T.ColorJitter(0.4, 0.4, 0.4, 0.1)(img)
    TL.manual_seed(0)
    idx, b, c, s, h = T.ColorJitter.get_params((0.6, 1.4), (0.6, 1.4), (0.6, 1.4), (-0.1, 0.1))
    ref = img
    for k in idx.tolist():
        ref = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue][k](ref, [b, c, s, h][k])
    np.testing.assert_array_equal(np.asarray(out), np.asarray(ref))
    with pytest.raises(ValueError, match="If brightness is a single number, it must be non negative."):
        T.ColorJitter(brightness=-1)


# ------------------------------------------------------------------------------------------------ reprs and API
def test_reprs():
    assert repr(T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])) == \
        "Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.5,))\n)"
    assert repr(T.Resize(32)) == "Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)"
    assert repr(T.Resize((32, 40), interpolation=Image.NEAREST)) == \
        "Resize(size=(32, 40), interpolation=nearest, max_size=None, antialias=True)"
    assert repr(T.CenterCrop(28)) == "CenterCrop(size=(28, 28))"
    assert repr(T.RandomCrop(32, padding=4)) == "RandomCrop(size=(32, 32), padding=4)"
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)"
    assert repr(T.RandomResizedCrop(224)) == ("RandomResizedCrop(size=(224, 224), scale=(0.08, 1.0), "
                                              "ratio=(0.75, 1.3333), interpolation=bilinear, antialias=True)")
    assert repr(T.ColorJitter(0.2, 0.3)) == \
        "ColorJitter(brightness=(0.8, 1.2), contrast=(0.7, 1.3), saturation=None, hue=None)"
    assert repr(T.RandomRotation(10)) == \
        "RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, fill=0)"
    assert repr(T.Pad(2)) == "Pad(padding=2, fill=0, padding_mode=constant)"
    assert repr(T.Grayscale()) == "Grayscale(num_output_channels=1)"
    assert repr(T.RandomApply([T.ToTensor()], p=0.3)) == "RandomApply(\n    p=0.3\n    ToTensor()\n)"
    assert repr(T.RandomChoice([T.ToTensor()])) == "RandomChoice(\n    ToTensor()\n)(p=None)"
    assert repr(T.ToPILImage()) == "ToPILImage()" and repr(T.Lambda(abs)) == "Lambda()"
    assert repr(T.RandomAffine(5, translate=(0.1, 0.1))) == "RandomAffine(degrees=[-5.0, 5.0], translate=(0.1, 0.1))"
    assert repr(T.GaussianBlur(3)) == "GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))"
    assert repr(T.RandomErasing()) == \
        "RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False)"


def test_transforms_are_modules_and_errors():
    assert isinstance(T.Normalize((0.5,), (0.5,)), TL.nn.Module)
    seq = TL.nn.Sequential(T.Resize((4, 4)), T.Normalize((0.5,), (0.5,)))
    assert seq(TL.rand(1, 8, 8)).shape == (1, 4, 4)
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)
    with pytest.raises(ValueError, match="If degrees is a single number, it must be positive."):
        T.RandomRotation(-3)
    with pytest.raises(ValueError, match="Please provide only two dimensions"):
        T.CenterCrop((1, 2, 3))
    with pytest.raises(TypeError, match="Argument interpolation should be a InterpolationMode"):
        F.resize(pil(RGB), 5, interpolation="bilinear")


def test_five_ten_crop():
    crops = T.FiveCrop(5)(pil(RGB))
    assert len(crops) == 5
    np.testing.assert_array_equal(np.asarray(crops[3]), RGB[8:, 12:])
    assert len(T.TenCrop(4, vertical_flip=True)(tl(chw(RGB)))) == 10


def test_v2_names():
    x = v2.ToImage()(pil(RGB))
    assert x.dtype == TL.uint8 and x.shape == (3, 13, 17)
    y = v2.ToDtype(TL.float32, scale=True)(x)
    np.testing.assert_allclose(y.numpy(), f32(RGB), rtol=1e-6)
    assert v2.ToDtype(TL.float32)(x).numpy().max() > 1
    assert repr(v2.ToDtype(TL.float32, scale=True)) == "ToDtype(scale=True)"
    assert repr(v2.Compose([v2.ToImage(), v2.ToDtype(TL.float32, scale=True)])) == \
        "Compose(\n      ToImage()\n      ToDtype(scale=True)\n)"
    out = v2.Compose([v2.ToImage(), v2.ToDtype(TL.float32, scale=True), v2.Normalize((0.5,) * 3, (0.5,) * 3),
                      v2.RandomHorizontalFlip(p=1.0), v2.Resize((6, 8))])(pil(RGB))
    assert out.shape == (3, 6, 8)
    from torchlike.vision.transforms.v2 import functional as F2
    assert F2.to_dtype(F2.to_image(RGB), TL.float32, scale=True).shape == (3, 13, 17)


def test_drop_in_torchvision_import(tmp_path):
    import os
    import subprocess
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    script = tmp_path / "s.py"
    script.write_text("import torchvision, torchvision.transforms as T\nfrom torchvision.datasets import MNIST\n"
                      "from torchvision.transforms import v2\nfrom torchvision.transforms.v2 import functional\n"
                      "print(torchvision.__name__, T.ToTensor(), MNIST.__module__)\n")
    env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=root)
    r = subprocess.run([sys.executable, "-m", "torchlike", str(script)], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["torchlike.vision", "ToTensor()", "torchlike.vision.datasets.mnist"]


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_tensor_path_matches_numpy_path(dtype, monkeypatch):
    """The kernels give the same results through torchlike ops (autograd / accelerators) as through NumPy."""
    from torchlike.vision.transforms import _functional_tensor as FT
    x = chw(RGB) if dtype == "uint8" else f32(RGB)
    cases = [
        lambda a: F.resize(a, [7, 9]), lambda a: F.resize(a, [30, 20], T.InterpolationMode.BICUBIC),
        lambda a: F.resize(a, [5, 30], T.InterpolationMode.NEAREST), lambda a: F.pad(a, [1, 2, 3, 4], 5),
        lambda a: F.pad(a, 3, padding_mode="symmetric"), lambda a: F.rotate(a, 20.0, fill=[1.0, 2.0, 3.0]),
        lambda a: F.rotate(a, 20.0, T.InterpolationMode.BILINEAR, expand=True),
        lambda a: F.gaussian_blur(a, [3, 5], [0.7, 1.1]), lambda a: F.rgb_to_grayscale(a),
        lambda a: F.adjust_brightness(a, 0.7), lambda a: F.adjust_saturation(a, 1.6),
        lambda a: F.convert_image_dtype(a, TL.float64),
    ]
    fast = [fn(tl(x)) for fn in cases]
    monkeypatch.setattr(FT, "_use_numpy", lambda img: False)
    slow = [fn(tl(x)) for fn in cases]
    for k, (a, b) in enumerate(zip(fast, slow)):
        assert a.dtype == b.dtype and a.shape == b.shape, k
        tol = 1 if dtype == "uint8" and a.dtype == TL.uint8 else 1e-5
        np.testing.assert_allclose(a.numpy().astype(np.float64), b.numpy().astype(np.float64), atol=tol, err_msg=k)
