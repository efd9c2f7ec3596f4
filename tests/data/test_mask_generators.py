"""Mask generators: hole-ratio control, determinism, folder masks, bad arguments."""

import numpy as np
import pytest
from PIL import Image

from inpaint.data import (
    BoxMaskGenerator,
    FolderMaskGenerator,
    FreeFormMaskGenerator,
    IrregularMaskGenerator,
    MixtureMaskGenerator,
    file_array_from_holes,
    holes_from_file_array,
    known_from_file_array,
)
from inpaint.data.mask_generators import fit_ratio

GENERATED = {
    "free_form": lambda folder, **r: FreeFormMaskGenerator(**r),
    "irregular_thin": lambda folder, **r: IrregularMaskGenerator("thin", **r),
    "irregular_medium": lambda folder, **r: IrregularMaskGenerator("medium", **r),
    "irregular_thick": lambda folder, **r: IrregularMaskGenerator("thick", **r),
    "box": lambda folder, **r: BoxMaskGenerator(**r),
    "mixture": lambda folder, **r: MixtureMaskGenerator(
        {"a": FreeFormMaskGenerator(), "b": BoxMaskGenerator()}, {"a": 2, "b": 1}, **r
    ),
    "folder": lambda folder, **r: FolderMaskGenerator(folder, max_dilation=1, **r),
}


@pytest.fixture
def mask_files(tmp_path):
    """Five 64x64 mask files (255 = hole) with hole ratios 0.03 to 0.32 at varied places."""
    folder = tmp_path / "mask_files"
    folder.mkdir()
    for i, rows in enumerate([3, 8, 12, 16, 26]):
        grey = np.zeros((64, 64), dtype=np.uint8)
        grey[5 * i : 5 * i + rows, i : i + 40] = 255  # rows * 40 / 4096: 0.03 ... 0.25
        grey[60:, :] = 255 if i == 4 else 0  # plus 0.06 for the last one
        Image.fromarray(grey).save(folder / f"{i}.png")
    return folder


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_200_masks_fall_in_the_configured_ratio_range(name, mask_files):
    generator = GENERATED[name](mask_files, min_ratio=0.1, max_ratio=0.3)
    rng = np.random.default_rng(0)
    ratios = np.array([generator(64, 64, rng).mean() for _ in range(200)])
    assert ratios.min() >= 0.1 and ratios.max() <= 0.3
    histogram = np.histogram(ratios, bins=4, range=(0.1, 0.3))[0]
    print(name, "ratio histogram 0.10-0.30 in 4 bins:", histogram.tolist())
    assert (histogram > 0).sum() >= 2, "ratios should spread over the range, not pile on a bound"


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_same_seed_same_mask_different_seed_different_mask(name, mask_files):
    generator = GENERATED[name](mask_files)
    first = generator(48, 64, np.random.default_rng(7))
    assert first.shape == (48, 64) and first.dtype == bool
    assert np.array_equal(first, generator(48, 64, np.random.default_rng(7)))
    others = [generator(48, 64, np.random.default_rng(seed)) for seed in range(8, 12)]
    assert any(not np.array_equal(first, other) for other in others)


def test_per_call_ratio_range_overrides_the_generator_range():
    generator = FreeFormMaskGenerator()
    rng = np.random.default_rng(1)
    ratios = [generator(64, 64, rng, min_ratio=0.5, max_ratio=0.6).mean() for _ in range(20)]
    assert min(ratios) >= 0.5 and max(ratios) <= 0.6


def test_fit_ratio_grows_and_shrinks_to_the_range():
    rng = np.random.default_rng(0)
    dot = np.zeros((20, 20), dtype=bool)
    dot[10, 10] = True
    grown = fit_ratio(dot, 0.30, 0.31, rng)
    assert 0.30 <= grown.mean() <= 0.31 and grown[10, 10]
    shrunk = fit_ratio(np.ones((20, 20), dtype=bool), 0.1, 0.1, rng)
    assert shrunk.mean() == pytest.approx(0.1)


