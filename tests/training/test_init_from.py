"""model.init_from: training starts from a shipped or exported generator's weights and records
them in the run folder."""

import hashlib
import json
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf, open_dict

from inpaint.inference.export import export_run
from inpaint.inference.weights import save_generator
from inpaint.models import UNetGenerator
from inpaint.training.init_from import architecture_conflicts
from inpaint.training.run import build, train
from inpaint.utils import ConfigError

GATED = {"name": "gated", "activation": "identity", "kwargs": {"activation": "elu"}}
# what an exported card holds beside the generator (those fields the record summarises)
SOURCE_CARD = {
    "name": "mine",
    "checkpoint": {"file": "last.ckpt", "global_step": 7, "epoch": 1},
    "training": {"max_steps": 7, "optimizer": {"lr": 0.01, "betas": [0.9, 0.99]}},
    "wall_time_s": 12.5,
    "validation_metrics": {"val/psnr": 20.5, "val/ssim": 0.5, "val/l1": 0.1},
    "initialized_from": "the standard model, by hand",
}


def export(tmp_path: Path, extra_card: dict | None = None, **config) -> tuple[Path, UNetGenerator]:
    torch.manual_seed(1)
    generator = UNetGenerator(**config)
    path = tmp_path / "mine.safetensors"
    card = {"generator": config, **(extra_card or {})}
    save_generator(generator, card, path, dtype=torch.float32)
    return path, generator


def assert_same_weights(a: UNetGenerator, b: UNetGenerator) -> None:
    assert a.state_dict().keys() == b.state_dict().keys()
    for name, value in a.state_dict().items():
        torch.testing.assert_close(value, b.state_dict()[name])


def test_training_starts_from_the_exported_weights(make_cfg, tmp_path, tiny_generator):
    path, exported = export(tmp_path, **tiny_generator)
    module, _ = build(make_cfg(f"model.init_from={path}"))
    assert_same_weights(module.generator, exported)


def test_the_architecture_comes_from_the_card(make_cfg, tmp_path, tiny_generator):
    path, exported = export(tmp_path, block=GATED, upsample="resize", **tiny_generator)
    module, _ = build(make_cfg(f"model.init_from={path}"))  # default block: standard
    assert module.generator.block.name == "gated"
    assert module.generator.upsample_spec.name == "resize"
    assert_same_weights(module.generator, exported)


def test_a_setting_that_disagrees_with_the_card_is_named(make_cfg, tmp_path, tiny_generator):
    path, _ = export(tmp_path, block=GATED, **tiny_generator)
    with pytest.raises(ConfigError, match=r"block \(card .*gated.*config .*dilated"):
        build(make_cfg(f"model.init_from={path}", "model/block=dilated"))
    with pytest.raises(ConfigError, match=r"kernel_size \(card 3, config 5\)"):
        build(make_cfg(f"model.init_from={path}", "model.generator.kernel_size=5"))


def test_not_strict_copies_the_tensors_whose_names_and_shapes_match(
    make_cfg, tmp_path, tiny_generator
):
    path, exported = export(tmp_path, **tiny_generator)
    cfg = make_cfg(f"model.init_from={path}", "model.init_strict=false", "model/block=fourier")
    generator = build(cfg, record_dir=tmp_path)[0].generator
    record = json.loads((tmp_path / "init_from.json").read_text())
    assert record["strict"] is False and record["tensors_fresh"] > 0
    assert record["tensors_copied"] + record["tensors_fresh"] == len(generator.state_dict())
    assert generator.block.name == "fourier"  # the config's architecture stands
    torch.testing.assert_close(generator.stem.conv.weight, exported.stem.conv.weight)
    torch.testing.assert_close(generator.head.weight, exported.head.weight)
    # a fourier conv's bias has the name and shape of the standard conv's it replaces
    torch.testing.assert_close(generator.encoder[1][1].conv.bias, exported.encoder[1][1].conv.bias)
    assert generator.encoder[1][1].conv.local_to_local.weight.shape == (4, 4, 3, 3)  # fresh


def test_unknown_model_and_missing_card_are_named(make_cfg, tmp_path, tiny_generator):
    with pytest.raises(ConfigError, match="unknown model 'nope'; available"):
        build(make_cfg("model.init_from=nope"))
    path, _ = export(tmp_path, **tiny_generator)
    path.with_suffix(".json").unlink()
    with pytest.raises(ConfigError, match="mine.json not found"):
        build(make_cfg(f"model.init_from={path}"))


def test_a_fine_tuned_run_exports_the_cards_architecture(make_cfg, tmp_path, tiny_generator):
    path, _ = export(tmp_path, block=GATED, **tiny_generator)
    run = tmp_path / "run"
    cfg = make_cfg(f"model.init_from={path}", "trainer.fast_dev_run=true", output_dir=run)
    saved = cfg.copy()
    with open_dict(saved):
        del saved["hydra"]
    (run / ".hydra").mkdir(parents=True)
    OmegaConf.save(saved, run / ".hydra" / "config.yaml")  # as Hydra's @main does
    train(cfg)
    card = export_run(run, tmp_path / "tuned.safetensors", which="last")
    assert card["generator"]["block"]["name"] == "gated"


def test_a_run_records_the_weights_it_starts_from(make_cfg, tmp_path, tiny_generator):
    path, exported = export(tmp_path, SOURCE_CARD, **tiny_generator)
    run = tmp_path / "run"
    train(make_cfg(f"model.init_from={path}", output_dir=run))
    record = json.loads((run / "init_from.json").read_text())
    assert record == {
        "init_from": str(path),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "strict": True,
        "tensors_copied": len(exported.state_dict()),
        "tensors_fresh": 0,
        "source": {
            "name": "mine",
            "global_step": 7,
            "max_steps": 7,
            "lr": 0.01,
            "wall_time_s": 12.5,
            "validation_metrics": {"val/psnr": 20.5, "val/ssim": 0.5},
            "initialized_from": "the standard model, by hand",
        },
    }
    assert not list(run.glob("*.tmp"))

    # a resumed run takes its weights from the checkpoint: the record stays that of the start
    recorded = (run / "init_from.json").read_bytes()
    save_generator(UNetGenerator(**tiny_generator), {"generator": tiny_generator}, path)
    resumed = train(make_cfg("ckpt_path=last", "trainer.max_epochs=2", output_dir=run))
    assert resumed["global_step"] == 4
    assert (run / "init_from.json").read_bytes() == recorded

    # a run started afresh in the folder without init_from leaves no record
    train(make_cfg("trainer.fast_dev_run=true", output_dir=run))
    assert not (run / "init_from.json").exists()


def test_defaults_and_tuples_do_not_count_as_conflicts():
    defaults = {"widths": [32, 64]}
    assert architecture_conflicts({"widths": (8, 16)}, {"widths": [8, 16]}, defaults) == []
    assert architecture_conflicts({"block": "gated"}, {"block": {"name": "standard"}}, {}) == []
    assert architecture_conflicts({}, {"context_residual": True}, {}) == [
        "context_residual (card False, config True)"
    ]
