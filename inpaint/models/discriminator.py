"""SN-PatchGAN discriminator (Yu et al. 2019, DeepFill v2, Sec. 3.2).

Six 5x5 stride-2 convolutions with spectral normalisation and LeakyReLU(0.2); every element of
the output map is a real/fake score for one patch of the input. Trained with the hinge loss
(`inpaint.losses.adversarial`).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm


class PatchDiscriminator(nn.Module):
    """Patch scores for an image and its mask.

    forward(image [N, 3, H, W] in [0, 1], mask [N, 1, H, W]) -> [N, C, H / 2**L, W / 2**L]
    with L = len(widths) and C = widths[-1].

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

    def forward(self, image: Tensor, mask: Tensor) -> Tensor:
        return self.net(torch.cat([image * 2 - 1, mask], dim=1))
