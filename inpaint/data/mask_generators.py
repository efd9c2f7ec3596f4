"""Hole generators for training and validation.

Every generator is called as ``generator(height, width, rng)`` with a
``numpy.random.Generator`` and returns a bool array [height, width], True = hole (see
`inpaint.data.conventions`). The same rng state gives the same mask. Every generator honours
``min_ratio <= hole fraction <= max_ratio``: it redraws up to ``max_tries`` times, then grows
(dilates) or shrinks (erodes) the draw closest to the range, taking the last ring pixel by
pixel in random order so the ratio lands inside the range; a range that no mask of the
requested size can meet (no whole pixel count fits) raises ValueError.

Mask conventions (converted only in `inpaint.data.conventions`): generators draw holes, bool
[H, W], True = hole; files on disk are 8-bit grey, 255 = hole, 0 = known, binarised at 127
(as LaMa); tensors are float32 [1, H, W], 1 = known, 0 = hole (as partial conv needs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from inpaint.data.conventions import holes_from_file_array
from inpaint.data.image_io import list_images, open_image


def check_ratio_range(min_ratio: float, max_ratio: float) -> None:
    if not (0 <= min_ratio <= 1 and 0 <= max_ratio <= 1):
        raise ValueError(
            f"hole ratios must lie in [0, 1], got min_ratio={min_ratio}, max_ratio={max_ratio}"
        )
    if min_ratio > max_ratio:
        raise ValueError(f"min_ratio={min_ratio} is greater than max_ratio={max_ratio}")


def _grow(holes: np.ndarray) -> np.ndarray:
    image = Image.fromarray(holes.astype(np.uint8) * 255)
    return np.asarray(image.filter(ImageFilter.MaxFilter(3))) > 127


def _shrink(holes: np.ndarray) -> np.ndarray:
    image = Image.fromarray(holes.astype(np.uint8) * 255)
    return np.asarray(image.filter(ImageFilter.MinFilter(3))) > 127


def hole_count_range(
    min_ratio: float, max_ratio: float, height: int, width: int
) -> tuple[int, int]:
    """(low, high): the hole pixel counts of a height x width mask whose ratio is in range.

    Raises ValueError when no whole number of pixels fits (e.g. min_ratio = max_ratio = 0.3
    at 256x256 would need 19660.8 hole pixels)."""
    total = height * width
    low, high = math.ceil(min_ratio * total), math.floor(max_ratio * total)
    if low > high:
        raise ValueError(
            f"no {height}x{width} mask has a hole ratio in [{min_ratio}, {max_ratio}]: that "
            f"needs between {min_ratio * total:g} and {max_ratio * total:g} hole pixels; "
            "widen the range"
        )
    return low, high


def fit_ratio(
    holes: np.ndarray, min_ratio: float, max_ratio: float, rng: np.random.Generator
) -> np.ndarray:
    """Grow or shrink `holes` by one-pixel rings until its hole fraction is in range; the ring
    that would overshoot is added or removed pixel by pixel in random order. Raises
    ValueError if no mask of this size has a ratio in range (see `hole_count_range`)."""
    low, high = hole_count_range(min_ratio, max_ratio, *holes.shape)
    holes = holes.copy()
    count = np.count_nonzero(holes)
    while not low <= count <= high:
        grow = count < low
        changed = _grow(holes) if grow else _shrink(holes)
        ring = np.flatnonzero(changed != holes)
        if ring.size == 0:  # an empty or full mask cannot grow or shrink by rings
            ring = np.flatnonzero(~holes if grow else holes)
        needed = low - count if grow else count - high
        if ring.size > needed:
            ring = rng.choice(ring, size=needed, replace=False)
        holes.flat[ring] = grow
        count += ring.size if grow else -ring.size
    return holes


class MaskGenerator:
    """Base class: subclasses implement ``draw(height, width, rng) -> bool [H, W]``."""

    def __init__(self, min_ratio: float = 0.0, max_ratio: float = 1.0, max_tries: int = 5) -> None:
        check_ratio_range(min_ratio, max_ratio)
        if max_tries < 1:
            raise ValueError(f"max_tries must be >= 1, got {max_tries}")
        self.min_ratio, self.max_ratio, self.max_tries = min_ratio, max_ratio, max_tries

    def draw(self, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def __call__(
        self,
        height: int,
        width: int,
        rng: np.random.Generator,
        min_ratio: float | None = None,
        max_ratio: float | None = None,
    ) -> np.ndarray:
        """bool [height, width], True = hole, with a hole ratio in [min_ratio, max_ratio]
        (the generator's own range unless given for this call)."""
        if height < 1 or width < 1:
            raise ValueError(f"mask size must be positive, got {height}x{width}")
        low = self.min_ratio if min_ratio is None else min_ratio
        high = self.max_ratio if max_ratio is None else max_ratio
        check_ratio_range(low, high)
        hole_count_range(low, high, height, width)  # fail fast if no mask can be in range
        closest, distance = None, math.inf
        for _ in range(self.max_tries):
            holes = self.draw(height, width, rng)
            # count_nonzero: ~20x faster than mean() on a bool array, same value
            ratio = np.count_nonzero(holes) / holes.size
            if low <= ratio <= high:
                return holes
            if max(low - ratio, ratio - high) < distance:
                closest, distance = holes, max(low - ratio, ratio - high)
        return fit_ratio(closest, low, high, rng)


def _draw_strokes(
    size: tuple[int, int], strokes: list[tuple[list[tuple[float, float]], int]]
) -> np.ndarray:
    """Rasterise polylines with round joints: [(vertices, width)] -> bool [H, W]."""
    height, width = size
    canvas = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    for vertices, brush in strokes:
        draw.line(vertices, fill=255, width=brush)
        r = brush / 2
        for x, y in vertices:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return np.asarray(canvas) > 127


class FreeFormMaskGenerator(MaskGenerator):
    """DeepFill v2 free-form brush strokes (Yu et al. 2019, Algorithm 1).

    Each of 1..``max_strokes`` strokes is a polyline of ``min_vertices``..``max_vertices``
    segments whose angles alternate around ``mean_angle`` (+- up to ``angle_range``), with
    lengths ~ N(r, r/2) clipped to [0, 2r] where r = image diagonal / 8, drawn with one brush
    width in [``min_width``, ``max_width``] and round joints; then randomly flipped. Widths are
    given for 256x256 and scaled with min(H, W) / 256.
    """

    def __init__(
        self,
        min_vertices: int = 4,
        max_vertices: int = 12,
        max_strokes: int = 3,
        mean_angle: float = 2 * math.pi / 5,
        angle_range: float = 2 * math.pi / 15,
        min_width: float = 12,
        max_width: float = 40,
        **ratio_kwargs,
    ) -> None:
        super().__init__(**ratio_kwargs)
        if not 1 <= min_vertices <= max_vertices:
            raise ValueError(
                f"need 1 <= min_vertices <= max_vertices, got {min_vertices}, {max_vertices}"
            )
        if max_strokes < 1 or not 0 < min_width <= max_width:
            raise ValueError(
                f"need max_strokes >= 1 and 0 < min_width <= max_width, got "
                f"{max_strokes}, {min_width}, {max_width}"
            )
        self.min_vertices, self.max_vertices, self.max_strokes = (
            min_vertices,
            max_vertices,
            max_strokes,
        )
        self.mean_angle, self.angle_range = mean_angle, angle_range
        self.min_width, self.max_width = min_width, max_width

    def draw(self, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        scale = min(height, width) / 256
        radius = math.hypot(height, width) / 8
        strokes = []
        for _ in range(rng.integers(1, self.max_strokes + 1)):
            count = int(rng.integers(self.min_vertices, self.max_vertices + 1))
            low = self.mean_angle - rng.uniform(0, self.angle_range)
            high = self.mean_angle + rng.uniform(0, self.angle_range)
            angles = rng.uniform(low, high, size=count)
            angles[::2] = 2 * math.pi - angles[::2]
            lengths = np.clip(rng.normal(radius, radius / 2, size=count), 0, 2 * radius)
            x, y = rng.uniform(0, width), rng.uniform(0, height)
            vertices = [(x, y)]
            for angle, length in zip(angles, lengths, strict=True):
                x = min(max(x + length * math.cos(angle), 0.0), width)
                y = min(max(y + length * math.sin(angle), 0.0), height)
                vertices.append((x, y))
            brush = max(1, round(rng.uniform(self.min_width, self.max_width) * scale))
            strokes.append((vertices, brush))
        holes = _draw_strokes((height, width), strokes)
        if rng.random() < 0.5:
            holes = holes[:, ::-1]
        if rng.random() < 0.5:
            holes = holes[::-1, :]
        return np.ascontiguousarray(holes)


_NO_BOXES = dict(
    box_probability=0.0, max_boxes=0, box_min_size=0.1, box_max_size=0.5, box_margin=0.0
)
IRREGULAR_PRESETS: dict[str, dict[str, float]] = {
    # LaMa's configs/data_gen/random_{thin,medium,thick}_256.yaml. Pixel sizes are for
    # 256x256 and scale with min(H, W) / 256; box sizes and margins are fractions of the
    # side (LaMa's pixels / 256). LaMa mixes strokes (weight 1) and boxes (weight 0.3), so a
    # mask is boxes only with probability 0.3 / 1.3.
    "thin": dict(
        min_strokes=4, max_strokes=50, max_width=10, max_length=40, max_angle=4, **_NO_BOXES
    ),
    "medium": dict(
        min_strokes=4,
        max_strokes=5,
        max_width=50,
        max_length=100,
        max_angle=4,
        box_probability=0.3 / 1.3,
        max_boxes=5,
        box_min_size=10 / 256,
        box_max_size=50 / 256,
        box_margin=0.0,
    ),
    "thick": dict(
        min_strokes=1,
        max_strokes=5,
        max_width=100,
        max_length=200,
        max_angle=4,
        box_probability=0.3 / 1.3,
        max_boxes=3,
        box_min_size=30 / 256,
        box_max_size=150 / 256,
        box_margin=10 / 256,
    ),
}


class IrregularMaskGenerator(MaskGenerator):
    """LaMa-style irregular masks (Suvorov et al. 2022), with LaMa's ``thin`` / ``medium`` /
    ``thick`` presets for 256x256; any preset value can be overridden (e.g. ``max_width=30``).

    A mask is either ``min_strokes``..``max_strokes`` strokes, each a random walk of 1-5
    segments of length 10 + U(0, ``max_length``) at angle 0.01 + U(0, ``max_angle``) radians
    (mirrored on every other stroke), drawn ``5 + U(0, max_width)`` wide with round joints;
    or, with probability ``box_probability``, 1..``max_boxes`` boxes (sides in
    [``box_min_size``, ``box_max_size``], ``box_margin`` from the border, all fractions of
    the side). Unlike LaMa, angles and widths are continuous (LaMa draws whole radians) and
    a stroke keeps one width (LaMa redraws it per segment)."""

    def __init__(
        self,
        preset: str = "medium",
        min_ratio: float = 0.0,
        max_ratio: float = 1.0,
        max_tries: int = 5,
        **overrides: float,
    ) -> None:
        super().__init__(min_ratio=min_ratio, max_ratio=max_ratio, max_tries=max_tries)
        if preset not in IRREGULAR_PRESETS:
            raise ValueError(
                f"unknown irregular preset {preset!r}; known: {sorted(IRREGULAR_PRESETS)}"
            )
        unknown = set(overrides) - set(IRREGULAR_PRESETS[preset])
        if unknown:
            raise ValueError(
                f"unknown irregular mask options {sorted(unknown)}; known: "
                f"{sorted(IRREGULAR_PRESETS[preset])}"
            )
        self.preset = preset
        self.options = o = {**IRREGULAR_PRESETS[preset], **overrides}
        if not 0 <= o["box_probability"] <= 1:
            raise ValueError(f"box_probability must be in [0, 1], got {o['box_probability']}")
        self.boxes = None
        if o["box_probability"] > 0 and o["max_boxes"] > 0:
            self.boxes = BoxMaskGenerator(
                min_boxes=1,
                max_boxes=int(o["max_boxes"]),
                min_size=o["box_min_size"],
                max_size=o["box_max_size"],
                margin=o["box_margin"],
            )

    def draw(self, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        o, scale = self.options, min(height, width) / 256
        if self.boxes is not None and rng.random() < o["box_probability"]:
            return self.boxes.draw(height, width, rng)
        strokes = []
        for index in range(rng.integers(o["min_strokes"], o["max_strokes"] + 1)):
            x, y = rng.uniform(0, width), rng.uniform(0, height)
            vertices = [(x, y)]
            brush = max(1, round((5 + rng.uniform(0, o["max_width"])) * scale))
            for _ in range(1 + rng.integers(0, 5)):
                angle = 0.01 + rng.uniform(0, o["max_angle"])
                angle = 2 * math.pi - angle if index % 2 == 0 else angle
                length = (10 + rng.uniform(0, o["max_length"])) * scale
                x = min(max(x + length * math.sin(angle), 0.0), width)
                y = min(max(y + length * math.cos(angle), 0.0), height)
                vertices.append((x, y))
            strokes.append((vertices, brush))
        return _draw_strokes((height, width), strokes)


class BoxMaskGenerator(MaskGenerator):
    """``min_boxes``..``max_boxes`` random rectangles, each side a fraction in
    [``min_size``, ``max_size``] of the image side, kept ``margin`` (fraction) from the border."""

    def __init__(
        self,
        min_boxes: int = 1,
        max_boxes: int = 3,
        min_size: float = 0.1,
        max_size: float = 0.5,
        margin: float = 0.05,
        **ratio_kwargs,
    ) -> None:
        super().__init__(**ratio_kwargs)
        if not 1 <= min_boxes <= max(max_boxes, 1):
            raise ValueError(f"need 1 <= min_boxes <= max_boxes, got {min_boxes}, {max_boxes}")
        if not 0 < min_size <= max_size <= 1 or not 0 <= margin < 0.5:
            raise ValueError(
                f"need 0 < min_size <= max_size <= 1 and 0 <= margin < 0.5, got "
                f"{min_size}, {max_size}, {margin}"
            )
        self.min_boxes, self.max_boxes = min_boxes, max_boxes
        self.min_size, self.max_size, self.margin = min_size, max_size, margin

    def draw(self, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        holes = np.zeros((height, width), dtype=bool)
        for _ in range(rng.integers(self.min_boxes, self.max_boxes + 1)):
            sides = []
            for extent in (height, width):
                margin = int(self.margin * extent)
                room = max(1, extent - 2 * margin)
                side = min(room, max(1, round(rng.uniform(self.min_size, self.max_size) * extent)))
                start = margin + int(rng.integers(0, room - side + 1))
                sides.append(slice(start, start + side))
            holes[sides[0], sides[1]] = True
        return holes


class FolderMaskGenerator(MaskGenerator):
    """Masks read from image files under ``root`` (recursively), e.g. the NVIDIA irregular
    mask set (which stores holes as black: use ``hole_value=0``). Each draw picks a file,
    augments it (random flips, rotation by a multiple of 90 degrees, up to ``max_dilation``
    one-pixel dilations), resizes it to the requested size (nearest) and binarises it at 127."""

    def __init__(
        self,
        root: str | Path,
        hole_value: int = 255,
        flip: bool = True,
        rotate: bool = True,
        max_dilation: int = 0,
        **ratio_kwargs,
    ) -> None:
        super().__init__(**ratio_kwargs)
        if max_dilation < 0:
            raise ValueError(f"max_dilation must be >= 0, got {max_dilation}")
        if hole_value not in (0, 255):
            raise ValueError(f"hole_value must be 0 or 255, got {hole_value}")
        self.files = list_images(root)
        self.hole_value, self.flip, self.rotate, self.max_dilation = (
            hole_value,
            flip,
            rotate,
            max_dilation,
        )

    def draw(self, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        path = self.files[rng.integers(len(self.files))]
        grey = open_image(path).convert("L")
        if self.rotate:
            grey = grey.rotate(90 * int(rng.integers(4)), expand=True)
        grey = grey.resize((width, height), Image.NEAREST)
        holes = holes_from_file_array(np.asarray(grey), self.hole_value)
        if self.flip and rng.random() < 0.5:
            holes = holes[:, ::-1]
        if self.flip and rng.random() < 0.5:
            holes = holes[::-1, :]
        for _ in range(int(rng.integers(0, self.max_dilation + 1))):
            holes = _grow(holes)
        return np.ascontiguousarray(holes)


class MixtureMaskGenerator(MaskGenerator):
    """Draws from one of several generators, chosen with the given weights (non-negative,
    summing to more than 0). Each member keeps its own ratio range; the mixture's range is
    applied on top."""

    def __init__(
        self,
        generators: Mapping[str, MaskGenerator] | Sequence[MaskGenerator],
        weights: Mapping[str, float] | Sequence[float] | None = None,
        **ratio_kwargs,
    ) -> None:
        super().__init__(**ratio_kwargs)
        if isinstance(generators, Mapping):
            names = list(generators)
            members = [generators[n] for n in names]
            if isinstance(weights, Mapping):
                missing = set(names) - set(weights)
                if missing:
                    raise ValueError(f"mixture weights missing for {sorted(missing)}")
                weights = [weights[n] for n in names]
        else:
            members = list(generators)
        weights = [1.0] * len(members) if weights is None else [float(w) for w in weights]
        if not members or len(weights) != len(members):
            raise ValueError(
                f"mixture needs one weight per generator, got {len(weights)} weights "
                f"for {len(members)} generators"
            )
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError(f"mixture weights must be >= 0 with a positive sum, got {weights}")
        self.members = members
        self.probabilities = np.asarray(weights) / sum(weights)

    def draw(self, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
        member = self.members[rng.choice(len(self.members), p=self.probabilities)]
        return member(height, width, rng)
