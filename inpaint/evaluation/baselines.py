"""Classical baselines: OpenCV's Telea (fast marching, Telea 2004) and Navier-Stokes
(Bertalmio et al. 2001) inpainting, from the optional ``eval`` extra
(``pip install "inpaint[eval]"``, opencv-python-headless)."""

from __future__ import annotations

import numpy as np


class OpenCVMethod:
    """``cv2.inpaint`` with one of its two algorithms; `radius` is its neighbourhood in pixels.

    __call__(images uint8 [N, H, W, 3] RGB, holes bool [N, H, W]) -> uint8 [N, H, W, 3].
    """

    def __init__(self, cv2, name: str, flag: int, radius: int = 3) -> None:
        self.cv2, self.name, self.flag, self.radius = cv2, name, flag, radius
        self.params = 0

    def __call__(self, images: np.ndarray, holes: np.ndarray) -> np.ndarray:
        return np.stack(
            [
                self.cv2.inpaint(image, hole.astype(np.uint8) * 255, self.radius, self.flag)
                for image, hole in zip(images, holes, strict=True)
            ]
        )


def opencv_baselines(radius: int = 3) -> tuple[list[OpenCVMethod], str | None]:
    """(Telea and Navier-Stokes, None), or ([], why not) when OpenCV cannot be imported."""
    try:
        import cv2
    except ImportError as error:
        return [], (
            f"OpenCV baselines skipped: cannot import cv2 ({error}); install them with "
            'pip install "inpaint[eval]"'
        )
    return [
        OpenCVMethod(cv2, "opencv-telea", cv2.INPAINT_TELEA, radius),
        OpenCVMethod(cv2, "opencv-ns", cv2.INPAINT_NS, radius),
    ], None
