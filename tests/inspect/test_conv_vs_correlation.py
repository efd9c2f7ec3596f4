"""PyTorch's conv2d is a cross-correlation: a true convolution flips the kernel."""

import numpy as np
import torch
import torch.nn.functional as F


def true_convolution(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """'valid' 2-D convolution by its definition, (I * K)[i, j] = sum I[i - m, j - n] K[m, n],
    written for output (i, j) over the window whose top-left is (i, j)."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for m in range(kh):
                for n in range(kw):
                    out[i, j] += image[i + kh - 1 - m, j + kw - 1 - n] * kernel[m, n]
    return out


def test_conv2d_is_true_convolution_with_the_flipped_kernel():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(6, 7)), rng.normal(size=(3, 2))
    ours = true_convolution(image, kernel)
    torch_out = F.conv2d(
        torch.from_numpy(image).view(1, 1, 6, 7),
        torch.from_numpy(np.flip(kernel, (0, 1)).copy()).view(1, 1, 3, 2),
    )[0, 0].numpy()
    np.testing.assert_allclose(torch_out, ours, rtol=1e-12, atol=1e-12)
    # without the flip F.conv2d computes something else (the kernel is not symmetric)
    unflipped = F.conv2d(
        torch.from_numpy(image).view(1, 1, 6, 7), torch.from_numpy(kernel).view(1, 1, 3, 2)
    )[0, 0].numpy()
    assert not np.allclose(unflipped, ours)


def test_true_convolution_matches_numpy_convolve_in_1d():
    """The loops above follow the textbook definition: check them against np.convolve."""
    rng = np.random.default_rng(1)
    signal, kernel = rng.normal(size=9), rng.normal(size=3)
    ours = true_convolution(signal.reshape(1, 9), kernel.reshape(1, 3))[0]
    np.testing.assert_allclose(ours, np.convolve(signal, kernel, mode="valid"))
