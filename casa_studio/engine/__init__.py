"""Inference: model loading on the best device, style codes, rendering and editing recipes."""
