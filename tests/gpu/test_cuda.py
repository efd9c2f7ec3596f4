"""The GPU path, checked on a CUDA device (skipped without one; run by the GPU plan):
torchvision's CUDA deform_conv2d against the CPU path, a bf16 training step of every block,
training with compile, EMA and device batches, and inference of a shipped model."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

from inpaint.inference import load_pretrained
from inpaint.layers import create_conv
from inpaint.models import UNetGenerator
from inpaint.study import BLOCKS
from inpaint.training.run import train
from inpaint.utils import compose_train_config

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]
CUDA = torch.device("cuda")


@pytest.mark.parametrize("modulated", [False, True])
def test_cuda_deform_conv2d_matches_the_cpu_path(modulated):
    torch.manual_seed(0)
    layer = create_conv("deformable", 8, 16, kernel_size=3, padding=1, modulated=modulated)
    with torch.no_grad():  # non-zero offsets, so the sampling itself is compared
        for parameter in layer.offset_conv.parameters():
            parameter.normal_(0, 0.5)
    x = torch.randn(2, 8, 12, 12)
    outputs, gradients = [], []
    for device in ("cpu", "cuda"):
        copy = create_conv("deformable", 8, 16, kernel_size=3, padding=1, modulated=modulated)
        copy.load_state_dict(layer.state_dict())
        copy.to(device)
        inputs = x.to(device).requires_grad_(True)
        y, _ = copy(inputs, None)
        y.square().sum().backward()
        outputs.append(y.detach().cpu())
        gradients.append([inputs.grad.cpu(), copy.weight.grad.cpu()])
    torch.testing.assert_close(outputs[1], outputs[0], atol=1e-4, rtol=1e-4)
    for cuda_grad, cpu_grad in zip(gradients[1], gradients[0], strict=True):
        torch.testing.assert_close(cuda_grad, cpu_grad, atol=1e-3, rtol=1e-3)


@pytest.mark.parametrize("block", BLOCKS)
def test_a_bf16_training_step_of_every_block(block, tiny_generator):
    torch.manual_seed(0)
    spec = OmegaConf.to_container(compose_train_config([f"model/block={block}"]).model.block)
    generator = UNetGenerator(block=spec, **tiny_generator).to(CUDA)
    generator.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(generator.parameters(), lr=1e-3)
    image = torch.rand(4, 3, 32, 32, device=CUDA)
    known = (torch.rand(4, 1, 32, 32, device=CUDA) > 0.3).float()
    dtypes = set()
    first_conv = next(m for m in generator.modules() if isinstance(m, torch.nn.Conv2d))
    first_conv.register_forward_hook(
        lambda module, inputs, output: dtypes.add(
            (output[0] if isinstance(output, tuple) else output).dtype
        )
    )
    for _ in range(2):
        with torch.autocast("cuda", dtype=torch.bfloat16):
            prediction = generator(image, known)
            loss = (prediction.float() - image).abs().mean()
        assert dtypes == {torch.bfloat16}  # the convs ran in bf16
        loss.backward()
        assert torch.isfinite(loss)
        assert all(
            torch.isfinite(p.grad).all() for p in generator.parameters() if p.grad is not None
        )
        optimizer.step()
        optimizer.zero_grad()


GPU_RUN = ("trainer.accelerator=gpu", "trainer.devices=1", "trainer.precision=bf16-mixed")


def test_training_compiled_on_cuda(make_cfg):
    summary = train(make_cfg(*GPU_RUN, "model.compile=true", "trainer.max_steps=3"))
    assert summary["global_step"] == 3 and np.isfinite(summary["metrics"]["val/psnr"])


def test_training_with_device_batches_and_ema_on_cuda(make_cfg, image_folder):
    summary = train(
        make_cfg(
            *GPU_RUN,
            "ema=on",
            "data=folder",
            f"data.root={image_folder}",
            "data.val_count=2",
            "data.device_batches=true",
            "data.device_mask_bank=16",
            "model/block=fourier",
        )
    )
    assert summary["global_step"] == 2 and np.isfinite(summary["metrics"]["val/psnr"])


def test_shipped_model_inference_on_cuda_matches_the_cpu():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(200, 300, 3), dtype=np.uint8)
    holes = np.zeros((200, 300), dtype=bool)
    holes[60:140, 100:220] = True
    results = [
        load_pretrained("fourier", device=device).inpaint(image, holes).astype(np.int16)
        for device in ("cpu", "cuda")
    ]
    assert np.abs(results[1] - results[0]).max() <= 2
    assert (results[1][~holes] == image[~holes]).all()
