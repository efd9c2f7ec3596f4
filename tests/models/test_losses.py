"""Loss terms against hand-computed numbers; weights and VGG weights validated."""

import pytest
import torch
from safetensors.torch import save_file
from torchvision.models import vgg16

from inpaint.losses import (
    DiscriminatorFeatures,
    InpaintLoss,
    discriminator_hinge_loss,
    feature_matching_loss,
    focal_frequency_loss,
    generator_hinge_loss,
    gradient_l1,
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


def test_gradient_l1_by_hand():
    target = torch.zeros(1, 1, 4, 4)
    composite = target.clone()
    assert gradient_l1(composite, target).item() == 0
    composite[..., 1, 2] = 0.5  # an interior pixel: two vertical and two horizontal steps of 0.5
    assert gradient_l1(composite, target).item() == pytest.approx(2 * 0.5 / 16 + 2 * 0.5 / 16)
    # a constant offset has no gradient: the loss sees edges, not levels
    assert gradient_l1(target + 0.3, target).item() == pytest.approx(0, abs=1e-7)


def _dft_matrix(n: int) -> torch.Tensor:
    k = torch.arange(n, dtype=torch.float64)
    return torch.exp(-2j * torch.pi * k[:, None] * k[None, :] / n) / n**0.5


@pytest.mark.parametrize("alpha", [0.0, 1.0, 2.0])
def test_focal_frequency_loss_is_the_papers_formula(alpha):
    torch.manual_seed(0)
    prediction, target = torch.rand(2, 3, 6, 8), torch.rand(2, 3, 6, 8)
    rows, cols = _dft_matrix(6), _dft_matrix(8)

    def spectrum(x):  # the orthonormal 2-D DFT as two matrix products
        return rows @ x.to(torch.complex128) @ cols.T

    distance = (spectrum(prediction) - spectrum(target)).abs() ** 2
    weight = distance.sqrt() ** alpha
    weight = weight / weight.amax(dim=(-2, -1), keepdim=True)
    expected = (weight * distance).mean()
    loss = focal_frequency_loss(prediction, target, alpha)
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    assert focal_frequency_loss(target, target, alpha).item() == 0


def test_focal_frequency_weights_carry_no_gradient():
    torch.manual_seed(0)
    prediction, target = torch.rand(1, 1, 8, 8, requires_grad=True), torch.rand(1, 1, 8, 8)
    focal_frequency_loss(prediction, target).backward()
    spectrum = torch.fft.fft2(prediction.detach(), norm="ortho") - torch.fft.fft2(
        target, norm="ortho"
    )
    weight = spectrum.abs() / spectrum.abs().max()
    # with w constant, d/dx mean(w |F(x) - F(t)|^2) = 2 Re(F^H (w (F(x) - F(t)))) / numel,
    # and F^H of an orthonormal DFT is its inverse
    expected = 2 * torch.fft.ifft2(weight * spectrum, norm="ortho").real / prediction.numel()
    torch.testing.assert_close(prediction.grad, expected)


def test_feature_matching_by_hand():
    fake = [torch.ones(1, 1, 2, 2), torch.zeros(1, 2, 1, 1)]
    real = [torch.zeros(1, 1, 2, 2), torch.full((1, 2, 1, 1), 2.0)]
    assert feature_matching_loss(fake, real).item() == pytest.approx((1 + 4) / 2)
    with pytest.raises(ValueError, match="as many real as fake layers"):
        feature_matching_loss(fake, real[:1])


def test_new_terms_are_weighted_into_the_total():
    loss = InpaintLoss(
        gradient_weight=2.0,
        focal_frequency_weight=3.0,
        adversarial_weight=0.5,
        feature_matching_weight=10.0,
    )
    torch.manual_seed(0)
    prediction, target = torch.rand(2, 3, 8, 8), torch.rand(2, 3, 8, 8)
    mask = (torch.rand(2, 1, 8, 8) > 0.5).float()
    blended = target * mask + prediction * (1 - mask)
    features = DiscriminatorFeatures(
        real=[torch.rand(2, 4, 4, 4), torch.rand(2, 1, 2, 2)],
        fake=[torch.rand(2, 4, 4, 4), torch.rand(2, 1, 2, 2)],
    )
    total, terms = loss(prediction, blended, target, mask, features)
    assert terms["gradient"] == gradient_l1(blended, target)
    assert terms["focal_frequency"] == focal_frequency_loss(blended, target)
    assert terms["adversarial"] == -features.fake[-1].mean()
    # the scores (last) are left out of feature matching
    assert terms["feature_matching"] == feature_matching_loss(features.fake[:1], features.real[:1])
    expected = sum(loss.weights[name] * value for name, value in terms.items())
    assert total.item() == pytest.approx(expected.item())
    # without the discriminator's features (its warm-up) its two terms are left out
    _, terms = loss(prediction, blended, target, mask)
    assert "adversarial" not in terms and "feature_matching" not in terms


def test_feature_matching_without_a_discriminator_is_refused():
    with pytest.raises(ValueError, match="feature_matching_weight > 0 needs a discriminator"):
        InpaintLoss(feature_matching_weight=1.0)
    with pytest.raises(ValueError, match="focal_frequency_alpha"):
        InpaintLoss(focal_frequency_alpha=-1.0)


@pytest.mark.parametrize(
    "name",
    [
        "valid_weight",
        "hole_weight",
        "tv_weight",
        "ssim_weight",
        "gradient_weight",
        "focal_frequency_weight",
        "adversarial_weight",
        "feature_matching_weight",
    ],
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
