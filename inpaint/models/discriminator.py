"""SN-PatchGAN discriminator (Yu et al. 2019, DeepFill v2, Sec. 3.2).

Six 5x5 stride-2 convolutions with spectral normalisation and LeakyReLU(0.2); every element of
the output map is a real/fake score for one patch of the input. Trained with the hinge loss
(`inpaint.losses.adversarial`); `features` gives every layer's activations for feature
matching.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm


def activations(net: nn.Sequential, x: Tensor) -> list[Tensor]:
    """The output of every LeakyReLU of `net` and its final output (once, when the last layer
    is an activation): what feature matching compares, coarsest last, scores at the end."""
    outputs = []
    for layer in net:
        x = layer(x)
        if isinstance(layer, nn.LeakyReLU):
            outputs.append(x)
    if not isinstance(net[-1], nn.LeakyReLU):
        outputs.append(x)
    return outputs


class PatchDiscriminator(nn.Module):
    """Patch scores for an image and its mask.

    forward(image [N, 3, H, W] in [0, 1], mask [N, 1, H, W]) -> [N, C, H / 2**L, W / 2**L]
    with L = len(widths) and C = widths[-1]; ``features(image, mask)`` -> every layer's
    activations, the last of which is that output.

    Args:
        widths: output channels of each 5x5 stride-2 conv (DeepFill v2: 64, 128, 256 x 4).
        image_channels: channels of the image; the mask is appended as one more channel.
    """

    def __init__(
        self, widths: Sequence[int] = (64, 128, 256, 256, 256, 256), image_channels: int = 3
    ) -> None:
        super().__init__()
        if not widths or any(w < 1 for w in widths):
            raise ValueError(f"widths must list positive channel counts, got {list(widths)}")
        layers: list[nn.Module] = []
        cin = image_channels + 1
        for cout in widths:
            layers += [
                spectral_norm(nn.Conv2d(cin, cout, 5, stride=2, padding=2)),
                nn.LeakyReLU(0.2),
            ]
            cin = cout
        self.net = nn.Sequential(*layers)

    def features(self, image: Tensor, mask: Tensor) -> list[Tensor]:
        return activations(self.net, torch.cat([image * 2 - 1, mask], dim=1))

    def forward(self, image: Tensor, mask: Tensor) -> Tensor:
        return self.features(image, mask)[-1]
