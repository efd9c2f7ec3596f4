"""Image reading, bad files, the embedded samples split and DataModule batches."""

import warnings

import lightning as L
import numpy as np
import pytest
import torch
from PIL import Image

from inpaint.data import (
    TRAIN_PHOTOS,
    VAL_PHOTOS,
    BadImageReport,
    FreeFormMaskGenerator,
    ImageFolderDataset,
    ImageReadError,
    InpaintDataModule,
    list_images,
    load_rgb,
    sample_files,
    split_files,
)


def test_modes_become_rgb_and_16_bit_is_scaled_not_clipped(tmp_path):
    Image.new("RGBA", (4, 3), (10, 20, 30, 0)).save(tmp_path / "rgba.png")
    Image.new("L", (4, 3), 77).save(tmp_path / "grey.png")
    Image.new("LA", (4, 3), (99, 5)).save(tmp_path / "grey_alpha.png")
    Image.new("P", (4, 3), 3).save(tmp_path / "palette.png")
    sixteen = np.array([[0, 65535, 32896, 257]], dtype=np.uint16)
    Image.fromarray(sixteen).save(tmp_path / "sixteen.png")
    assert load_rgb(tmp_path / "rgba.png")[0, 0].tolist() == [10, 20, 30]
    assert load_rgb(tmp_path / "grey.png")[0, 0].tolist() == [77, 77, 77]
    assert load_rgb(tmp_path / "grey_alpha.png")[0, 0].tolist() == [99, 99, 99]
    assert load_rgb(tmp_path / "palette.png").shape == (3, 4, 3)
    pixels = load_rgb(tmp_path / "sixteen.png")
    assert pixels.dtype == np.uint8 and pixels.shape == (1, 4, 3)
    assert pixels[0, :, 0].tolist() == [0, 255, 128, 1]


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_jpeg_from_a_phone_is_read_upright_as_viewers_show_it(tmp_path, orientation):
    stored = np.zeros((30, 40, 3), dtype=np.uint8)
    stored[:10, :10] = 255  # a white corner, top left as stored
    exif = Image.Exif()
    exif[0x0112] = orientation  # 3: turned 180 degrees, 6: 90 clockwise, 8: 90 anticlockwise
    Image.fromarray(stored).save(tmp_path / "phone.jpg", quality=95, exif=exif)
    upright = load_rgb(tmp_path / "phone.jpg")
    expected = np.rot90(stored, k={3: 2, 6: -1, 8: 1}[orientation])
    assert upright.shape == expected.shape
    assert np.abs(upright.astype(int) - expected.astype(int)).mean() < 3  # JPEG noise only


