"""References: a style photo read by the model — its per-class style tokens (cached by
content) and, without a label map, its labels from the folder's reference segmenter."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from casa_studio.engine.errors import EngineError
from casa_studio.engine.model_inputs import ModelInputs
from casa_studio.engine.style_tokens import StyleTokens, present_classes
from casa_studio.model.errors import CheckpointError
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.segmenter import SEGMENTER_CONFIG, Segmenter, load_segmenter

STYLE_CACHE_SIZE = 16


class References:
    def __init__(self, model: CA2SISGenerator, inputs: ModelInputs, folder: Path) -> None:
        self.model = model
        self.inputs = inputs
        self.folder = folder
        self._styles: OrderedDict[str, StyleTokens] = OrderedDict()
        self._segmenter: Segmenter | None = None

    def encode_styles(
        self,
        image: np.ndarray,
        labels: np.ndarray,
        steps: int = 0,
        refine: Callable[[StyleTokens], StyleTokens] | None = None,
    ) -> StyleTokens:
        """Per-class tokens of `image` pooled over its `labels`, then `refine`d when given
        (the fit to the photo's colours, `steps` of it); cached by content and steps."""
        content = image.tobytes() + labels.astype(np.int64).tobytes() + steps.to_bytes(4)
        key = hashlib.blake2b(content).hexdigest()
        if key in self._styles:
            self._styles.move_to_end(key)
            return self._styles[key]
        with torch.inference_mode():
            tokens = self.model.encode_styles(self.inputs.image(image), self.inputs.onehot(labels))
        encoded = StyleTokens(tokens[0].float().cpu().numpy(), present_classes(labels))
        if refine is not None:
            encoded = refine(encoded)
        self._styles[key] = encoded
        if len(self._styles) > STYLE_CACHE_SIZE:
            self._styles.popitem(last=False)
        return encoded

    @property
    def has_segmenter(self) -> bool:
        return (self.folder / SEGMENTER_CONFIG).is_file()

    def segment(self, image: np.ndarray) -> np.ndarray:
        """Labels (H, W) uint8 for a model-size RGB photo from the folder's segmenter."""
        return np.asarray(self.segment_scores(image).argmax(0), np.uint8)

    def segment_scores(self, image: np.ndarray) -> np.ndarray:
        """The segmenter's class probabilities (classes, H, W) float32 for a photo."""
        config = self.model.config
        if self._segmenter is None:
            try:
                segmenter = load_segmenter(self.folder, config.num_classes)
            except CheckpointError as exc:
                raise EngineError(str(exc)) from exc
            if segmenter is None:
                raise EngineError(
                    f"model '{config.name}' has no reference segmenter: "
                    "give the reference's label map instead"
                )
            self._segmenter = segmenter.to(self.inputs.placement.device)
        with torch.inference_mode():
            logits = self._segmenter(self.inputs.image(image).float())
        return np.asarray(logits[0].softmax(0).float().cpu().numpy(), np.float32)
