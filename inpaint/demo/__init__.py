"""``inpaint-demo``: a local web page to inpaint a photo by painting over it (Gradio)."""
