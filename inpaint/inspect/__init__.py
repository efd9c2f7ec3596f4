"""Look inside a generator: per-layer summary.

- `summarize` (summary.py): per-layer output shape, params, FLOPs and theoretical receptive
  field, built on `inpaint.layers.arithmetic`; the command is ``inpaint-inspect``.
- receptive.py: the receptive field of a conv chain, upsampling included.
- config.py: the generator of the training config from Hydra overrides, checkpoint loading.
"""

from inpaint.inspect.receptive import ConvStep, chain_receptive_field
from inpaint.inspect.summary import LayerRow, LayerStack, Summary, summarize

__all__ = [
    "ConvStep",
    "LayerRow",
    "LayerStack",
    "Summary",
    "chain_receptive_field",
    "summarize",
]
