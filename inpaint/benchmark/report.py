"""Markdown tables of a benchmark's results (the JSON holds the same numbers, unrounded)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _num(value: float) -> str:
    """About three significant digits, no exponent."""
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _machine(results: dict[str, Any]) -> list[str]:
    m = results["machine"]
    load = m.get("load_average_start")
    load_text = f"; load average at start {load[0]:g} (1 min)" if load else ""
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores; torch {m['torch']}, threads: "
        f"{m['torch_threads']} (interop {m['torch_interop_threads']}); torchvision "
        f"{m['torchvision']}, Python {m['python']}; device `{m['device']}`{load_text}.",
        "",
        f"Command: `{results['command']}` ({results['mode']} run, {results['seconds']:.0f} s).",
        "Times are medians over interleaved rounds after warm-up; `x std` is the median over "
        "rounds of the ratio to `standard` timed in the same round; `n` is the number of "
        "timed rounds.",
    ]
    if results["mode"] == "quick":
        lines += [
            "",
            "**Quick run: tiny shapes, a smoke test; its verdicts are not measurements.**",
        ]
    return lines


def _targets(verdicts: list[dict[str, Any]]) -> list[str]:
    rows = [[v["target"], v["threshold"], _num(v["measured"]), v["status"]] for v in verdicts]
    return ["## Targets", "", *_table(["target", "threshold", "measured", "status"], rows)]


def _convs(section: dict[str, Any]) -> list[str]:
    s = section["settings"]
    title = (
        f"## One conv per variant (N={s['batch']}, {s['channels']} -> {s['channels']}, "
        f"{s['size']}x{s['size']}, k={s['kernel_size']}, channels-last)"
    )
    header = [
        "variant",
        "stride",
        "params",
        "GFLOPs",
        "fwd ms",
        "fwd x std",
        "fwd+bwd ms",
        "fwd+bwd x std",
        "peak MB fwd+bwd",
        "target",
        "n",
    ]
    rows = [
        [
            r["variant"],
            r["stride"],
            f"{r['params']:,}",
            _num(r["flops"] / 1e9),
            _num(r["forward_ms"]),
            f"{r['forward_ratio']:.2f}",
            _num(r["fwd_bwd_ms"]),
            f"**{r['fwd_bwd_ratio']:.2f}**",
            _num(r["peak_memory_mb"]),
            f"{r['target']} {r['status']}" if "target" in r else "",
            r["repeats"],
        ]
        for r in section["rows"]
    ]
    compiled = _add_compiled_columns(header, rows, section["rows"], at=8)
    return [
        title,
        "",
        *_table(header, rows),
        "",
        "FLOPs: forward, 2 per multiply-accumulate (`torch.utils.flop_counter`); deformable adds "
        "4 MACs of bilinear sampling per sampled value. "
        f"Peak memory: {section['memory_method']}",
        *compiled,
    ]


def _add_compiled_columns(
    header: list[str], rows: list[list[Any]], measured: Sequence[dict[str, Any]], at: int
) -> list[str]:
    """Insert the compiled ratios and compile time at column ``at`` when ``measured`` has
    them; returns the note that explains them (none when eager only)."""
    if "compiled_fwd_bwd_ms" not in measured[0]:
        return []
    header[at:at] = ["compiled fwd x std", "compiled fwd+bwd x std", "compile s"]
    for row, r in zip(rows, measured, strict=True):
        row[at:at] = [
            f"{r['compiled_forward_ratio']:.2f}",
            f"**{r['compiled_fwd_bwd_ratio']:.2f}**",
            f"{r['compile_s']:.0f}",
        ]
    return [
        "Compiled: the layer under `torch.compile`, timed in the same rounds; its ratios are to "
        "the eager standard conv; compile s is the first call of both modes."
    ]


def _upsampling(section: dict[str, Any]) -> list[str]:
    s = section["settings"]
    size = s["size"]
    title = (
        f"## Upsampling layers (N={s['batch']}, {s['channels']} -> {s['channels']}, "
        f"output {size}x{size}, channels-last)"
    )
    header = [
        "layer",
        "input",
        "params",
        "GFLOPs",
        "FLOPs x std",
        "fwd ms",
        "fwd x std",
        "fwd+bwd ms",
        "fwd+bwd x std",
        "peak MB fwd+bwd",
        "n",
    ]
    rows = [
        [
            r["layer"],
            f"{r['input_size']}x{r['input_size']}",
            f"{r['params']:,}",
            _num(r["flops"] / 1e9),
            f"{r['flop_ratio']:.2f}",
            _num(r["forward_ms"]),
            f"{r['forward_ratio']:.2f}",
            _num(r["fwd_bwd_ms"]),
            f"**{r['fwd_bwd_ratio']:.2f}**",
            _num(r["peak_memory_mb"]),
            r["repeats"],
        ]
        for r in section["rows"]
    ]
    compiled = _add_compiled_columns(header, rows, section["rows"], at=9)
    return [
        title,
        "",
        *_table(header, rows),
        "",
        f"`standard`: the standard block's {s['kernel_size']}x{s['kernel_size']} conv at stride "
        f"1 with the same output ({size}x{size} -> {size}x{size}), the reference of every `x std`. "
        "Each upsampler is `create_upsample(name, C, C, scale=2)`, as the decoder builds it. "
        "FLOPs: forward, 2 per multiply-accumulate (`torch.utils.flop_counter`). "
        f"Peak memory: {section['memory_method']}",
        *compiled,
    ]


def _training(section: dict[str, Any]) -> list[str]:
    s = section["settings"]
    header = ["block", "params", "GFLOPs/image fwd", "step ms", "images/s", "time x std", "n"]
    rows = [
        [
            r["block"],
            f"{r['params']:,}",
            _num(r["gflops_per_image"]),
            _num(r["step_ms"]),
            _num(r["images_per_s"]),
            f"**{r['time_ratio']:.2f}**",
            r["repeats"],
        ]
        for r in section["rows"]
    ]
    e = section["efficiency"]
    k = e["kernel"]
    shape = "x".join(map(str, k["input_shape"]))
    kernel = (
        f"{k['input_shape'][1]} -> {k['out_channels']}, k={k['kernel_size'][0]}, "
        f"stride {k['stride'][0]}, dilation {k['dilation'][0]}, input {shape}"
    )
    return [
        f"## Training step of the default generator ({s['size']}x{s['size']}, batch {s['batch']})",
        "",
        *_table(header, rows),
        "",
        f"Kernel efficiency: the standard step does {e['step_flops'] / 1e9:,.1f} GFLOP "
        f"(forward, losses, backward) at a nominal **{_num(e['step_gflops_per_s'])} GFLOP/s**; a "
        f"lone `nn.Conv2d` forward+backward at the generator's heaviest conv shape ({kernel}, "
        f"channels-last) runs at {_num(e['kernel_gflops_per_s'])} GFLOP/s: "
        f"**{e['percent_of_kernel']:.0f}%** (paired per round). `torch.mm` "
        f"{e['mm_size']}x{e['mm_size']} float32: {_num(e['mm_gflops_per_s'])} GFLOP/s.",
        *_compiled_efficiency(e),
        *_profile(section.get("profile")),
    ]


def _compiled_efficiency(e: dict[str, Any]) -> list[str]:
    if "compiled_percent_of_kernel" not in e:
        return []
    return [
        "",
        f"With its generator under `torch.compile` (compiled in {e['compile_s']:.0f} s), the "
        f"standard step reaches **{e['compiled_percent_of_kernel']:.0f}%** of the lone conv's "
        "nominal FLOP/s.",
    ]


def _profile(profile: dict[str, Any] | None) -> list[str]:
    if profile is None:
        return []
    rows = [
        [f"`{op['name']}`", _num(op["self_ms"]), f"{op['percent']:.1f}", op["calls"]]
        for op in profile["ops"]
    ]
    return [
        "",
        f"Profile of one standard step ({_num(profile['total_ms'])} ms self CPU time in all):",
        "",
        *_table(["operator", "self ms", "%", "calls"], rows),
    ]


def _inference(section: dict[str, Any]) -> list[str]:
    sizes = section["settings"]["sizes"]
    by_method: dict[str, dict[int, dict[str, Any]]] = {}
    for r in section["rows"]:
        by_method.setdefault(r["method"], {})[r["size"]] = r
    header = ["method"]
    for size in sizes:
        header += [f"{size}x{size} ms", "x ref"]
    rows = []
    for method, cells in by_method.items():
        row: list[Any] = [method]
        for size in sizes:
            row += [_num(cells[size]["latency_ms"]), f"{cells[size]['ratio']:.2f}"]
        rows.append(row)
    return [
        "## Inference latency (batch 1)",
        "",
        f"Models: {section['models']}. `x ref`: ratio to `{section['reference']}`.",
        "",
        *_table(header, rows),
    ]


def _masks(section: dict[str, Any]) -> list[str]:
    size = section["settings"]["size"]
    rows = [
        [r["generator"], _num(r["masks_per_s"]), _num(r["ms_per_mask"]), r["repeats"]]
        for r in section["rows"]
    ]
    return [
        f"## Mask generation ({size}x{size}, one thread)",
        "",
        *_table(["generator", "masks/s", "ms/mask", "n"], rows),
    ]


def _data(section: dict[str, Any]) -> list[str]:
    s = section["settings"]
    rows = [
        [r["pipeline"], r["workers"], _num(r["samples_per_s"]), _num(r["ms_per_batch"])]
        for r in section["rows"]
    ]
    return [
        f"## Training data path ({s['size']}x{s['size']} crops, batches of {s['batch']})",
        "",
        "Random resized crops of the embedded photos with the mixture masks; the CPU loader "
        "timed after its first batch (worker start-up).",
        "",
        *_table(["pipeline", "workers", "samples/s", "ms/batch"], rows),
    ]


SECTIONS = {
    "convs": _convs,
    "upsampling": _upsampling,
    "training": _training,
    "inference": _inference,
    "masks": _masks,
    "data": _data,
}


def render_markdown(results: dict[str, Any]) -> str:
    """The results as markdown: machine and command, targets (when the sections run have any),
    then one table per section."""
    lines = _machine(results)
    if results["targets"]:
        lines += ["", *_targets(results["targets"])]
    for name, render in SECTIONS.items():
        if name in results:
            lines += ["", *render(results[name])]
    return "\n".join(lines) + "\n"
