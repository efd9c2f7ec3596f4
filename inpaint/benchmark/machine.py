"""What the numbers were measured on: CPU, threads, library versions, device, load."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import torch
import torchvision


def cpu_model() -> str:
    """The CPU's model name (from ``/proc/cpuinfo`` on Linux), else ``platform.processor()``."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def load_average() -> list[float] | None:
    """1, 5 and 15-minute load averages (a load above the core count means a shared CPU)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def describe_machine(device: torch.device) -> dict[str, Any]:
    """A JSON-ready description of the machine and the PyTorch build."""
    info: dict[str, Any] = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "device": str(device),
        "load_average_start": load_average(),
    }
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info
