"""``inpaint-train`` / ``python scripts/train.py``: train with Hydra overrides.

python scripts/train.py                                   # default config, embedded samples
python scripts/train.py model/block=gated model/upsample=resize
python scripts/train.py -m model/block=standard,dilated,partial,gated,fourier   # a sweep
python scripts/train.py model.init_from=deformable data=folder data.root=my_photos   # fine-tune
"""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

from inpaint.utils import ConfigError, DiskFullError


@hydra.main(version_base="1.3", config_path="pkg://inpaint.configs", config_name="train")
def main(cfg: DictConfig) -> float | None:
    # imported once Hydra has composed the config: --help and override errors come back fast
    from inpaint.training.run import train

    try:
        summary = train(cfg)
    except ConfigError as error:
        print(f"config error: {error}", file=sys.stderr)
        sys.exit(2)
    except DiskFullError as error:  # a checkpoint, summary.json or config record
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    return summary["metrics"].get(cfg.optimized_metric)


if __name__ == "__main__":
    main()
