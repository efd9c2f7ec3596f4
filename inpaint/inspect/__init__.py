"""Look inside a generator: per-layer summary and effective receptive fields.

- `summarize` (summary.py): per-layer output shape, params, FLOPs and theoretical receptive
  field, built on `inpaint.layers.arithmetic`; the command is ``inpaint-inspect``.
- receptive.py: the receptive field of a conv chain, upsampling included.
- erf.py: effective receptive field (Luo et al. 2016) measurements; the command is
  ``python scripts/erf.py``.
- heatmap.py, pictures.py: PIL pictures of those measurements and of gates, masks, offsets.
- config.py: the generator of the training config from Hydra overrides, checkpoint loading.
"""

from inpaint.inspect.erf import input_gradient, mass_radius, support_size
from inpaint.inspect.receptive import ConvStep, chain_receptive_field
from inpaint.inspect.summary import LayerRow, LayerStack, Summary, summarize

__all__ = [
    "ConvStep",
    "LayerRow",
    "LayerStack",
    "Summary",
    "chain_receptive_field",
    "input_gradient",
    "mass_radius",
    "summarize",
    "support_size",
]
