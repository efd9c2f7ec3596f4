"""A disk that fills up while the project writes (checkpoints, weights, images, reports,
summaries): a one-line error naming the path, and the previous file at that path intact."""

from __future__ import annotations

import builtins
import errno
import json

import numpy as np
import pytest
from PIL import Image

from inpaint.cli import evaluate as evaluate_cli
from inpaint.cli import predict as predict_cli
from inpaint.training.run import train
from inpaint.utils import DiskFullError, atomic_write


class _LimitedFile:
    """A real file whose writes fail with ENOSPC once `room` bytes are written."""

    def __init__(self, file, room: int) -> None:
        self._file, self._room = file, room

    def write(self, data):
        if len(data) > self._room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self._room -= len(data)
        return self._file.write(data)

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()


@pytest.fixture
def full_disk(monkeypatch):
    """full_disk(room): from now on atomic_write's files take `room` bytes, then the disk is
    full."""

    def fill(room: int = 100) -> None:
        def limited_open(path, mode="r", *args, **kwargs):
            return _LimitedFile(builtins.open(path, mode, *args, **kwargs), room)

        monkeypatch.setattr("inpaint.utils.atomic.open", limited_open, raising=False)

    return fill


def test_a_full_disk_keeps_the_previous_file_and_names_the_path(tmp_path, full_disk):
    path = tmp_path / "report.json"
    path.write_text("the previous report")
    full_disk(10)
    with pytest.raises(DiskFullError) as error, atomic_write(path, "w") as file:
        file.write("x" * 50)
    message = str(error.value)
    assert message.startswith(f"no space left on the device for {path}: it needs more than")
    assert "the previous file is unchanged" in message and "\n" not in message
    assert error.value.errno == errno.ENOSPC
    assert path.read_text() == "the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left


def test_training_on_a_full_disk_keeps_its_last_checkpoint(make_cfg, tmp_path, full_disk):
    run = tmp_path / "run"
    train(make_cfg("trainer.max_epochs=-1", "trainer.max_steps=2", output_dir=run))
    checkpoint = run / "checkpoints" / "last.ckpt"
    summary = (run / "summary.json").read_text()
    before = checkpoint.read_bytes()
    full_disk(1000)
    with pytest.raises(DiskFullError, match=r"no space left on the device for .*\.ckpt"):
        train(
            make_cfg(
                "trainer.max_epochs=-1", "trainer.max_steps=4", "ckpt_path=last", output_dir=run
            )
        )
    assert checkpoint.read_bytes() == before
    assert (run / "summary.json").read_text() == summary
    assert not list(run.rglob("*.tmp"))


def _pair(tmp_path):
    pixels = np.random.default_rng(0).integers(0, 256, size=(20, 24, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "photo.png")
    holes = np.zeros((20, 24), dtype=np.uint8)
    holes[4:10, 6:14] = 255
    Image.fromarray(holes).save(tmp_path / "mask.png")


def test_predict_on_a_full_disk_is_one_line_and_keeps_the_old_output(tmp_path, full_disk, capsys):
    _pair(tmp_path)
    out = tmp_path / "filled.png"
    out.write_bytes(b"an earlier result")
    full_disk(50)
    argv = ["--image", str(tmp_path / "photo.png"), "--mask", str(tmp_path / "mask.png")]
    with pytest.raises(SystemExit) as exit_info:
        predict_cli.main([*argv, "--out", str(out), "--model", "standard"])
    err = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"error: no space left on the device for {out}")
    assert out.read_bytes() == b"an earlier result"


def test_evaluate_on_a_full_disk_is_one_line_and_keeps_the_old_report(tmp_path, full_disk, capsys):
    report = tmp_path / "evaluation" / "results.md"
    report.parent.mkdir()
    report.write_text("an earlier evaluation")
    full_disk(200)
    argv = ["--models", "standard", "--no-baselines", "--size", "64", "--masks-per-bucket", "1"]
    with pytest.raises(SystemExit) as exit_info:
        evaluate_cli.main([*argv, "--output-dir", str(report.parent)])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert exit_info.value.code == 2 and err.startswith("error: no space left on the device for")
    assert report.read_text() == "an earlier evaluation"
    assert not (report.parent / "results.json").exists() or json.loads(
        (report.parent / "results.json").read_text()
    )
