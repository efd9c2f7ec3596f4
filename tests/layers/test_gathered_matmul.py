"""gathered_matmul against the same product written with dense ops, in one chunk and many."""

import pytest
import torch

from inpaint.layers import gathered_matmul as gathered_matmul_module
from inpaint.layers.gathered_matmul import gathered_matmul


def _dense(rows, index, weight, matrix):
    p, j, _ = index.shape
    sums = (rows[index] * weight[..., None]).sum(dim=2)  # [P, J, C]
    return sums.reshape(p, -1) @ torch.block_diag(*matrix)


def _inputs(p, j, k, r, c, o, seed=0, groups=1):
    generator = torch.Generator().manual_seed(seed)
    f64 = dict(dtype=torch.float64)
    rows = torch.randn(r, c, generator=generator, **f64).requires_grad_()
    index = torch.randint(0, r, (p, j, k), generator=generator)
    weight = torch.randn(p, j, k, generator=generator, **f64).requires_grad_()
    matrix = torch.randn(groups, j * c // groups, o, generator=generator, **f64).requires_grad_()
    return rows, index, weight, matrix


@pytest.mark.parametrize("chunk_bytes", [1, 200, 1 << 21])
@pytest.mark.parametrize(
    ("p", "j", "k", "r", "groups"),
    [(7, 3, 4, 10, 1), (7, 2, 4, 10, 2), (5, 4, 4, 9, 4), (5, 2, 4, 2, 1), (1, 1, 1, 1, 1)],
)
def test_values_and_gradients_match_dense_ops(monkeypatch, chunk_bytes, p, j, k, r, groups):
    """Chunks of one row, of a few rows with a shorter last one, and one chunk for all; groups
    splitting the sums and splitting within a sum; fewer rows than entries per sum (repeated
    indices)."""
    monkeypatch.setattr(gathered_matmul_module, "CHUNK_BYTES", chunk_bytes)
    inputs = _inputs(p, j, k, r, c=6, o=2 * groups, groups=groups)
    rows, index, weight, matrix = inputs
    expected, actual = _dense(*inputs), gathered_matmul(*inputs)
    torch.testing.assert_close(actual, expected)
    grad_out = torch.randn_like(expected)
    differentiable = (rows, weight, matrix)
    expected_grads = torch.autograd.grad(expected, differentiable, grad_out)
    actual_grads = torch.autograd.grad(actual, differentiable, grad_out)
    for a, e in zip(actual_grads, expected_grads, strict=True):
        torch.testing.assert_close(a, e)


def test_gradcheck(monkeypatch):
    monkeypatch.setattr(gathered_matmul_module, "CHUNK_BYTES", 100)
    rows, index, weight, matrix = _inputs(p=4, j=2, k=4, r=6, c=3, o=2, seed=1, groups=2)
    assert torch.autograd.gradcheck(
        lambda rows, weight, matrix: gathered_matmul(rows, index, weight, matrix),
        (rows, weight, matrix),
    )


@pytest.mark.parametrize(
    "needed", [(True, False, False), (False, True, False), (False, False, True)]
)
def test_gradient_of_each_input_alone(needed):
    rows, index, weight, matrix = _inputs(p=6, j=2, k=4, r=9, c=3, o=2)
    for tensor, need in zip((rows, weight, matrix), needed, strict=True):
        tensor.requires_grad_(need)
    wanted = [t for t in (rows, weight, matrix) if t.requires_grad]
    grad_out = torch.randn(6, 2, dtype=torch.float64)
    (expected,) = torch.autograd.grad(_dense(rows, index, weight, matrix), wanted, grad_out)
    (actual,) = torch.autograd.grad(gathered_matmul(rows, index, weight, matrix), wanted, grad_out)
    torch.testing.assert_close(actual, expected)


def test_empty_output():
    rows, index, weight, matrix = _inputs(p=0, j=2, k=4, r=5, c=3, o=2)
    out = gathered_matmul(rows, index, weight, matrix)
    assert out.shape == (0, 2)
    grads = torch.autograd.grad(out.sum(), (rows, weight, matrix))
    assert all(not g.any() for g in grads)
