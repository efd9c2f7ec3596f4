"""model.compile=true: the same training as eager, with plain checkpoint and weight names."""

import pytest
import torch
from torch._dynamo.utils import counters

from inpaint.models import UNetGenerator
from inpaint.training.init_from import generator_config
from inpaint.training.run import train


@pytest.mark.slow
@pytest.mark.parametrize("block", ["standard", "gated"])
def test_compiled_training_matches_eager_and_saves_plain_names(make_cfg, tmp_path, block):
    eager = train(make_cfg(f"model/block={block}", output_dir=tmp_path / "eager"))
    cfg = make_cfg(f"model/block={block}", "model.compile=true", output_dir=tmp_path / "compiled")
    torch._dynamo.reset()
    counters.clear()
    compiled = train(cfg)
    assert counters["stats"]["unique_graphs"] >= 1  # the generator did run compiled
    assert compiled["metrics"]["val/psnr"] == pytest.approx(eager["metrics"]["val/psnr"], abs=0.1)
    checkpoint = torch.load(
        tmp_path / "compiled" / "checkpoints" / "last.ckpt", map_location="cpu", weights_only=True
    )
    assert not [k for k in checkpoint["state_dict"] if "_orig_mod" in k]
    reference = torch.load(
        tmp_path / "eager" / "checkpoints" / "last.ckpt", map_location="cpu", weights_only=True
    )
    assert checkpoint["state_dict"].keys() == reference["state_dict"].keys()
    state = {
        k.removeprefix("generator."): v
        for k, v in checkpoint["state_dict"].items()
        if k.startswith("generator.")
    }
    UNetGenerator(**generator_config(cfg)).load_state_dict(state)  # an uncompiled network