def test_listing_is_recursive_and_case_insensitive(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ["a/one.JPG", "a/b/two.png", "three.WebP", "notes.txt"]:
        path = tmp_path / name
        if name.endswith("txt"):
            path.write_text("not an image")
        else:
            Image.new("RGB", (8, 8)).save(
                path, format={"JPG": "JPEG", "png": "PNG"}.get(path.suffix[1:], "WEBP")
            )
    found = list_images(tmp_path)
    assert found == sorted(found)
    assert sorted(p.name for p in found) == ["one.JPG", "three.WebP", "two.png"]


def test_empty_folder_error_names_the_folder_and_extensions(tmp_path):
    with pytest.raises(FileNotFoundError, match=rf"{tmp_path}.*\.jpeg.*\.webp"):
        list_images(tmp_path)
    with pytest.raises(FileNotFoundError, match="not found"):
        list_images(tmp_path / "missing")


def _corrupt_folder(image_folder):
    bad = image_folder / "photo_2.png"
    bad.write_bytes(bad.read_bytes()[:200])  # truncated PNG
    (image_folder / "photo_9.jpg").write_bytes(b"\xff\xd8 not a jpeg")
    return bad


def test_corrupt_files_are_skipped_and_reported_once_per_epoch(image_folder):
    bad = _corrupt_folder(image_folder)
    dataset = ImageFolderDataset(image_folder, 16, FreeFormMaskGenerator(), train=True)
    samples = [dataset[i] for i in range(len(dataset))]
    skipped = {int(s["skipped"]) for s in samples} - {-1}
    assert {dataset.files[i].name for i in skipped} == {bad.name, "photo_9.jpg"}
    assert all(s["image"].shape == (3, 16, 16) for s in samples)

    class Trainer:  # what BadImageReport reads from Lightning's trainer
        datamodule = type("DM", (), {"train_dataset": dataset})()
        current_epoch, sanity_checking = 0, False

    report = BadImageReport()
    batch = {"skipped": torch.stack([s["skipped"] for s in samples])}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # Python's default: a repeated message shows once
        for epoch in (0, 1):
            Trainer.current_epoch = epoch
            report.on_train_batch_end(Trainer, None, None, batch, 0)
            report.on_train_batch_end(Trainer, None, None, batch, 1)
            report.on_train_epoch_end(Trainer, None)
        report.on_train_epoch_end(Trainer, None)  # reset: nothing new, no warning
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2, messages  # one per epoch, the second one not swallowed
    for epoch, message in enumerate(messages):
        assert f"epoch {epoch}: skipped 2 unreadable train image(s)" in message
        assert str(bad) in message and "photo_9.jpg" in message


def test_strict_mode_raises_with_the_path(image_folder):
    bad = _corrupt_folder(image_folder)
    dataset = ImageFolderDataset(image_folder, 16, FreeFormMaskGenerator(), train=True, strict=True)
    with pytest.raises(ImageReadError, match=str(bad)):
        dataset[dataset.files.index(bad)]


def test_small_images_are_upscaled_to_the_crop(tmp_path):
    Image.new("RGB", (10, 6), (255, 0, 0)).save(tmp_path / "tiny.png")
    for train in (True, False):
        sample = ImageFolderDataset(tmp_path, 32, FreeFormMaskGenerator(), train=train)[0]
        assert sample["image"].shape == (3, 32, 32)
        assert torch.allclose(sample["image"][0], torch.ones(32, 32))


def test_samples_split_is_by_photo_and_keeps_the_stereo_pair_together():
    assert not set(TRAIN_PHOTOS) & set(VAL_PHOTOS)
    sides = {name: "train" for name in TRAIN_PHOTOS} | {name: "val" for name in VAL_PHOTOS}
    assert sides["motorcycle_left"] == sides["motorcycle_right"]
    for split in ("train", "val"):
        assert all(path.is_file() for path in sample_files(split))


def test_seeded_split_is_reproducible_and_disjoint(image_folder):
    files = list_images(image_folder)
    train, val = split_files(files, 2, seed=3)
    assert (train, val) == split_files(files, 2, seed=3)
    assert len(val) == 2 and not set(train) & set(val) and len(train) + len(val) == len(files)
    with pytest.raises(ValueError, match="at least one image on each side"):
        split_files(files, len(files), seed=0)


def test_datamodule_batch_has_the_documented_shapes_dtypes_and_ranges():
    datamodule = InpaintDataModule(
        image_size=32, batch_size=4, train_samples_per_epoch=8, val_samples=6
    )
    batch = next(iter(datamodule.train_dataloader()))
    assert batch["image"].shape == (4, 3, 32, 32) and batch["image"].dtype == torch.float32
    assert batch["mask"].shape == (4, 1, 32, 32) and batch["mask"].dtype == torch.float32
    assert batch["image"].min() >= 0 and batch["image"].max() <= 1
    assert set(batch["mask"].unique().tolist()) <= {0.0, 1.0}
    expected_ratio = 1 - batch["mask"].mean(dim=(1, 2, 3))
    assert torch.allclose(batch["hole_ratio"], expected_ratio)
    assert batch["index"].dtype == torch.int64 and (batch["skipped"] == -1).all()
    assert ((batch["hole_ratio"] >= 0.05) & (batch["hole_ratio"] <= 0.6)).all()


def test_validation_masks_are_fixed_per_index_and_cover_every_bucket():
    def val_batch():
        datamodule = InpaintDataModule(image_size=32, val_batch_size=12, val_samples=12)
        return datamodule.val_dataset, next(iter(datamodule.val_dataloader()))

    (dataset, first), (_, second) = val_batch(), val_batch()
    assert torch.equal(first["mask"], second["mask"])
    assert torch.equal(first["image"], second["image"])
    edges = [0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    buckets_per_photo = {}
    for i, ratio in enumerate(first["hole_ratio"].tolist()):
        assert edges[i % 6] <= ratio <= edges[i % 6 + 1]
        buckets_per_photo.setdefault(dataset.file_index(i), set()).add(i % 6)
    # each of the two validation photos meets every bucket (not photo 0 the even ones only)
    assert buckets_per_photo == {0: set(range(6)), 1: set(range(6))}


def test_samples_map_to_runs_of_files_or_a_spread_subset(image_folder):
    generator = FreeFormMaskGenerator()
    repeated = ImageFolderDataset(image_folder, 16, generator, train=False, length=12)
    assert [repeated.file_index(i) for i in range(12)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    subset = ImageFolderDataset(image_folder, 16, generator, train=False, length=3)
    assert [subset.file_index(i) for i in range(3)] == [0, 2, 4]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(image_size=0), "image_size must be a positive int"),
        (dict(root="/no/such/folder"), "/no/such/folder"),
        (dict(train_dir="/a"), "train_dir and data.val_dir go together"),
        (dict(val_fraction=1.5), "val_fraction"),
    ],
)
def test_bad_datamodule_arguments_are_named(kwargs, message):
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        InpaintDataModule(**kwargs)


@pytest.mark.parametrize("num_workers", [0, 2])
def test_training_batches_repeat_under_the_same_seed(image_folder, num_workers):
    def first_batch(seed):
        L.seed_everything(seed, workers=True, verbose=False)
        datamodule = InpaintDataModule(
            root=str(image_folder),
            val_count=2,
            image_size=16,
            batch_size=4,
            num_workers=num_workers,
            persistent_workers=False,
        )
        return next(iter(datamodule.train_dataloader()))

    first, again, other = first_batch(1), first_batch(1), first_batch(2)
    for key in ("image", "mask", "index"):
        assert torch.equal(first[key], again[key]), key
    assert not torch.equal(first["mask"], other["mask"])
