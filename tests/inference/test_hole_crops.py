"""Boxes around holes for the crop strategy: coverage, context, grouping, no overlaps."""

import numpy as np
import pytest

from inpaint.inference.hole_crops import hole_boxes


def _known(shape, *holes):
    known = np.ones(shape, dtype=bool)
    for top, left, bottom, right in holes:
        known[top:bottom, left:right] = False
    return known


def _check_cover(known, boxes, context):
    """Every hole pixel lies in a box with `context` pixels of that box around it (or the
    image border), and no two boxes overlap."""
    height, width = known.shape
    covered = np.zeros_like(known, dtype=int)
    for top, left, bottom, right in boxes:
        covered[top:bottom, left:right] += 1
        holes = ~known[top:bottom, left:right]
        rows, cols = np.nonzero(holes)
        if rows.size:
            assert top == 0 or rows.min() >= context
            assert left == 0 or cols.min() >= context
            assert bottom == height or (bottom - top) - 1 - rows.max() >= context
            assert right == width or (right - left) - 1 - cols.max() >= context
    assert covered.max() <= 1
    assert (covered[~known] == 1).all()


def test_one_hole_gets_its_cells_plus_the_margin_clipped_at_the_border():
    known = _known((200, 300), (40, 50, 60, 70))
    # cells of 16 px: rows 32..64, columns 48..80; margin max(20, 32 // 2) = 20
    assert hole_boxes(known, context=20) == [(12, 28, 84, 100)]
    assert hole_boxes(known, context=60) == [(0, 0, 124, 140)]


def test_margin_grows_with_the_size_of_the_hole():
    known = _known((400, 400), (160, 96, 224, 304))  # 64 x 208 px, on cell borders
    assert hole_boxes(known, context=16) == [(56, 0, 328, 400)]  # margin 208 // 2 = 104


def test_distant_holes_get_their_own_boxes_and_close_ones_share_one():
    far = _known((128, 512), (16, 16, 32, 32), (16, 448, 32, 464))
    boxes = hole_boxes(far, context=16)
    assert len(boxes) == 2
    _check_cover(far, boxes, 16)
    near = _known((128, 512), (16, 16, 32, 32), (16, 64, 32, 80))  # 32 px apart < 2 x 16
    assert len(hole_boxes(near, context=16)) == 1


def test_overlapping_boxes_are_merged_and_every_hole_keeps_its_context():
    rng = np.random.default_rng(0)
    for _ in range(20):
        holes = [
            (t, l, t + rng.integers(2, 60), l + rng.integers(2, 60))
            for t, l in rng.integers(0, 300, size=(rng.integers(1, 8), 2))
        ]
        known = _known((320, 360), *holes)
        context = int(rng.integers(0, 40))
        _check_cover(known, hole_boxes(known, context=context), context)


def test_no_holes_no_boxes_and_bad_arguments_are_named():
    assert hole_boxes(np.ones((50, 60), dtype=bool), context=8) == []
    with pytest.raises(ValueError, match="context >= 0 and cell >= 1"):
        hole_boxes(np.ones((5, 5), dtype=bool), context=-1)
