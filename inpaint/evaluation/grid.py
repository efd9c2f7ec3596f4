"""A grid of examples: one row per hole-ratio bucket; masked input | each method | target."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from inpaint.evaluation.runner import EvaluationResult

GAP = 4
HEADER = 28
ROW_LABEL = 70


def example_grid(result: EvaluationResult) -> Image.Image:
    """Columns: the masked input (holes white), every method's composite, the target; one row
    per bucket, labelled with the bucket and the method names."""
    columns = ["masked", *result.metrics, "target"]
    rows = [b for b in result.buckets if b in result.examples]
    side = next(iter(result.examples.values()))["target"].shape[0]
    font = ImageFont.load_default(size=14)
    grid = Image.new(
        "RGB",
        (ROW_LABEL + len(columns) * (side + GAP), HEADER + len(rows) * (side + GAP)),
        "white",
    )
    draw = ImageDraw.Draw(grid)
    for c, name in enumerate(columns):
        x = ROW_LABEL + c * (side + GAP) + side // 2
        draw.text((x, HEADER // 2), name, fill="black", font=font, anchor="mm")
    for r, bucket in enumerate(rows):
        y = HEADER + r * (side + GAP)
        draw.text((ROW_LABEL - 6, y + side // 2), bucket, fill="black", font=font, anchor="rm")
        for c, name in enumerate(columns):
            tile = Image.fromarray(result.examples[bucket][name])
            grid.paste(tile, (ROW_LABEL + c * (side + GAP), y))
    return grid
