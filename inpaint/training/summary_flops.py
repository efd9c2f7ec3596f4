"""FLOPs in Lightning's model summary, counted for every block."""

from __future__ import annotations

import torch
from lightning import LightningModule
from torch.utils.flop_counter import flop_registry, register_flop_formula

from inpaint.layers.arithmetic import FLOP_FORMULAS


def count_flops_in_model_summary(module: LightningModule, image_size: int) -> None:
    """Lets the model summary that Lightning prints at the start of fit count `module`'s
    forward FLOPs on one image of `image_size` (its ``example_input_array``).

    torch's FLOP counter does not know deformable sampling or FFTs, so the formulas of
    `FLOP_FORMULAS` are registered with it (once per process); the summary's total then
    equals ``inpaint.layers.count_flops`` of the generator for every block: 2 FLOPs per MAC,
    element-wise operations not counted.
    """
    for op, formula in FLOP_FORMULAS.items():
        if op not in flop_registry:
            register_flop_formula(op)(formula)
    module.example_input_array = (
        torch.zeros(1, 3, image_size, image_size),
        torch.ones(1, 1, image_size, image_size),
    )
