"""The command lines of the GPU plan's steps, at full size on a GPU or at toy scale on a CPU
(the rehearsal), and each step's share of the time budget.

Every command runs ``python -m ...`` from the source tree, so nothing needs installing but the
wheels the machine lacks. All paths are under the plan's work folder except the photos.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

# (experiment, run name): the candidates for the default model, trained side by side
CANDIDATES = (("gpu_fourier", "gpu_fourier"), ("gpu_fourier_continued", "gpu_fourier_continued"))
# fractions of the budget; training gets what the others leave
SHARES = {"checks": 0.12, "benchmark": 0.14, "evaluation": 0.12}
# a training run's start (photos decoded, mask bank, CUDA and cuDNN set up) and its end (final
# checkpoint), which trainer.max_time does not see, plus the validations
TRAINING_OVERHEAD_S = 45.0
# the rehearsal: toy sizes that finish in seconds on a CPU
REHEARSAL = (
    "debug=tiny",
    "data.val_count=2",
    "data.device_mask_bank=8",
    "data.num_workers=0",
    "model.init_strict=false",
    "trainer.accelerator=cpu",
)
STUDY_REHEARSAL = ("debug=tiny", "data.val_count=2", "data.device_mask_bank=8")
BSDS_DATA = (
    "CBSD432 (the 432 BSDS500 photos that are not CBSD68, 32 held out) and extra_train "
    "(BSDS500's 68 test photos and 93 Urban100 city scenes, shorter side 320)"
)
DATA_TERMS = (
    "BSDS500: free for non-commercial research and education; Corel photographs. Urban100: "
    "released with its paper for research use. Research and education only, not for a "
    "commercial product."
)


@dataclass
class Step:
    """A step: commands run one after another (``parallel``: at the same time), each with
    the step's time left as its timeout."""

    name: str
    commands: list[list[str]]
    parallel: bool = False
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class PlanSettings:
    """Where things are and how big the plan is.

    Attributes:
        work: folder of everything the steps write; bsds: the bsds_train photos (32 of them
        held out for validation and evaluation); extra: more training photos; budget_s: the
        whole plan's wall-clock budget; rehearse: toy scale on the CPU; study_jobs: variant-
        study runs trained at a time beside the candidates (0: no study).
    """

    work: Path
    bsds: Path
    extra: Path | None
    budget_s: float
    rehearse: bool = False
    study_jobs: int = 1

    @property
    def device(self) -> str:
        return "cpu" if self.rehearse else "cuda"

    @property
    def val_count(self) -> int:
        return 2 if self.rehearse else 32


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def checks(settings: PlanSettings) -> Step:
    """What the machine has, and the gpu-marked tests (skipped without CUDA)."""
    describe = (
        "import platform, torch, torchvision, lightning; "
        "print('python', platform.python_version(), 'torch', torch.__version__, 'cuda', "
        "torch.version.cuda, 'torchvision', torchvision.__version__, 'lightning', "
        "lightning.__version__); "
        "print('device', torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu')"
    )
    return Step(
        "checks",
        [
            _python("-c", describe),
            _python("-m", "pytest", "-m", "gpu", "tests/gpu", "-q", "-p", "no:cacheprovider"),
        ],
    )


def benchmark(settings: PlanSettings) -> Step:
    """The conv, training, inference and data sections on the device, absolute times."""
    out = settings.work / "benchmark"
    command = _python(
        "scripts/benchmark.py",
        "--device",
        settings.device,
        "--sections",
        "convs",
        "training",
        "inference",
        "data",
        "--json",
        str(out / "benchmark.json"),
        "--markdown",
        str(out / "benchmark.md"),
    )
    if settings.rehearse:
        command += ["--quick", "--blocks", "standard", "gated"]
    return Step("benchmark", [command])


def data_overrides(settings: PlanSettings) -> list[str]:
    extra = f"[{settings.extra}]" if settings.extra is not None else "[]"
    return [f"data.root={settings.bsds}", f"data.extra_train_dirs={extra}"]


def training(settings: PlanSettings, seconds: float) -> Step:
    """The candidates with a time budget of `seconds` each and, beside them, the variant
    study at GPU size, as processes sharing the device."""
    max_time = max(10.0, seconds - TRAINING_OVERHEAD_S)
    clock = f"00:00:{int(max_time // 60):02d}:{int(max_time % 60):02d}"
    commands = []
    for experiment, name in CANDIDATES:
        command = _python(
            "-m",
            "inpaint.cli.train",
            f"experiment={experiment}",
            f"hydra.run.dir={settings.work / 'runs' / name}",
            *data_overrides(settings),
            f"trainer.max_time={clock}",
            # the warm-up and the validations take part of max_time
            f"model.scheduler.seconds={max(5.0, 0.85 * max_time):.0f}",
            "trainer.enable_progress_bar=false",
        )
        commands.append(command + list(REHEARSAL if settings.rehearse else ()))
    if settings.study_jobs:
        study = _python(
            "-m",
            "inpaint.cli.study",
            "--size",
            "gpu",
            "--out",
            str(settings.work / "study"),
            "--jobs",
            str(settings.study_jobs),
            "--budget-min",
            f"{max(0.2, (seconds - TRAINING_OVERHEAD_S) / 60):.2f}",
        )
        if settings.rehearse:
            study += ["--blocks", "standard", "gated", "--upsamples", "resize", "--seeds", "0"]
        study += ["--", f"data.root={settings.bsds}"]
        study += list(STUDY_REHEARSAL + ("trainer.accelerator=cpu",) if settings.rehearse else ())
        commands.append(study)
    # each process a share of the CPU: device batches leave them little to do
    return Step("training", commands, parallel=True, env={"OMP_NUM_THREADS": "4"})


def evaluation(settings: PlanSettings, trained: list[str]) -> Step:
    """The `trained` candidates exported (EMA weights, card) and scored against the shipped
    fourier and OpenCV on the held-out photos; the study's finished runs compared."""
    candidates = settings.work / "candidates"
    evaluated = settings.work / "evaluation"
    samples = ["--root", str(settings.bsds), "--val-count", str(settings.val_count), "--seed", "0"]
    if settings.rehearse:
        samples += ["--size", "64"]
    commands = [
        _python(
            "scripts/export_pretrained.py",
            str(settings.work / "runs" / name),
            "--name",
            name,
            "--out-dir",
            str(candidates),
            "--max-mb",
            "15",
            "--data",
            BSDS_DATA,
            "--data-terms",
            DATA_TERMS,
            "--force",
        )
        for name in trained
    ]
    models = ["fourier", *(str(candidates / f"{name}.safetensors") for name in trained)]
    commands.append(
        _python(
            "-m",
            "inpaint.cli.evaluate",
            *samples,
            "--models",
            *models,
            "--device",
            settings.device,
            "--output-dir",
            str(evaluated),
        )
    )
    if settings.study_jobs:
        commands.append(
            _python(
                "-m",
                "inpaint.cli.compare",
                str(settings.work / "study"),
                "--finished-only",
                *samples,
                "--device",
                settings.device,
                "--output-dir",
                str(evaluated / "study"),
            )
        )
    return Step("evaluation", commands)
