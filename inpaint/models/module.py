"""LightningModule that trains a `UNetGenerator`, optionally against a discriminator.

Optimisation is manual (one code path with or without a discriminator) so that a non-finite
loss can be caught before it touches the weights; the module therefore accumulates gradients
and clips them itself (Lightning's ``accumulate_grad_batches`` and ``gradient_clip_val`` work
only with automatic optimisation). Note Lightning's ``global_step`` counts optimizer steps:
with a discriminator it advances by 2 per optimizer step of the generator.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import lightning as L
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.optim import Optimizer
from torchvision.utils import make_grid

from inpaint.losses import DiscriminatorFeatures, InpaintLoss, discriminator_hinge_loss
from inpaint.metrics import BucketedImageMetrics
from inpaint.models.generator import UNetGenerator, composite
from inpaint.models.introspection import capture_internals

log = logging.getLogger(__name__)

OptimizerFactory = Callable[[Iterable[nn.Parameter]], Optimizer]
NONFINITE_POLICIES = ("skip", "stop")


class GeneratorLoss(NamedTuple):
    """The generator's loss on one batch and what it was computed from.

    Attributes:
        total: the weighted loss, a scalar.
        terms: each loss term by name, scalars.
        prediction: the generator's raw output [N, 3, H, W].
        composite: what the losses see, ``image * mask + prediction * (1 - mask)`` [N, 3, H, W].
    """

    total: Tensor
    terms: dict[str, Tensor]
    prediction: Tensor
    composite: Tensor


class InpaintModule(L.LightningModule):
    """Generator (+ optional discriminator), losses, validation metrics, TensorBoard images.

    Args:
        generator: the inpainting network.
        loss: weighted generator loss; its adversarial weight must be > 0 iff a discriminator
            is given.
        optimizer: ``params -> Optimizer`` (a Hydra ``_partial_``) for the generator.
        scheduler: optional ``(optimizer, total_steps) -> LRScheduler``, stepped every batch.
        discriminator, discriminator_optimizer: optional patch discriminator and its optimizer.
        discriminator_warmup_steps: generator steps at the start of training during which
            the discriminator trains but the generator's loss leaves out its terms, so the
            generator first meets a discriminator that already tells real from fake.
        nonfinite_loss: ``skip`` logs the batch and leaves its gradient out (with no
            accumulation: no optimizer step, weights untouched); ``stop`` raises.
        gradient_clip_norm: optional max gradient norm for the generator.
        accumulate_grad_batches: batches whose gradients add up to one optimizer step (each
            loss scaled by 1/N); the last batch of an epoch always ends a step.
        num_logged_images: validation samples shown in the TensorBoard image grid.
        channels_last: keep the generator's weights channels-last (NHWC), which makes oneDNN
            (CPU) and cuDNN (with AMP) convolutions faster; results are the same.
        compiled: run the generator and discriminator under ``torch.compile`` (compiled in
            place with ``nn.Module.compile``, so state dicts, checkpoints and exported weights
            keep their plain names and load into uncompiled networks).
    """

    def __init__(
        self,
        generator: UNetGenerator,
        loss: InpaintLoss,
        optimizer: OptimizerFactory,
        scheduler: Callable[..., Any] | None = None,
        discriminator: nn.Module | None = None,
        discriminator_optimizer: OptimizerFactory | None = None,
        discriminator_warmup_steps: int = 0,
        nonfinite_loss: str = "skip",
        gradient_clip_norm: float | None = None,
        accumulate_grad_batches: int = 1,
        num_logged_images: int = 6,
        channels_last: bool = True,
        compiled: bool = False,
    ) -> None:
        super().__init__()
        if nonfinite_loss not in NONFINITE_POLICIES:
            raise ValueError(
                f"nonfinite_loss must be one of {NONFINITE_POLICIES}, got {nonfinite_loss!r}"
            )
        if not (isinstance(accumulate_grad_batches, int) and accumulate_grad_batches >= 1):
            raise ValueError(
                f"accumulate_grad_batches must be an integer >= 1, got {accumulate_grad_batches!r}"
            )
        if (discriminator is None) == loss.uses_adversarial:
            raise ValueError(
                "the adversarial loss weight must be > 0 exactly when a discriminator is set "
                f"(weight {loss.weights['adversarial']}, discriminator "
                f"{'none' if discriminator is None else type(discriminator).__name__})"
            )
        if (discriminator is None) != (discriminator_optimizer is None):
            raise ValueError("a discriminator needs a discriminator_optimizer and vice versa")
        if loss.weights["feature_matching"] > 0 and not hasattr(discriminator, "features"):
            raise ValueError(
                f"feature matching needs a discriminator with a features(image, mask) method; "
                f"{type(discriminator).__name__} has none"
            )
        if not (isinstance(discriminator_warmup_steps, int) and discriminator_warmup_steps >= 0):
            raise ValueError(
                "discriminator_warmup_steps must be an integer >= 0, got "
                f"{discriminator_warmup_steps!r}"
            )
        self.automatic_optimization = False
        self.generator = generator
        self.discriminator = discriminator
        self.loss = loss
        self.optimizer_factory = optimizer
        self.scheduler_factory = scheduler
        self.discriminator_optimizer_factory = discriminator_optimizer
        self.discriminator_warmup_steps = discriminator_warmup_steps
        self.nonfinite_loss = nonfinite_loss
        self.gradient_clip_norm = gradient_clip_norm
        self.accumulate_grad_batches = accumulate_grad_batches
        # batches whose gradient each optimizer holds for its next step
        self._pending = {"generator": 0, "discriminator": 0}
        self.num_logged_images = num_logged_images
        if channels_last:
            self.generator.to(memory_format=torch.channels_last)
        self.compiled = compiled
        self.val_metrics = BucketedImageMetrics()
        self._logged_batch: dict[str, Tensor] | None = None
        self.nonfinite_steps = 0

    def configure_model(self) -> None:
        """Lightning's hook before training or validating: compiles the networks if asked."""
        if self.compiled:
            for network in (self.generator, self.discriminator):
                if network is not None:
                    network.compile()

    def forward(self, image: Tensor, mask: Tensor) -> Tensor:
        """Composited inpainting: [N, 3, H, W] in [0, 1], known pixels unchanged."""
        return composite(self.generator(image, mask), image, mask)

    def configure_optimizers(self):
        optimizers = [self.optimizer_factory(self.generator.parameters())]
        if self.discriminator is not None:
            optimizers.append(self.discriminator_optimizer_factory(self.discriminator.parameters()))
        if self.scheduler_factory is None:
            return optimizers
        total_steps = self._generator_steps(len(optimizers))
        return optimizers, [self.scheduler_factory(optimizers[0], total_steps=total_steps)]

    def _generator_steps(self, num_optimizers: int) -> int | float:
        """Optimizer steps of the generator in the whole fit: Lightning's estimate, which
        counts batches when its own accumulation is off, in steps of this module's
        accumulation; ``max_steps`` counts the steps of every optimizer."""
        trainer = self.trainer
        estimate = trainer.estimated_stepping_batches  # sets up the train data if needed
        max_steps = math.ceil(trainer.max_steps / num_optimizers)
        if trainer.max_epochs == -1 or math.isinf(trainer.num_training_batches):
            return max_steps if trainer.max_steps != -1 else estimate
        per_epoch = math.ceil(trainer.num_training_batches / self.accumulate_grad_batches)
        steps = per_epoch * max(trainer.max_epochs, 1)
        return min(steps, max_steps) if trainer.max_steps != -1 else steps

    def _all_finite(self, value: Tensor) -> bool:
        """True when `value` is finite on every process (all processes must skip together)."""
        bad = (~torch.isfinite(value.detach())).float().sum()
        return bool(self.trainer.strategy.reduce(bad, reduce_op="sum") == 0)

    def _handle_nonfinite(self, what: str, terms: dict[str, Tensor]) -> None:
        described = ", ".join(f"{k}={v.item():.4g}" for k, v in terms.items())
        message = f"non-finite {what} at step {self.global_step} ({described})"
        if self.nonfinite_loss == "stop":
            raise FloatingPointError(message + "; stopping (nonfinite_loss=stop)")
        log.warning("%s; batch skipped, its gradient left out (nonfinite_loss=skip)", message)
        self.nonfinite_steps += 1
        self.log("train/nonfinite_steps", float(self.nonfinite_steps), on_step=True)

    def _backward(self, network: str, loss: Tensor) -> None:
        """Adds this batch's share to the gradient of `network`'s next optimizer step."""
        self.manual_backward(loss / self.accumulate_grad_batches)
        self._pending[network] += 1

    def _step(self, network: str, optimizer, clip: bool = False) -> bool:
        """One optimizer step of `network` on its accumulated gradient, unless every batch
        since the last step was skipped; returns whether it stepped."""
        if not self._pending[network]:
            return False
        if clip and self.gradient_clip_norm:
            self.clip_gradients(optimizer, gradient_clip_val=self.gradient_clip_norm)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        self._pending[network] = 0
        return True

    def _ends_optimizer_step(self, batch_idx: int) -> bool:
        """True for the last batch of an accumulation (or of the epoch)."""
        trainer = self.trainer
        return (
            (batch_idx + 1) % self.accumulate_grad_batches == 0
            or trainer.is_last_batch
            or batch_idx + 1 >= trainer.num_training_batches
        )

    def on_validation_model_zero_grad(self) -> None:
        # Lightning clears the gradients before validating; keep a half-accumulated step's
        if not any(self._pending.values()):
            super().on_validation_model_zero_grad()

    def discriminator_warming_up(self) -> bool:
        """True while training within the first `discriminator_warmup_steps` generator steps
        (``global_step`` counts the steps of both optimizers)."""
        return self.training and self.global_step // 2 < self.discriminator_warmup_steps

    def _discriminator_features(
        self, image: Tensor, composite: Tensor, mask: Tensor
    ) -> DiscriminatorFeatures:
        """The discriminator's activations for the real images and the composites, from one
        call on both (as in its own step, so batch normalisation sees the same batches); its
        weights are frozen meanwhile, so the generator's loss adds nothing to their gradient."""
        images, masks = torch.cat([image, composite]), torch.cat([mask, mask])
        self.discriminator.requires_grad_(False)
        if hasattr(self.discriminator, "features"):
            both = self.discriminator.features(images, masks)
        else:
            both = [self.discriminator(images, masks)]
        self.discriminator.requires_grad_(True)
        halves = [layer.chunk(2) for layer in both]
        return DiscriminatorFeatures([real for real, _ in halves], [fake for _, fake in halves])

    def generator_loss(
        self, image: Tensor, mask: Tensor, prediction: Tensor | None = None
    ) -> GeneratorLoss:
        """The generator's loss on one batch, as training, validation and the benchmark take it.

        With a discriminator (after its warm-up), its features of the real image and the
        composite enter the adversarial and feature-matching terms.

        Args:
            image: [N, 3, H, W] in [0, 1]; mask: [N, 1, H, W], 1 = known.
            prediction: the generator's output for them when the caller already has it (the
                training step updates the discriminator in between); else computed here.
        """
        if prediction is None:
            prediction = self.generator(image, mask)
        composite = image * mask + prediction * (1 - mask)
        features = None
        if self.discriminator is not None and not self.discriminator_warming_up():
            features = self._discriminator_features(image, composite, mask)
        total, terms = self.loss(prediction, composite, image, mask, features)
        return GeneratorLoss(total, terms, prediction, composite)

    def _discriminator_step(
        self, image: Tensor, mask: Tensor, prediction: Tensor, optimizer, step_now: bool
    ) -> bool:
        """Hinge loss of the discriminator on the real images and on the composite of the
        (detached) `prediction`, its backward and, when due, its optimizer step; returns
        whether the loss was finite (a non-finite one skips the batch for both networks)."""
        composite = image * mask + prediction * (1 - mask)
        # one call for both: a batch-normalised discriminator then cannot tell them apart by
        # the statistics of their batches
        scores = self.discriminator(torch.cat([image, composite]), torch.cat([mask, mask]))
        real_scores, fake_scores = scores.chunk(2)
        d_loss = discriminator_hinge_loss(real_scores, fake_scores)
        finite = self._all_finite(d_loss)
        if finite:
            self._backward("discriminator", d_loss)
            self.log("train/d_hinge", d_loss, on_step=True, on_epoch=False)
        else:
            self._handle_nonfinite("discriminator loss", {"d_hinge": d_loss})
        if step_now:
            self._step("discriminator", optimizer)
        return finite

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> None:
        image, mask = batch["image"], batch["mask"]
        optimizers = self.optimizers()
        optimizers = optimizers if isinstance(optimizers, list) else [optimizers]
        step_now = self._ends_optimizer_step(batch_idx)
        prediction = self.generator(image, mask)
        finite = True
        if self.discriminator is not None:
            finite = self._discriminator_step(
                image, mask, prediction.detach(), optimizers[1], step_now
            )
        if finite:
            total, terms, _, _ = self.generator_loss(image, mask, prediction)
            if self._all_finite(total):
                self._backward("generator", total)
                batch_size = image.shape[0]
                self.log("train/loss", total, prog_bar=True, batch_size=batch_size)
                self.log_dict({f"train/{k}": v for k, v in terms.items()}, batch_size=batch_size)
            else:
                self._handle_nonfinite("loss", {"total": total, **terms})
        if step_now and self._step("generator", optimizers[0], clip=True):
            scheduler = self.lr_schedulers()
            if scheduler is not None:
                scheduler.step()

    def validation_step(self, batch: dict[str, Tensor], batch_idx: int) -> None:
        image, mask = batch["image"], batch["mask"]
        total, _, prediction, _ = self.generator_loss(image, mask)
        output = composite(prediction, image, mask)
        self.log("val/loss", total, batch_size=image.shape[0], sync_dist=True)
        self.val_metrics.update(output, image, batch["hole_ratio"], holes=mask < 0.5)
        if batch_idx == 0:
            keep = slice(0, self.num_logged_images)
            self._logged_batch = {
                "image": image[keep],
                "mask": mask[keep],
                "prediction": prediction[keep],
                "output": output[keep],
            }

    def on_validation_epoch_end(self) -> None:
        results = self.val_metrics.compute()
        self.val_metrics.reset()
        for name, value in results.items():
            metric, _, bucket = name.partition("/")
            tag = f"val/{metric}" if not bucket else f"val_buckets/{metric}_{bucket}"
            self.log(tag, value, prog_bar=not bucket and metric == "psnr")
        if self._logged_batch is not None and not self.trainer.sanity_checking:
            self._log_images(self._logged_batch)
        self._logged_batch = None

    def _log_images(self, batch: dict[str, Tensor]) -> None:
        experiment = getattr(self.logger, "experiment", None)
        if not self.trainer.is_global_zero or not hasattr(experiment, "add_image"):
            return
        image, mask = batch["image"], batch["mask"]
        columns = [
            image * mask + (1 - mask),  # masked input, holes white
            mask.expand_as(image),
            batch["prediction"].clamp(0, 1),
            batch["output"],
            image,
        ]
        rows = torch.stack(columns, dim=1).flatten(0, 1)  # sample-major: one row per sample
        grid = make_grid(rows.float().cpu(), nrow=len(columns), padding=2, pad_value=1.0)
        experiment.add_image(
            "val/examples (masked | mask | raw | composite | target)", grid, self.global_step
        )
        with torch.no_grad():
            internals = capture_internals(self.generator, image, mask)
        # one image per kind (gate / offset / mask): a row per layer, a column per sample
        kinds: dict[str, list[Tensor]] = {}
        for name, maps in internals.items():
            resized = F.interpolate(maps.float(), size=image.shape[-2:], mode="nearest")
            kinds.setdefault(name.partition("/")[0], []).append(resized)
        for kind, rows in kinds.items():
            grid = make_grid(torch.cat(rows).cpu(), nrow=image.shape[0], pad_value=1.0)
            experiment.add_image(
                f"internals/{kind} (row per layer: {len(rows)})", grid, self.global_step
            )
