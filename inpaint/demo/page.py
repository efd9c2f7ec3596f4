"""The demo page: paint over a photo, pick a model, inpaint, download the result."""

from __future__ import annotations

import gradio as gr
from PIL import Image

from inpaint.data.image_io import DEFAULT_MAX_PIXELS
from inpaint.demo.inference import DemoError, ModelCache, inpaint_request

INSTRUCTIONS = """\
### Inpaint by painting

Drop a photo on the editor (or click it), paint over what should go (the brush size is in the
brush menu; undo and clear are in the editor's toolbar), or upload a mask file instead (white =
hole). The result keeps every unpainted pixel and has the photo's full size: download it as a
PNG from its corner. Photos over 768 px are inpainted in crops around the painted parts."""


def build_page(
    models: ModelCache,
    default_model: str,
    max_queue: int = 8,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> gr.Blocks:
    """The page for `models`; its button is also the API endpoint ``/inpaint`` (photo editor
    value, mask file, model name -> result, mask used). One request is inpainted at a time
    (each may need most of the memory) and at most `max_queue` wait; more are refused with
    Gradio's "queue is full, try again" message. Photos of more than `max_pixels` are refused:
    Gradio decodes the uploads with Pillow, whose limit is set to refuse above it (Pillow
    refuses above twice its ``MAX_IMAGE_PIXELS``), and the request checks it again."""
    Image.MAX_IMAGE_PIXELS = max_pixels // 2

    def run(editor, mask_file, model_name):
        try:
            return inpaint_request(models, model_name, editor, mask_file, max_pixels)
        except DemoError as error:
            raise gr.Error(str(error), print_exception=False) from error

    with gr.Blocks(title="inpaint demo", analytics_enabled=False) as page:
        gr.Markdown(INSTRUCTIONS)
        with gr.Row():
            with gr.Column():
                editor = gr.ImageEditor(
                    label="photo: paint the hole",
                    type="pil",
                    image_mode="RGBA",  # the painted layers' alpha is the hole
                    sources=["upload", "clipboard"],
                    brush=gr.Brush(colors=["#ff00ff"], color_mode="fixed"),
                    transforms=(),
                    layers=False,
                    format="png",
                    elem_id="photo-editor",
                )
                mask_file = gr.File(label="or a mask file (white = hole)", elem_id="mask-file")
                model = gr.Dropdown(
                    sorted(models.choices), value=default_model, label="model", elem_id="model"
                )
                button = gr.Button("Inpaint", variant="primary", elem_id="inpaint-button")
            with gr.Column():
                result = gr.Image(
                    label="result",
                    type="pil",
                    format="png",
                    interactive=False,
                    buttons=["download", "fullscreen"],  # no "share": nothing leaves the machine
                    elem_id="result",
                )
                used_mask = gr.Image(
                    label="mask used (white = hole)",
                    type="pil",
                    format="png",
                    interactive=False,
                    buttons=["download", "fullscreen"],
                    elem_id="used-mask",
                )
        button.click(
            run, inputs=[editor, mask_file, model], outputs=[result, used_mask], api_name="inpaint"
        )
    page.queue(max_size=max_queue, default_concurrency_limit=1)
    return page
