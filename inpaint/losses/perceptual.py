"""Perceptual and style losses on VGG16 features (Johnson et al. 2016; Gatys et al. 2016), as
used by Liu et al. 2018: L1 between features of pool1, pool2 and pool3, and between their Gram
matrices.

The VGG16 weights are never downloaded: pass the path of a local copy of torchvision's
ImageNet VGG16 state dict (``vgg16-397923af.pth``, or the same tensors as ``.safetensors``).
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torchvision.models import vgg16

VGG_HOW_TO = (
    "Download https://download.pytorch.org/models/vgg16-397923af.pth on a machine with internet "
    "access, copy it here and set loss.vgg_weights_path=/path/to/vgg16-397923af.pth "
    "(a .safetensors file with the same keys works too), or set the perceptual and style "
    "weights to 0."
)
# Indices in torchvision's vgg16().features after which pool1, pool2, pool3 are taken.
POOL_INDICES = (4, 9, 16)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def load_vgg16_features(weights_path: str | Path) -> nn.Sequential:
    """VGG16 conv layers up to pool3, frozen, from a local state dict (no unpickling).

    The file is torchvision's full VGG16 state dict or any file holding its ``features.*`` keys.
    """
    path = Path(weights_path)
    if not path.is_file():
        raise FileNotFoundError(f"VGG16 weights not found at {path}. {VGG_HOW_TO}")
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        state = load_file(str(path))
    else:
        state = torch.load(path, map_location="cpu", weights_only=True)
    features = vgg16(weights=None).features[: POOL_INDICES[-1] + 1]
    # only the conv layers up to pool3 are used: a file holding just those keys is enough
    wanted = {f"features.{key}" for key in features.state_dict()}
    missing = sorted(wanted - set(state))
    if missing:
        raise ValueError(
            f"{path} is not a torchvision VGG16 state dict (missing {missing[:3]}...). {VGG_HOW_TO}"
        )
    features.load_state_dict({key[len("features.") :]: state[key] for key in wanted})
    features.eval()
    features.requires_grad_(False)
    return features


def gram_matrix(features: Tensor) -> Tensor:
    """[N, C, H, W] -> [N, C, C], normalised by C*H*W as in Liu et al. 2018 (Eq. 4-5)."""
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)


class VGGFeatureLoss(nn.Module):
    """forward(images: list of [N, 3, H, W] in [0, 1], target [N, 3, H, W]) -> (perceptual, style).

    Each image in the list (raw output and composite, as in the paper) is compared to the target.
    """

    def __init__(self, weights_path: str | Path) -> None:
        super().__init__()
        self.features = load_vgg16_features(weights_path)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)

    def pools(self, x: Tensor) -> list[Tensor]:
        x = (x - self.mean) / self.std
        taken = []
        for index, layer in enumerate(self.features):
            x = layer(x)
            if index in POOL_INDICES:
                taken.append(x)
        return taken

    def forward(self, images: list[Tensor], target: Tensor) -> tuple[Tensor, Tensor]:
        target_pools = [p.detach() for p in self.pools(target)]
        perceptual = target.new_zeros(())
        style = target.new_zeros(())
        for image in images:
            for mine, theirs in zip(self.pools(image), target_pools, strict=True):
                perceptual = perceptual + F.l1_loss(mine, theirs)
                style = style + F.l1_loss(gram_matrix(mine), gram_matrix(theirs))
        return perceptual, style
