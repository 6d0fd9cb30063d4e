"""ModelInputs: a loaded model's inputs checked and placed on its device — label maps of its
classes at its size, style photos, style tokens."""

from __future__ import annotations

import numpy as np
import torch

from casa_studio.engine.device import Placement, to_device
from casa_studio.engine.errors import EngineError
from casa_studio.model.config import GeneratorConfig
from casa_studio.model.ops import one_hot


class ModelInputs:
    def __init__(self, config: GeneratorConfig, where: Placement) -> None:
        self.config = config
        self.placement = where

    def check_labels(self, labels: np.ndarray) -> np.ndarray:
        """Labels must be (H, W) integer ids of this model's classes at its output size."""
        if labels.ndim != 2 or not np.issubdtype(labels.dtype, np.integer):
            raise EngineError(
                f"labels must be a 2-D integer array, got {labels.dtype} {labels.shape}"
            )
        if labels.shape != self.config.output_hw:
            raise EngineError(f"labels are {labels.shape}, the model needs {self.config.output_hw}")
        unknown = np.unique(labels[(labels < 0) | (labels >= self.config.num_classes)])
        if unknown.size:
            raise EngineError(
                f"labels hold ids {unknown.tolist()} unknown to this model "
                f"(classes 0..{self.config.num_classes - 1})"
            )
        return labels

    def labels(self, labels: np.ndarray) -> torch.Tensor:
        return to_device(self.check_labels(labels).astype(np.int64), self.placement)

    def onehot(self, labels: np.ndarray) -> torch.Tensor:
        return one_hot(self.labels(labels)[None], self.config.num_classes, self.placement.dtype)

    def image(self, image: np.ndarray) -> torch.Tensor:
        if image.shape != (*self.config.output_hw, 3) or image.dtype != np.uint8:
            raise EngineError(
                f"style image must be uint8 {self.config.output_hw} RGB, "
                f"got {image.dtype} {image.shape}"
            )
        t = to_device(image, self.placement)
        return ((t.permute(2, 0, 1)[None].float() / 127.5) - 1.0).to(self.placement.dtype)

    def check_tokens(self, tokens: np.ndarray) -> np.ndarray:
        expected = (self.config.num_classes, self.config.token_dim)
        if tokens.shape != expected:
            raise EngineError(f"style tokens are {tokens.shape}, the model needs {expected}")
        return np.asarray(tokens, dtype=np.float32)

    def tokens(self, tokens: np.ndarray) -> torch.Tensor:
        return to_device(self.check_tokens(tokens)[None], self.placement).to(self.placement.dtype)
