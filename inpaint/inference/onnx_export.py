"""Export a generator to one ONNX file with dynamic batch size, height and width.

The graph has the inputs ``image`` float [N, 3, H, W] in [0, 1] and ``known`` float
[N, 1, H, W] (1 = known) and the output ``prediction`` float [N, 3, H, W]: the generator's raw
output, neither clamped nor composited. H and W must be multiples of ``size_multiple``, as for
`UNetGenerator`. The file's metadata_props hold the model card as JSON (``model_card``) and
``size_multiple``, which `OnnxGenerator` reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from torch.export import Dim

from inpaint.models import UNetGenerator
from inpaint.utils import atomic_write

INPUT_NAMES = ("image", "known")
OUTPUT_NAME = "prediction"
CARD_KEY = "model_card"
SIZE_MULTIPLE_KEY = "size_multiple"


def export_onnx(generator: UNetGenerator, card: dict[str, Any], path: str | Path) -> None:
    """Write `generator` (put in eval mode) with `card` in its metadata to `path`, atomically,
    through ``torch.export`` and the dynamo ONNX exporter.

    Raises torch.export's errors if the generator cannot be traced for every batch size and
    every height and width that are multiples of its ``size_multiple``.
    """
    generator.eval()
    multiple = generator.size_multiple
    # H = multiple * rows tells torch.export the multiple, so H stays symbolic through the
    # downsamplings; an example size of 1 would be fixed as a constant, hence 2 and 3 x 5 blocks.
    batch, rows, cols = Dim("batch", min=1), Dim("rows", min=1), Dim("cols", min=1)
    sizes = {0: batch, 2: multiple * rows, 3: multiple * cols}
    example = (
        torch.rand(2, 3, 3 * multiple, 5 * multiple),
        (torch.rand(2, 1, 3 * multiple, 5 * multiple) > 0.5).float(),
    )
    exported = torch.export.export(generator, example, dynamic_shapes=(sizes, sizes), strict=False)
    program = torch.onnx.export(
        exported,
        dynamo=True,
        input_names=list(INPUT_NAMES),
        output_names=[OUTPUT_NAME],
        # names for the symbolic axes; `known` shares those of `image`
        dynamic_shapes=({0: "batch", 2: "height", 3: "width"}, None),
        verbose=False,
    )
    program.model.metadata_props.update(
        {CARD_KEY: json.dumps(card), SIZE_MULTIPLE_KEY: str(multiple)}
    )
    with atomic_write(path, "wb") as file:
        file.write(program.model_proto.SerializeToString())
