"""Every data/ and mask/ config instantiates the way the README and the experiments use it."""

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