@pytest.mark.parametrize(("size", "low", "high"), [(1, 0.3, 0.3), (3, 0.3, 0.31), (256, 0.3, 0.3)])
def test_a_range_no_pixel_count_can_meet_raises_instead_of_looping(size, low, high):
    generator = BoxMaskGenerator()
    with pytest.raises(ValueError, match=rf"no {size}x{size} mask .*\[{low}, {high}\]"):
        generator(size, size, np.random.default_rng(0), min_ratio=low, max_ratio=high)
    with pytest.raises(ValueError, match="widen the range"):
        fit_ratio(np.zeros((size, size), dtype=bool), low, high, np.random.default_rng(0))
    exact = generator(size, size, np.random.default_rng(0), min_ratio=1.0, max_ratio=1.0)
    assert exact.all()  # a range that a whole pixel count meets is fine, even a single value


def test_free_form_strokes_have_round_joints_and_scale_with_size():
    generator = FreeFormMaskGenerator(max_strokes=1, min_width=20, max_width=20)
    small = generator(128, 128, np.random.default_rng(3)).mean()
    large = generator(512, 512, np.random.default_rng(3)).mean()
    assert small == pytest.approx(large, rel=0.15)  # widths and lengths scale with the image


def _fills_its_bounding_box(holes):
    rows, cols = np.flatnonzero(holes.any(axis=1)), np.flatnonzero(holes.any(axis=0))
    return bool(holes[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].all())


def test_irregular_boxes_replace_the_strokes_as_in_lama():
    single_box = IrregularMaskGenerator("thick", box_probability=1.0, max_boxes=1)
    strokes_only = IrregularMaskGenerator("thick", box_probability=0.0)
    for seed in range(5):
        assert _fills_its_bounding_box(single_box(64, 64, np.random.default_rng(seed)))
        assert not _fills_its_bounding_box(strokes_only(64, 64, np.random.default_rng(seed)))
    with pytest.raises(ValueError, match=r"box_probability must be in \[0, 1\], got 1.5"):
        IrregularMaskGenerator("medium", box_probability=1.5)


def test_conventions_round_trip_and_binarise_at_127():
    grey = np.array([[0, 127, 128, 255]], dtype=np.uint8)
    holes = holes_from_file_array(grey)
    assert holes.tolist() == [[False, False, True, True]]
    assert known_from_file_array(grey).tolist() == [[1.0, 1.0, 0.0, 0.0]]
    assert file_array_from_holes(holes).tolist() == [[0, 0, 255, 255]]
    assert holes_from_file_array(grey, hole_value=0).tolist() == [[True, True, False, False]]


def _write_masks(folder, count=3):
    folder.mkdir()
    for i in range(count):
        grey = np.zeros((40, 60), dtype=np.uint8)
        grey[:, : 10 * (i + 1)] = 200  # grey, not white: still a hole (> 127)
        grey[0, -1] = 100  # below the threshold: known
        Image.fromarray(grey).save(folder / f"mask_{i}.png")
    return folder


def test_folder_masks_load_resize_binarise_and_augment(tmp_path):
    folder = _write_masks(tmp_path / "masks")
    plain = FolderMaskGenerator(folder, flip=False, rotate=False)
    assert len(plain.files) == 3
    holes = plain(20, 30, np.random.default_rng(0))
    assert holes.shape == (20, 30)
    assert holes[:, 0].all() and not holes[:, -1].any()  # left part hole, resized (nearest)
    augmented = FolderMaskGenerator(folder, max_dilation=2)
    masks = [augmented(20, 30, np.random.default_rng(seed)) for seed in range(12)]
    assert any(m[:, -1].any() for m in masks)  # some flipped or rotated: holes on the right
    assert np.array_equal(masks[0], augmented(20, 30, np.random.default_rng(0)))
    inverted = FolderMaskGenerator(folder, hole_value=0, flip=False, rotate=False)
    assert np.array_equal(inverted(20, 30, np.random.default_rng(0)), ~holes)


def test_empty_mask_folder_names_folder_and_extensions(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"empty.*\.png"):
        FolderMaskGenerator(tmp_path / "empty")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(min_ratio=0.5, max_ratio=0.2), r"min_ratio=0.5 is greater than max_ratio=0.2"),
        (dict(min_ratio=-0.1), r"\[0, 1\].*-0.1"),
        (dict(max_ratio=1.5), r"\[0, 1\].*1.5"),
    ],
)
def test_bad_ratio_ranges_are_rejected_at_construction(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FreeFormMaskGenerator(**kwargs)


def test_unknown_preset_and_bad_weights_are_named():
    with pytest.raises(ValueError, match=r"'huge'.*thick"):
        IrregularMaskGenerator("huge")
    with pytest.raises(ValueError, match="weights"):
        MixtureMaskGenerator([BoxMaskGenerator()], [-1.0])
