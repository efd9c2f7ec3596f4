"""Every data/ and mask/ config instantiates the way the README and the experiments use it."""

from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.utils import instantiate
from PIL import Image

MASK_CONFIGS = [
    "free_form",
    "irregular_thin",
    "irregular_medium",
    "irregular_thick",
    "box",
    "mixture",
    "folder",
]


def _compose(*overrides):
    GlobalHydra.instance().clear()
    try:
        with initialize_config_module("inpaint.configs", version_base="1.3"):
            return compose("train", overrides=list(overrides))
    finally:
        GlobalHydra.instance().clear()


def _build(cfg):
    """What the training script does: the mask generator, then the DataModule with it."""
    mask_generator = instantiate(cfg.mask)
    return mask_generator, instantiate(cfg.data, mask_generator=mask_generator)


@pytest.fixture
def train_val_folders(image_folder, tmp_path):
    val = tmp_path / "val"
    val.mkdir()
    for path in sorted(image_folder.iterdir())[:2]:
        path.rename(val / path.name)
    return image_folder, val


def test_folder_config_takes_two_folders_as_the_experiments_document(train_val_folders):
    train, val = train_val_folders
    cfg = _compose("data=folder", f"data.train_dir={train}", f"data.val_dir={val}")
    _, datamodule = _build(cfg)
    assert [p.parent for p in datamodule.train_files] == [train] * 4
    assert [p.parent for p in datamodule.val_files] == [val] * 2


def test_folder_config_takes_one_folder_and_splits_it(image_folder):
    cfg = _compose("data=folder", f"data.root={image_folder}", "data.val_count=2")
    _, datamodule = _build(cfg)
    assert len(datamodule.train_files) == 4 and len(datamodule.val_files) == 2


def _photos(folder: Path, count: int, seed: int) -> Path:
    folder.mkdir()
    rng = np.random.default_rng(seed)
    for i in range(count):
        pixels = rng.integers(0, 256, size=(40, 48, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"extra_{i}.png")
    return folder


def test_extra_training_folders_add_to_training_only(image_folder, tmp_path):
    extra_a, extra_b = _photos(tmp_path / "a", 3, 1), _photos(tmp_path / "b", 2, 2)
    base = _compose("data=folder", f"data.root={image_folder}", "data.val_count=2")
    _, alone = _build(base)
    cfg = _compose(
        "data=folder",
        f"data.root={image_folder}",
        "data.val_count=2",
        f"data.extra_train_dirs=[{extra_a},{extra_b}]",
    )
    _, datamodule = _build(cfg)
    assert datamodule.val_files == alone.val_files
    assert datamodule.train_files[: len(alone.train_files)] == alone.train_files
    added = datamodule.train_files[len(alone.train_files) :]
    assert [p.parent for p in added] == [extra_a] * 3 + [extra_b] * 2
    assert not set(added) & set(datamodule.val_files)
    assert datamodule.train_dataset.files == datamodule.train_files
    assert datamodule.val_dataset.files == alone.val_files


def test_an_extra_folder_holding_a_validation_image_is_refused(image_folder, tmp_path):
    _, alone = _build(_compose("data=folder", f"data.root={image_folder}", "data.val_count=2"))
    extra = _photos(tmp_path / "extra", 1, 3)
    copy = extra / "renamed.png"  # the same bytes under another name
    copy.write_bytes(alone.val_files[0].read_bytes())
    cfg = _compose(
        "data=folder",
        f"data.root={image_folder}",
        "data.val_count=2",
        f"data.extra_train_dirs=[{extra}]",
    )
    with pytest.raises(Exception, match=f"{copy} is the validation image {alone.val_files[0]}"):
        _build(cfg)
    cfg = _compose(
        "data=folder",
        f"data.root={image_folder}",
        "data.val_count=2",
        f"data.extra_train_dirs=[{image_folder}]",
    )
    with pytest.raises(Exception, match="must not hold the held-out images"):
        _build(cfg)


def test_folder_config_without_a_folder_names_both_ways_to_give_one():
    with pytest.raises(Exception, match=r"data\.root=.*data\.train_dir=.*data\.val_dir="):
        _build(_compose("data=folder"))


@pytest.mark.parametrize("name", MASK_CONFIGS)
def test_every_mask_config_draws_masks_in_its_range(name, tmp_path):
    overrides = [f"mask={name}"]
    if name == "folder":  # NVIDIA-style files: black = hole
        (tmp_path / "masks").mkdir()
        grey = np.full((64, 64), 255, dtype=np.uint8)
        grey[16:40, 8:56] = 0
        Image.fromarray(grey).save(tmp_path / "masks" / "0001.png")
        overrides += [f"mask.root={tmp_path / 'masks'}", "mask.hole_value=0"]
    cfg = _compose(*overrides)
    generator, datamodule = _build(cfg)
    assert datamodule.mask_generator is generator
    rng = np.random.default_rng(0)
    ratios = [generator(64, 64, rng).mean() for _ in range(20)]
    assert cfg.mask.min_ratio <= min(ratios) and max(ratios) <= cfg.mask.max_ratio
