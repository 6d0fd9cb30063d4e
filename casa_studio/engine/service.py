"""InferenceService: one loaded model on one device; style codes in, RGB images out.

Only one thread may use a service at a time (the render worker owns it).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.engine.device import Placement, placement
from casa_studio.engine.errors import EngineError
from casa_studio.engine.recipes import StyleCodes, present_classes
from casa_studio.engine.shapes import ShapeLatents
from casa_studio.model.checkpoint import ModelInfo, load_mean_styles, load_model
from casa_studio.model.config import GeneratorConfig
from casa_studio.model.errors import CheckpointError
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.ops import one_hot
from casa_studio.model.segmenter import SEGMENTER_CONFIG, Segmenter, load_segmenter

STYLE_CACHE_SIZE = 16


class InferenceService:
    """Style encoding, noise styles, rendering, shape edits and attention maps for one model."""

    def __init__(self, model: CA2SISGenerator, info: ModelInfo, where: Placement) -> None:
        # Whole-model low precision (GroupNorms in ResBlocks still compute in fp32): on CPU
        # this avoids autocast's cast copies of every large activation.
        self.model = model.eval().to(where.device, where.dtype)
        self.info = info
        self.placement = where
        self._shapes = ShapeLatents(self.model)
        self._styles: OrderedDict[str, StyleCodes] = OrderedDict()
        self._mean: torch.Tensor | None = None
        self._segmenter: Segmenter | None = None

    @classmethod
    def load(
        cls, folder: Path | str, device: str = "auto", precision: str = "auto"
    ) -> InferenceService:
        """Load a model folder; CheckpointError becomes EngineError with the same message."""
        where = placement(device, precision)
        try:
            model, info = load_model(folder, where.device)
            mean = load_mean_styles(folder, info.config)
        except CheckpointError as exc:
            raise EngineError(str(exc)) from exc
        service = cls(model, info, where)
        service._mean = mean
        return service

    @property
    def config(self) -> GeneratorConfig:
        return self.model.config

    @property
    def has_mapping(self) -> bool:
        return self.model.noise_encoder is not None

    # --- inputs -------------------------------------------------------------------------------

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

    def _labels_tensor(self, labels: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(self.check_labels(labels).astype(np.int64)).to(
            self.placement.device
        )

    def _onehot(self, labels: np.ndarray) -> torch.Tensor:
        return one_hot(
            self._labels_tensor(labels)[None], self.config.num_classes, self.placement.dtype
        )

    def _image_tensor(self, image: np.ndarray) -> torch.Tensor:
        if image.shape != (*self.config.output_hw, 3) or image.dtype != np.uint8:
            raise EngineError(
                f"style image must be uint8 {self.config.output_hw} RGB, "
                f"got {image.dtype} {image.shape}"
            )
        t = torch.from_numpy(np.ascontiguousarray(image)).to(self.placement.device)
        return ((t.permute(2, 0, 1)[None].float() / 127.5) - 1.0).to(self.placement.dtype)

    # --- style codes --------------------------------------------------------------------------

    def encode_styles(self, image: np.ndarray, labels: np.ndarray) -> StyleCodes:
        """Per-class tokens of `image` pooled over its `labels` (cached by content)."""
        key = hashlib.blake2b(image.tobytes() + labels.astype(np.int64).tobytes()).hexdigest()
        if key in self._styles:
            self._styles.move_to_end(key)
            return self._styles[key]
        with torch.inference_mode():
            tokens = self.model.encode_styles(self._image_tensor(image), self._onehot(labels))
        codes = StyleCodes(tokens[0].float().cpu().numpy(), present_classes(labels))
        self._styles[key] = codes
        if len(self._styles) > STYLE_CACHE_SIZE:
            self._styles.popitem(last=False)
        return codes

    def noise_styles(self, seed: int, labels: np.ndarray | None = None) -> StyleCodes:
        """Tokens from the mapping network for `seed`; classes absent from `labels` are zeroed."""
        if not self.has_mapping:
            raise EngineError(
                f"model '{self.config.name}' has no mapping network: no random styles"
            )
        gen = torch.Generator().manual_seed(int(seed))
        w = torch.randn(1, self.config.mapping_dim, generator=gen)
        w = w.to(self.placement.device, self.placement.dtype)
        present = (
            present_classes(labels)
            if labels is not None
            else frozenset(range(self.config.num_classes))
        )
        mask = torch.zeros(
            1, self.config.num_classes, dtype=torch.bool, device=self.placement.device
        )
        mask[0, sorted(present)] = True
        with torch.inference_mode():
            tokens = self.model.map_noise(w, mask)
        return StyleCodes(tokens[0].float().cpu().numpy(), present)

    def noise_rows(self, classes: Sequence[int], seeds: Sequence[int]) -> np.ndarray:
        """Row i: class `classes[i]`'s token from the mapping network with seed `seeds[i]`
        (a class's token depends only on its seed, so each class can have its own)."""
        rows = np.empty((len(classes), self.config.token_dim), np.float32)
        for seed in set(seeds):
            tokens = self.noise_styles(seed).tokens
            for i, (c, s) in enumerate(zip(classes, seeds, strict=True)):
                if s == seed:
                    rows[i] = tokens[c]
        return rows

    def typical_styles(self) -> StyleCodes:
        """The dataset's mean style per class when the folder has them, else the defaults."""
        if self._mean is not None:
            return StyleCodes(self._mean.numpy(), frozenset(range(self.config.num_classes)))
        return self.default_styles()

    def default_styles(self) -> StyleCodes:
        """The learned token every class gets when the style source lacks it."""
        with torch.inference_mode():
            tokens = self.model.style_encoder.default_tokens()
        return StyleCodes(tokens.float().cpu().numpy(), frozenset())

    @property
    def has_segmenter(self) -> bool:
        return (self.info.path / SEGMENTER_CONFIG).is_file()

    def segment(self, image: np.ndarray) -> np.ndarray:
        """Labels (H, W) uint8 for a model-size RGB photo from the folder's segmenter."""
        if self._segmenter is None:
            try:
                segmenter = load_segmenter(self.info.path, self.config.num_classes)
            except CheckpointError as exc:
                raise EngineError(str(exc)) from exc
            if segmenter is None:
                raise EngineError(
                    f"model '{self.config.name}' has no reference segmenter: "
                    "give the reference's label map instead"
                )
            self._segmenter = segmenter.to(self.placement.device)
        with torch.inference_mode():
            logits = self._segmenter(self._image_tensor(image).float())
        return logits[0].argmax(0).to(torch.uint8).cpu().numpy()

    # --- decoding -----------------------------------------------------------------------------

    def shape_latents(self, labels: np.ndarray, edits: Sequence[ShapeEdit] = ()) -> torch.Tensor:
        """z (1, shape_channels, lh, lw) for `labels`, with shape edits (recipes 4 and 6)."""
        z = self._shapes.latents(self._labels_tensor(labels))
        offset = 1 if self.config.exclude_bg else 0
        for edit in edits:
            name = self.config.classes[edit.class_id].name
            if edit.class_id < offset:
                raise EngineError(f"'{name}' has no shape of its own (background is implicit)")
            if not np.any(edit.reference == edit.class_id) or not np.any(labels == edit.class_id):
                raise EngineError(
                    f"'{name}' must have pixels in both the labels and the shape reference"
                )
            ref_z = self.model.embed_shapes(self._onehot(edit.reference))[0]
            row = edit.class_id - offset
            z[row] = edit.alpha * z[row] + (1.0 - edit.alpha) * ref_z[row]
        return z[None]

    def _tokens_tensor(self, tokens: np.ndarray) -> torch.Tensor:
        expected = (self.config.num_classes, self.config.token_dim)
        if tokens.shape != expected:
            raise EngineError(f"style tokens are {tokens.shape}, the model needs {expected}")
        t = torch.from_numpy(np.ascontiguousarray(tokens, dtype=np.float32))[None]
        return t.to(self.placement.device, self.placement.dtype)

    def guide(self, labels: np.ndarray, locality: float) -> torch.Tensor | None:
        """Cross-attention bias towards each pixel's painted class: `locality` x one-hot
        labels (None at 0: the paper's exact forward)."""
        if locality < 0:
            raise EngineError(f"locality must be 0 or more, got {locality:g}")
        return None if locality == 0 else self._onehot(labels) * locality

    def render(
        self,
        labels: np.ndarray,
        tokens: np.ndarray,
        edits: Sequence[ShapeEdit] = (),
        *,
        locality: float = 0.0,
    ) -> np.ndarray:
        """Generate an RGB uint8 (H, W, 3) image; `locality` > 0 keeps each class's style
        nearer its own painted region (attention guidance)."""
        with torch.inference_mode():
            image, _ = self.model.decode(
                self.shape_latents(labels, edits),
                self._tokens_tensor(tokens),
                guide=self.guide(labels, locality),
            )
        return to_uint8(image[0])

    def render_with_attention(
        self,
        labels: np.ndarray,
        tokens: np.ndarray,
        edits: Sequence[ShapeEdit] = (),
        *,
        locality: float = 0.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The image and where each class's style is used: softmax over classes of the
        head-averaged logits of the last (full-resolution) stage, (classes, H, W) float32."""
        with torch.inference_mode():
            image, maps = self.model.decode(
                self.shape_latents(labels, edits),
                self._tokens_tensor(tokens),
                logits=True,
                guide=self.guide(labels, locality),
            )
        return to_uint8(image[0]), maps[-1][0].float().softmax(dim=0).cpu().numpy()

    def attention_maps(
        self, labels: np.ndarray, tokens: np.ndarray, edits: Sequence[ShapeEdit] = ()
    ) -> np.ndarray:
        """Per-class attention maps alone (see `render_with_attention`)."""
        return self.render_with_attention(labels, tokens, edits)[1]


def to_uint8(image: torch.Tensor) -> np.ndarray:
    """(3, H, W) in [-1, 1] → (H, W, 3) uint8, as the official `tensor2im`."""
    scaled = ((image.float() + 1.0) / 2.0).clamp(0.0, 1.0) * 255.0
    return scaled.byte().permute(1, 2, 0).cpu().numpy()
