"""safetensors weights + JSON cards: round trip, shipped names, clear errors for bad files."""

import json

import pytest
import torch

from inpaint import model_cards
from inpaint.inference import (
    available_models,
    default_model,
    load_generator,
    load_pretrained,
    save_generator,
)
from inpaint.models import UNetGenerator


def test_round_trip_is_float16_and_predicts_like_the_original(tmp_path, tiny_config):
    torch.manual_seed(0)
    original = UNetGenerator(**tiny_config).eval()
    path = tmp_path / "m.safetensors"
    save_generator(original, {"generator": tiny_config, "data": "noise"}, path)
    loaded, card = load_generator(path)
    assert card == {"generator": tiny_config, "data": "noise"}
    assert next(loaded.parameters()).dtype == torch.float32
    image, mask = torch.rand(2, 3, 16, 16), (torch.rand(2, 1, 16, 16) > 0.3).float()
    with torch.no_grad():
        assert torch.allclose(loaded(image, mask), original(image, mask), atol=2e-3)
    raw = path.read_bytes()
    header = json.loads(raw[8 : 8 + int.from_bytes(raw[:8], "little")])
    assert {v["dtype"] for k, v in header.items() if k != "__metadata__"} == {"F16"}


def test_shipped_names_are_listed_and_an_unknown_name_lists_them(
    monkeypatch, tiny_weights, tiny_config
):
    monkeypatch.setattr(model_cards, "SHIPPED_DIR", tiny_weights.parent)
    assert available_models() == ["tiny"]
    assert load_pretrained("tiny", device="cpu").card["generator"] == tiny_config
    with pytest.raises(ValueError, match=r"unknown model 'giant'; available: \['tiny'\]"):
        load_pretrained("giant")


def test_the_default_model_is_shipped_and_falls_back_to_the_first_name(
    monkeypatch, tmp_path, tiny_config
):
    assert default_model() == model_cards.DEFAULT_MODEL in available_models()
    monkeypatch.setattr(model_cards, "SHIPPED_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="no pretrained models are shipped"):
        default_model()
    for name in ("zeta", "alpha"):
        card = {"generator": tiny_config, "name": name}
        save_generator(UNetGenerator(**tiny_config), card, tmp_path / f"{name}.safetensors")
    assert default_model() == "alpha"
    assert load_pretrained(device="cpu").card["name"] == "alpha"


def test_weights_of_another_architecture_fail_clearly(tiny_weights, tiny_config):
    card_path = tiny_weights.with_suffix(".json")
    card = json.loads(card_path.read_text())
    card["generator"] = {**tiny_config, "block": "gated"}
    card_path.write_text(json.dumps(card))
    with pytest.raises(ValueError, match=r"does not fit the architecture in its card .*'gated'"):
        load_generator(tiny_weights)
    card["generator"] = {**tiny_config, "widths": [8, 32]}
    card_path.write_text(json.dumps(card))
    with pytest.raises(ValueError, match=r"wrongly shaped"):
        load_generator(tiny_weights)


@pytest.mark.parametrize(
    ("damage", "error", "message"),
    [
        (lambda w: w.with_suffix(".json").unlink(), FileNotFoundError, r"tiny\.json not found"),
        (lambda w: w.with_suffix(".json").write_text("{"), ValueError, r"not valid JSON"),
        (lambda w: w.with_suffix(".json").write_text("{}"), ValueError, r"no 'generator'"),
        (
            lambda w: w.with_suffix(".json").write_text('{"generator": {"sparkle": 1}}'),
            ValueError,
            r"does not build a UNetGenerator.*sparkle",
        ),
        (lambda w: w.write_bytes(b"not a tensor file"), ValueError, r"not a readable safetensors"),
        (lambda w: w.unlink(), FileNotFoundError, r"weights file not found: .*tiny\.safetensors"),
    ],
)
def test_broken_model_files_fail_naming_the_file(tiny_weights, damage, error, message):
    damage(tiny_weights)
    with pytest.raises(error, match=message):
        load_generator(tiny_weights)


def test_size_limit_refuses_before_writing(tmp_path, tiny_config):
    path = tmp_path / "m.safetensors"
    with pytest.raises(ValueError, match=r"over the limit .* nothing written"):
        save_generator(
            UNetGenerator(**tiny_config), {"generator": tiny_config}, path, max_bytes=1000
        )
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="'generator'"):
        save_generator(UNetGenerator(**tiny_config), {}, path)


@pytest.mark.parametrize("name", available_models())
def test_every_shipped_model_loads_inpaints_and_has_a_full_card(name):
    path = model_cards.SHIPPED_DIR / f"{name}.safetensors"
    assert path.stat().st_size <= 8 * 2**20
    model = load_pretrained(name, device="cpu")
    card = model.card
    assert {"generator", "data", "data_terms", "checkpoint", "wall_time_s"} <= set(card)
    assert card["checkpoint"]["global_step"] > 0 and card["validation_metrics"]["val/psnr"] > 0
    torch.manual_seed(0)
    image = torch.rand(3, 37, 50)
    known = torch.ones(1, 37, 50)
    known[:, 10:25, 12:40] = 0
    result = model.inpaint(image, known)
    assert result.shape == image.shape and torch.isfinite(result).all()
    assert torch.equal(result * known, image * known)
    assert not torch.equal(result, image)
