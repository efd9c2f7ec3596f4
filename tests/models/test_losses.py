"""Loss terms against hand-computed numbers; weights and VGG weights validated."""

import pytest
import torch
from safetensors.torch import save_file
from torchvision.models import vgg16

from inpaint.losses import (
    InpaintLoss,
    discriminator_hinge_loss,
    generator_hinge_loss,
    gram_matrix,
    hole_total_variation,
    load_vgg16_features,
    masked_l1,
    ssim_loss,
)


def test_masked_l1_by_hand():
    prediction = torch.tensor([[[[0.0, 1.0], [0.5, 0.5]]]])
    target = torch.zeros(1, 1, 2, 2)
    mask = torch.tensor([[[[1.0, 0.0], [1.0, 0.0]]]])  # right column is the hole
    valid, hole = masked_l1(prediction, target, mask)
    # normalised by all 4 elements, as Liu et al.: valid = (0 + 0.5) / 4, hole = (1 + 0.5) / 4
    assert valid.item() == pytest.approx(0.125)
    assert hole.item() == pytest.approx(0.375)


def test_hole_total_variation_counts_only_the_dilated_hole_region():
    image = torch.zeros(1, 1, 5, 5)
    image[..., 0, 0] = 1.0  # a jump far from the hole: ignored
    mask = torch.ones(1, 1, 5, 5)
    mask[..., 3, 3] = 0
    assert hole_total_variation(image, mask).item() == 0
    image[..., 3, 3] = 1.0  # inside the hole: 4 unit steps, 2 horizontal + 2 vertical
    tv = hole_total_variation(image, mask).item()
    assert tv == pytest.approx(2 / (5 * 4) + 2 / (4 * 5))


def test_hinge_losses_by_hand():
    real, fake = torch.tensor([2.0, 0.5]), torch.tensor([-2.0, 0.0])
    # relu(1 - real) = [0, 0.5] -> 0.25 ; relu(1 + fake) = [0, 1] -> 0.5
    assert discriminator_hinge_loss(real, fake).item() == pytest.approx(0.75)
    assert generator_hinge_loss(fake).item() == pytest.approx(1.0)


def test_gram_matrix_normalisation():
    features = torch.ones(1, 2, 3, 3)
    assert torch.allclose(gram_matrix(features), torch.full((1, 2, 2), 9 / 18))


def test_total_loss_is_the_weighted_sum_of_the_logged_terms():
    loss = InpaintLoss(valid_weight=2.0, hole_weight=3.0, tv_weight=0.5)
    prediction, target = torch.rand(2, 3, 8, 8), torch.rand(2, 3, 8, 8)
    mask = (torch.rand(2, 1, 8, 8) > 0.5).float()
    blended = target * mask + prediction * (1 - mask)
    total, terms = loss(prediction, blended, target, mask)
    assert set(terms) == {"l1_valid", "l1_hole", "tv"}
    expected = 2 * terms["l1_valid"] + 3 * terms["l1_hole"] + 0.5 * terms["tv"]
    assert total.item() == pytest.approx(expected.item())


@pytest.mark.parametrize(
    "name", ["valid_weight", "hole_weight", "tv_weight", "ssim_weight", "adversarial_weight"]
)
def test_negative_or_nan_weight_is_rejected(name):
    with pytest.raises(ValueError, match=name.removesuffix("_weight")):
        InpaintLoss(**{name: -1.0})
    with pytest.raises(ValueError, match="must be >= 0"):
        InpaintLoss(**{name: float("nan")})


def test_perceptual_loss_without_weights_says_how_to_get_them(tmp_path):
    with pytest.raises(ValueError, match="vgg16-397923af.pth"):
        InpaintLoss(perceptual_weight=0.05)
    with pytest.raises(FileNotFoundError, match="vgg_weights_path"):
        InpaintLoss(style_weight=1.0, vgg_weights_path=tmp_path / "missing.pth")


def test_vgg_features_load_from_local_safetensors_and_give_finite_terms(tmp_path):
    state = {k: v for k, v in vgg16(weights=None).state_dict().items() if k.startswith("features.")}
    path = tmp_path / "vgg16_features.safetensors"
    save_file(state, str(path))
    features = load_vgg16_features(path)
    assert not any(p.requires_grad for p in features.parameters())
    assert torch.equal(features[0].weight, state["features.0.weight"])
    loss = InpaintLoss(perceptual_weight=0.05, style_weight=120.0, vgg_weights_path=path)
    image = torch.rand(1, 3, 32, 32)
    mask = torch.ones(1, 1, 32, 32)
    total, terms = loss(image, image, image, mask)
    assert terms["perceptual"].item() == 0 and terms["style"].item() == 0
    _, terms = loss(torch.rand(1, 3, 32, 32), image, image, mask)
    assert terms["perceptual"].item() > 0 and torch.isfinite(total)


def test_vgg_file_of_another_network_is_named(tmp_path):
    path = tmp_path / "other.safetensors"
    save_file({"conv.weight": torch.zeros(1)}, str(path))
    with pytest.raises(ValueError, match="not a torchvision VGG16"):
        load_vgg16_features(path)


def manual_ssim(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Wang et al. 2004 with an 11x11 Gaussian window (sigma 1.5), data range 1, mean over
    every pixel of the image reflect-padded by 5 (torchmetrics' border rule)."""
    coords = torch.arange(11, dtype=x.dtype) - 5
    g = torch.exp(-(coords**2) / (2 * 1.5**2))
    g = g / g.sum()
    window = (g[:, None] * g[None, :]).expand(x.shape[1], 1, 11, 11)

    def blur(t):
        padded = torch.nn.functional.pad(t, (5, 5, 5, 5), mode="reflect")
        return torch.nn.functional.conv2d(padded, window, groups=x.shape[1])

    mu_x, mu_y = blur(x), blur(y)
    var_x, var_y = blur(x * x) - mu_x**2, blur(y * y) - mu_y**2
    cov = blur(x * y) - mu_x * mu_y
    c1, c2 = 0.01**2, 0.03**2
    ssim_map = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / (
        (mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2)
    )
    return ssim_map.mean()


def test_ssim_loss_is_one_minus_the_ssim_formula():
    torch.manual_seed(0)
    target = torch.rand(2, 3, 24, 20, dtype=torch.float64)
    composite = (target + 0.2 * torch.randn_like(target)).clamp(0, 1)
    assert ssim_loss(target, target).item() == pytest.approx(0, abs=1e-12)
    expected = 1 - manual_ssim(composite, target)
    assert ssim_loss(composite, target).item() == pytest.approx(expected.item(), rel=1e-6)


def test_ssim_term_is_weighted_into_the_total_and_gives_gradients():
    torch.manual_seed(0)
    target = torch.rand(1, 3, 16, 16)
    prediction = torch.rand(1, 3, 16, 16, requires_grad=True)
    mask = torch.ones(1, 1, 16, 16)
    mask[..., 4:12, 4:12] = 0
    composite = torch.where(mask > 0.5, target, prediction)
    loss = InpaintLoss(valid_weight=0, hole_weight=0, tv_weight=0, ssim_weight=2.0)
    total, terms = loss(prediction, composite, target, mask)
    assert total.item() == pytest.approx(2 * ssim_loss(composite, target).item())
    total.backward()
    assert prediction.grad[..., 4:12, 4:12].abs().sum() > 0
    assert prediction.grad[..., 0, 0].abs().sum() == 0  # known pixels come from the target
    assert "ssim" not in InpaintLoss()(prediction, composite, target, mask)[1]  # off by default
