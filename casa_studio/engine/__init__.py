"""Inference: model loading on the best device, style tokens, rendering and editing recipes."""
