"""Weighted gather of rows followed by a matrix product, in chunks that stay in cache.

``gathered_matmul`` computes ``(S @ rows).view(P, J * C) @ matrix`` where the sparse ``S`` holds
``K`` weighted entries per row: each of the ``P`` output rows gathers ``J`` weighted sums of
``K`` rows each. A deformable conv is this product with ``J`` taps, ``K = 4`` bilinear
neighbours and the conv weight as ``matrix``. The gathered ``[P, J * C]`` matrix is never held
whole: both passes walk ``P`` in chunks whose columns fit in the CPU cache, and the backward pass
gathers each chunk again instead of saving it. Per chunk the forward pass is ``F.embedding_bag``
and a GEMM; the backward pass adds ``S.T @ grad_columns`` to the rows' gradient as a sparse COO
product (autograd's ``embedding_bag`` backward sorts every index first, several times slower on
the CPU) and takes the weights' gradient, one dot product per entry of ``S``, with
``torch.sparse.sampled_addmm``.
"""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from torch import Tensor

#: target size of one chunk's gathered columns
CHUNK_BYTES = 1 << 22


def _chunk_rows(matrix: Tensor, total: int) -> int:
    """Output rows per chunk, of ``total``: their gathered columns take about ``CHUNK_BYTES``."""
    groups, group_k, _ = matrix.shape
    return max(1, min(total, CHUNK_BYTES // max(groups * group_k * matrix.element_size(), 1)))


def _gather(rows: Tensor, index: Tensor, weight: Tensor, groups: int) -> Tensor:
    """Tensor[groups, P', J * C / groups]: the gathered columns of index/weight [P', J, K]."""
    p, j, k = index.shape
    sums = F.embedding_bag(
        index.reshape(p * j, k), rows, per_sample_weights=weight.reshape(p * j, k), mode="sum"
    )
    return sums.view(p, groups, -1).transpose(0, 1)


class _GatheredMatmul(torch.autograd.Function):
    @staticmethod
    def forward(rows: Tensor, index: Tensor, weight: Tensor, matrix: Tensor) -> Tensor:
        p = index.shape[0]
        groups, group_k, group_o = matrix.shape
        out = matrix.new_empty(p, groups * group_o)
        size = _chunk_rows(matrix, p)
        for start in range(0, p, size):
            chunk = slice(start, start + size)
            columns = _gather(rows, index[chunk], weight[chunk], groups)
            out[chunk] = torch.bmm(columns, matrix).transpose(0, 1).reshape(-1, groups * group_o)
        return out

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.save_for_backward(*inputs)

    @staticmethod
    def backward(ctx, grad: Tensor) -> tuple[Tensor | None, None, Tensor | None, Tensor | None]:
        rows, index, weight, matrix = ctx.saved_tensors
        p, j, k = index.shape
        groups, group_k, group_o = matrix.shape
        need_rows, _, need_weight, need_matrix = ctx.needs_input_grad
        grad = grad.contiguous()
        grad_rows = torch.zeros_like(rows) if need_rows else None
        grad_weight = torch.empty_like(weight) if need_weight else None
        grad_matrix = torch.zeros_like(matrix) if need_matrix else None
        # sampled_addmm fails when a row of its pattern holds more entries than it has columns
        padded_rows = F.pad(rows, (0, 0, 0, k - rows.shape[0])) if rows.shape[0] < k else rows
        size = _chunk_rows(matrix, p)
        # per entry of a chunk's S: its row (bag) in the chunk, and where each row starts
        bag = torch.arange(size * j, device=rows.device).repeat_interleave(k)
        row_starts = torch.arange(0, size * j * k + 1, k, device=rows.device)
        for start in range(0, p, size):
            chunk = slice(start, start + size)
            grad_chunk = grad[chunk].view(-1, groups, group_o).transpose(0, 1)
            if need_matrix:
                columns = _gather(rows, index[chunk], weight[chunk], groups)
                grad_matrix.baddbmm_(columns.transpose(1, 2), grad_chunk)
            if not (need_rows or need_weight):
                continue
            grad_columns = torch.bmm(grad_chunk, matrix.transpose(1, 2)).transpose(0, 1)
            grad_columns = grad_columns.reshape(-1, rows.shape[1])
            entries = index[chunk].reshape(-1)
            bags = grad_columns.shape[0]
            if need_rows:
                transposed = torch.sparse_coo_tensor(
                    torch.stack((entries, bag[: bags * k])),
                    weight[chunk].reshape(-1),
                    (rows.shape[0], bags),
                    check_invariants=False,
                )
                grad_rows.addmm_(transposed, grad_columns)
            if need_weight:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", "Sparse CSR tensor support is in beta")
                    pattern = torch.sparse_csr_tensor(
                        row_starts[: bags + 1],
                        entries,
                        weight.new_zeros(()).expand(bags * k),
                        (bags, padded_rows.shape[0]),
                        check_invariants=False,
                    )
                dots = torch.sparse.sampled_addmm(pattern, grad_columns, padded_rows.t(), beta=0)
                grad_weight[chunk] = dots.values().view(-1, j, k)
        return grad_rows, None, grad_weight, grad_matrix


def gathered_matmul(rows: Tensor, index: Tensor, weight: Tensor, matrix: Tensor) -> Tensor:
    """Gathered weighted sums of rows times a block-diagonal matrix; differentiable in all but
    ``index``.

    Args:
        rows (Tensor[R, C]): the rows to read.
        index (Tensor[P, J, K], int64): rows read by each of the ``J`` sums of each output row,
            each in ``[0, R)``.
        weight (Tensor[P, J, K]): their weights.
        matrix (Tensor[groups, J * C / groups, O / groups]): block ``g`` multiplies the ``g``-th
            of ``groups`` equal parts of the ``J`` sums laid side by side, as a grouped conv.

    Returns:
        Tensor[P, O]: ``out[p] = concat_j(sum_k weight[p, j, k] * rows[index[p, j, k]]) @
        block_diag(*matrix)``.
    """
    return _GatheredMatmul.apply(rows, index, weight, matrix)
