"""InferenceService: one loaded model on one device; style tokens in, RGB images out.

Only one thread may use a service at a time (the render worker owns it).
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import with_typical
from casa_studio.engine.device import Placement, memory_errors, placement, to_device
from casa_studio.engine.errors import EngineError
from casa_studio.engine.recipes import StyleTokens, present_classes
from casa_studio.engine.shapes import ShapeLatents
from casa_studio.engine.style_fit import Progress, default_fit_steps, fit_styles
from casa_studio.model.attention import guide_bias
from casa_studio.model.checkpoint import ModelInfo, load_mean_styles, load_model
from casa_studio.model.config import GeneratorConfig
from casa_studio.model.errors import CheckpointError
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.look_bank import LookBank
from casa_studio.model.ops import one_hot
from casa_studio.model.segmenter import SEGMENTER_CONFIG, Segmenter, load_segmenter

STYLE_CACHE_SIZE = 16
log = logging.getLogger(__name__)

Frame = tuple[np.ndarray, np.ndarray, Sequence[ShapeEdit]]  # labels, tokens, shape edits


class InferenceService:
    """Style encoding, noise styles, rendering, shape edits and attention maps for one model."""

    def __init__(self, model: CA2SISGenerator, info: ModelInfo, where: Placement) -> None:
        # Whole-model low precision (GroupNorms in ResBlocks still compute in fp32): on CPU
        # this avoids autocast's cast copies of every large activation.
        self.model = model.eval().to(where.device, where.dtype)
        self.info = info
        self.placement = where
        self._shapes = ShapeLatents(self.model)
        self._styles: OrderedDict[str, StyleTokens] = OrderedDict()
        self._mean: torch.Tensor | None = None
        self.bank: LookBank | None = None  # real scenes' styles: random styles and looks
        self._segmenter: Segmenter | None = None

    @classmethod
    def load(
        cls, folder: Path | str, device: str = "auto", precision: str = "auto"
    ) -> InferenceService:
        """Load a model folder; CheckpointError becomes EngineError with the same message."""
        where, folder = placement(device, precision), Path(folder)
        try:
            model, info = load_model(folder, where.device)
            mean = load_mean_styles(folder, info.config)
            bank = LookBank.read(folder, info.config.num_classes, info.config.token_dim)
        except CheckpointError as exc:
            raise EngineError(str(exc)) from exc
        if bank is not None and bank.generator_sha256 not in ("", info.sha256):
            log.warning("%s: style bank made for other weights: ignored (build-looks)", folder)
            bank = None
        service = cls(model, info, where)
        service._mean = mean
        service.bank = bank
        return service

    def compile_decoder(self, mode: str = "default") -> None:
        """torch.compile the decoder (mode "reduce-overhead" adds CUDA graphs). Off unless
        asked: whether it pays for its compile time is measured by bench/gpu_render.py."""
        self.model.decode = torch.compile(self.model.decode, mode=mode)  # type: ignore[method-assign]

    @property
    def config(self) -> GeneratorConfig:
        return self.model.config

    @property
    def has_mapping(self) -> bool:
        return self.model.noise_encoder is not None

    @property
    def has_random(self) -> bool:
        """Random styles come from the style bank when the folder has one (real scenes'
        styles: plausible colours), else from the mapping network."""
        return self.bank is not None or self.has_mapping

    @property
    def looks(self) -> tuple[str, ...]:
        return () if self.bank is None else self.bank.names

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
        return to_device(self.check_labels(labels).astype(np.int64), self.placement)

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
        t = to_device(image, self.placement)
        return ((t.permute(2, 0, 1)[None].float() / 127.5) - 1.0).to(self.placement.dtype)

    # --- style tokens -------------------------------------------------------------------------

    def encode_styles(
        self,
        image: np.ndarray,
        labels: np.ndarray,
        fit: int | None = None,
        progress: Progress | None = None,
    ) -> StyleTokens:
        """Per-class tokens of `image` pooled over its `labels`, then `fit` steps fitting
        them to its colours (None: the model's default; engine.style_fit); cached by content."""
        steps = default_fit_steps(self.config.name) if fit is None else fit
        content = image.tobytes() + labels.astype(np.int64).tobytes() + bytes([steps])
        key = hashlib.blake2b(content).hexdigest()
        if key in self._styles:
            self._styles.move_to_end(key)
            return self._styles[key]
        with torch.inference_mode():
            tokens = self.model.encode_styles(self._image_tensor(image), self._onehot(labels))
        encoded = StyleTokens(tokens[0].float().cpu().numpy(), present_classes(labels))
        encoded = fit_styles(self, image, labels, encoded, steps, progress)
        self._styles[key] = encoded
        if len(self._styles) > STYLE_CACHE_SIZE:
            self._styles.popitem(last=False)
        return encoded

    def noise_styles(self, seed: int, labels: np.ndarray | None = None) -> StyleTokens:
        """Random styles for `seed`: the style bank's scene for it, or the mapping network's
        tokens (classes absent from `labels` zeroed)."""
        present = (
            present_classes(labels)
            if labels is not None
            else frozenset(range(self.config.num_classes))
        )
        if self.bank is not None:
            return StyleTokens(self._complete(self.bank.scene(self.bank.pick(seed))), present)
        if not self.has_mapping:
            raise EngineError(
                f"model '{self.config.name}' has no mapping network: no random styles"
            )
        gen = torch.Generator().manual_seed(int(seed))
        w = torch.randn(1, self.config.mapping_dim, generator=gen)
        w = w.to(self.placement.device, self.placement.dtype)
        mask = torch.zeros(
            1, self.config.num_classes, dtype=torch.bool, device=self.placement.device
        )
        mask[0, sorted(present)] = True
        with torch.inference_mode():
            tokens = self.model.map_noise(w, mask)
        return StyleTokens(tokens[0].float().cpu().numpy(), present)

    def noise_tokens(self, classes: Sequence[int], seeds: Sequence[int]) -> np.ndarray:
        """Token i: class `classes[i]`'s random token for seed `seeds[i]` (a class's token
        depends only on its seed, so each class can have its own)."""
        if self.bank is not None:
            return self._complete(self.bank.random_tokens(classes, seeds), classes)
        picked = np.empty((len(classes), self.config.token_dim), np.float32)
        for seed in set(seeds):
            tokens = self.noise_styles(seed).tokens
            for i, (c, s) in enumerate(zip(classes, seeds, strict=True)):
                if s == seed:
                    picked[i] = tokens[c]
        return picked

    def typical_styles(self) -> StyleTokens:
        """The style of classes left typical: the default look (a clear day) when the folder has
        a style bank, else the dataset's mean style per class, else the learned defaults."""
        if self.bank is not None and self.bank.default_look:
            return self.look_styles(self.bank.default_look)
        return self.mean_styles()

    def mean_styles(self) -> StyleTokens:
        if self._mean is not None:
            return StyleTokens(self._mean.numpy(), frozenset(range(self.config.num_classes)))
        return self.default_styles()

    def look_styles(self, name: str) -> StyleTokens:
        """A named look: one real scene's tokens for every class."""
        if self.bank is None:
            raise EngineError(f"model '{self.config.name}' has no style bank: no looks")
        try:
            tokens = self.bank.look(name)
        except CheckpointError as exc:
            raise EngineError(str(exc)) from exc
        return StyleTokens(self._complete(tokens), frozenset(range(self.config.num_classes)))

    def _complete(self, tokens: np.ndarray, classes: Sequence[int] | None = None) -> np.ndarray:
        """Bank tokens no scene had (NaN) become the mean style."""
        mean = self.mean_styles().tokens
        return with_typical(tokens, mean if classes is None else mean[list(classes)])

    def default_styles(self) -> StyleTokens:
        """The learned token every class gets when the style source lacks it."""
        with torch.inference_mode():
            tokens = self.model.style_encoder.default_tokens()
        return StyleTokens(tokens.float().cpu().numpy(), frozenset())

    @property
    def has_segmenter(self) -> bool:
        return (self.info.path / SEGMENTER_CONFIG).is_file()

    def segment(self, image: np.ndarray) -> np.ndarray:
        """Labels (H, W) uint8 for a model-size RGB photo from the folder's segmenter."""
        return self.segment_scores(image).argmax(0).astype(np.uint8)

    def segment_scores(self, image: np.ndarray) -> np.ndarray:
        """The segmenter's class probabilities (classes, H, W) float32 for a photo."""
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
        return logits[0].softmax(0).cpu().numpy()

    # --- decoding -----------------------------------------------------------------------------

    def shape_latents(self, labels: np.ndarray, edits: Sequence[ShapeEdit] = ()) -> torch.Tensor:
        """z (1, shape_channels, lh, lw) for `labels`, with shape edits (recipes 4 and 6)."""
        z = self._shapes.latents(self._labels_tensor(labels))
        return self._edited(z, labels, edits)[None]

    def _edited(
        self, z: torch.Tensor, labels: np.ndarray, edits: Sequence[ShapeEdit]
    ) -> torch.Tensor:
        """Rows of z (shape_channels, lh, lw) moved towards the edits' reference shapes."""
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
        return z

    def _check_tokens(self, tokens: np.ndarray) -> np.ndarray:
        expected = (self.config.num_classes, self.config.token_dim)
        if tokens.shape != expected:
            raise EngineError(f"style tokens are {tokens.shape}, the model needs {expected}")
        return np.asarray(tokens, dtype=np.float32)

    def _tokens_tensor(self, tokens: np.ndarray) -> torch.Tensor:
        return to_device(self._check_tokens(tokens)[None], self.placement).to(self.placement.dtype)

    def _size(self, count: int = 1) -> str:
        h, w = self.config.output_hw
        return f"rendering {count} image{'s' if count > 1 else ''} of {w}x{h}"

    @staticmethod
    def guide(onehot: torch.Tensor, locality: float) -> torch.Tensor | None:
        """Cross-attention bias towards each pixel's painted class: `locality` x the one-hot
        labels (None at 0: the paper's exact forward)."""
        if locality < 0:
            raise EngineError(f"locality must be 0 or more, got {locality:g}")
        return guide_bias(onehot, locality)

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
        with torch.inference_mode(), memory_errors(self.placement, self._size()):
            image, _ = self.model.decode(
                self.shape_latents(labels, edits),
                self._tokens_tensor(tokens),
                guide=self.guide(self._onehot(labels), locality),
            )
        return to_uint8(image[0])

    def render_batch(self, frames: Sequence[Frame], *, locality: float = 0.0) -> list[np.ndarray]:
        """Several images in one forward pass, the same pictures as `render` one by one; the
        host waits for the device once, for the whole batch."""
        return list(self.render_batch_on_device(frames, locality=locality).cpu().numpy())

    def render_batch_on_device(
        self, frames: Sequence[Frame], *, locality: float = 0.0
    ) -> torch.Tensor:
        """(B, H, W, 3) uint8 on the device. Inputs are checked on the host and copied in
        two transfers; nothing in here waits for the device (checked on CUDA by the tests)."""
        labels = np.stack([self.check_labels(f[0]).astype(np.int64) for f in frames])
        tokens = np.stack([self._check_tokens(f[1]) for f in frames])
        with torch.inference_mode(), memory_errors(self.placement, self._size(len(frames))):
            onehot = one_hot(
                to_device(labels, self.placement), self.config.num_classes, self.placement.dtype
            )
            z = self.model.embed_shapes(onehot)
            for i, (frame_labels, _, edits) in enumerate(frames):
                self._edited(z[i], frame_labels, edits)
            image, _ = self.model.decode(
                z, to_device(tokens, self.placement).to(z.dtype), guide=self.guide(onehot, locality)
            )
            return _scaled(image).permute(0, 2, 3, 1)

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
        with torch.inference_mode(), memory_errors(self.placement, self._size()):
            image, maps = self.model.decode(
                self.shape_latents(labels, edits),
                self._tokens_tensor(tokens),
                logits=True,
                guide=self.guide(self._onehot(labels), locality),
            )
        return to_uint8(image[0]), maps[-1][0].float().softmax(dim=0).cpu().numpy()

    def attention_maps(
        self, labels: np.ndarray, tokens: np.ndarray, edits: Sequence[ShapeEdit] = ()
    ) -> np.ndarray:
        """Per-class attention maps alone (see `render_with_attention`)."""
        return self.render_with_attention(labels, tokens, edits)[1]


def _scaled(image: torch.Tensor) -> torch.Tensor:
    """[-1, 1] → uint8 0..255, as the official `tensor2im` (same shape, same device)."""
    return (((image.float() + 1.0) / 2.0).clamp(0.0, 1.0) * 255.0).byte()


def to_uint8(image: torch.Tensor) -> np.ndarray:
    """(3, H, W) in [-1, 1] → (H, W, 3) uint8."""
    return _scaled(image).permute(1, 2, 0).cpu().numpy()
