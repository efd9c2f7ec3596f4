"""model.init_from: training starts from a shipped or exported generator's weights."""

from pathlib import Path

import pytest
import torch

from inpaint.inference.weights import save_generator
from inpaint.models import UNetGenerator
from inpaint.training.init_from import architecture_differences, initialize_generator
from inpaint.training.run import build
from inpaint.utils import ConfigError

TINY = {"widths": [8, 16, 16], "context_dilations": [2], "upsample": "transposed"}


def export(tmp_path: Path, **config) -> tuple[Path, UNetGenerator]:
    torch.manual_seed(1)
    generator = UNetGenerator(**config)
    path = tmp_path / "mine.safetensors"
    save_generator(generator, {"generator": config}, path, dtype=torch.float32)
    return path, generator


def test_training_starts_from_the_exported_weights(make_cfg, tmp_path):
    path, exported = export(tmp_path, block={"name": "standard"}, **TINY)
    module, _ = build(make_cfg(f"model.init_from={path}"))
    for name, value in exported.state_dict().items():
        torch.testing.assert_close(module.generator.state_dict()[name], value)


def test_a_config_of_another_architecture_names_the_differing_keys(make_cfg, tmp_path):
    path, _ = export(tmp_path, block={"name": "gated", "activation": "identity"}, **TINY)
    with pytest.raises(ConfigError, match=r"block \(card .*gated.*config .*standard"):
        build(make_cfg(f"model.init_from={path}"))


def test_not_strict_copies_the_tensors_whose_names_and_shapes_match(tmp_path):
    path, exported = export(tmp_path, block={"name": "standard"}, **TINY)
    fourier = {"name": "fourier", "kwargs": {"ratio_gin": 0.75, "ratio_gout": 0.75}}
    config = {**TINY, "block": fourier, "outer_levels": -1}
    generator = UNetGenerator(**config)
    fresh = initialize_generator(generator, config, str(path), strict=False)
    assert fresh and all(name.startswith(("encoder.1.", "context.")) for name in fresh)
    torch.testing.assert_close(generator.stem.conv.weight, exported.stem.conv.weight)
    torch.testing.assert_close(generator.head.weight, exported.head.weight)


def test_unknown_model_and_missing_card_are_named(tmp_path):
    generator = UNetGenerator(**TINY)
    with pytest.raises(ConfigError, match="unknown model 'nope'; available"):
        initialize_generator(generator, TINY, "nope")
    path, _ = export(tmp_path, **TINY)
    path.with_suffix(".json").unlink()
    with pytest.raises(ConfigError, match="mine.json not found"):
        initialize_generator(generator, TINY, str(path))


def test_defaults_and_tuples_do_not_count_as_differences():
    assert (
        architecture_differences({"widths": (8, 16)}, {"widths": [8, 16], "image_channels": 3})
        == []
    )
    assert architecture_differences({"block": "standard"}, {"block": {"name": "standard"}}) == []
    assert architecture_differences({}, {"context_residual": True}) == [
        "context_residual (card False, config True)"
    ]
