"""Images, holes and batches: mask generators, image folders, the embedded sample photos."""

from inpaint.lazy import lazy_attributes

_SOURCES = {
    "BadImageReport": "bad_images",
    **dict.fromkeys(
        (
            "file_array_from_holes",
            "holes_from_file_array",
            "known_from_file_array",
            "known_from_holes",
        ),
        "conventions",
    ),
    "InpaintDataModule": "datamodule",
    "split_files": "datamodule",
    "ImageFolderDataset": "folder_dataset",
    **dict.fromkeys(
        ("IMAGE_EXTENSIONS", "ImageReadError", "list_images", "load_rgb", "open_image", "to_rgb"),
        "image_io",
    ),
    **dict.fromkeys(
        (
            "BoxMaskGenerator",
            "FolderMaskGenerator",
            "FreeFormMaskGenerator",
            "IrregularMaskGenerator",
            "MaskGenerator",
            "MixtureMaskGenerator",
        ),
        "mask_generators",
    ),
    **dict.fromkeys(("TRAIN_PHOTOS", "VAL_PHOTOS", "sample_files"), "sample_photos"),
}
__all__ = sorted(_SOURCES)
__getattr__ = lazy_attributes(__name__, _SOURCES)
