"""Images, holes and batches: mask generators, image folders, the embedded sample photos."""

from inpaint.data.bad_images import BadImageReport
from inpaint.data.conventions import (
    file_array_from_holes,
    holes_from_file_array,
    known_from_file_array,
    known_from_holes,
)
from inpaint.data.datamodule import InpaintDataModule, split_files
from inpaint.data.folder_dataset import ImageFolderDataset
from inpaint.data.image_io import (
    IMAGE_EXTENSIONS,
    ImageReadError,
    list_images,
    load_rgb,
    open_image,
    to_rgb,
)
from inpaint.data.mask_generators import (
    MASK_GENERATORS,
    BoxMaskGenerator,
    FolderMaskGenerator,
    FreeFormMaskGenerator,
    IrregularMaskGenerator,
    MaskGenerator,
    MixtureMaskGenerator,
    create_mask_generator,
)
from inpaint.data.sample_photos import TRAIN_PHOTOS, VAL_PHOTOS, sample_files

__all__ = [
    "IMAGE_EXTENSIONS",
    "MASK_GENERATORS",
    "TRAIN_PHOTOS",
    "VAL_PHOTOS",
    "BadImageReport",
    "BoxMaskGenerator",
    "FolderMaskGenerator",
    "FreeFormMaskGenerator",
    "ImageFolderDataset",
    "ImageReadError",
    "InpaintDataModule",
    "IrregularMaskGenerator",
    "MaskGenerator",
    "MixtureMaskGenerator",
    "create_mask_generator",
    "file_array_from_holes",
    "holes_from_file_array",
    "known_from_file_array",
    "known_from_holes",
    "list_images",
    "load_rgb",
    "open_image",
    "sample_files",
    "split_files",
    "to_rgb",
]
