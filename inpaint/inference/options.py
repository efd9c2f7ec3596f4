"""The choices inference offers, importable without torch (the command line lists them)."""

#: whole: the whole image through the network; crops: boxes around the holes only; auto: crops
#: for images whose longer side exceeds `WORKING_SIZE`
STRATEGIES = ("auto", "whole", "crops")
#: longest side the network works at in the crop strategy (unless ``max_size`` says otherwise),
#: and the image side above which ``strategy="auto"`` inpaints in crops
WORKING_SIZE = 768
#: pixels of context around each group of holes in the crop strategy (at least)
CROP_CONTEXT = 128
#: keep: the alpha comes back unchanged; hole: fully transparent pixels are holes too
ALPHA_RULES = ("keep", "hole")
#: torch: the PyTorch generator of a .safetensors file; onnxruntime: an .onnx export of it
BACKENDS = ("torch", "onnxruntime")
