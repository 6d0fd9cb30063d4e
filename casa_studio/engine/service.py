"""InferenceService: one loaded model on one device; style tokens in, RGB images out. What
the model offers besides decoding lives with its owner: `styles` (engine/model_styles.py:
typical, looks, random styles), `references` (engine/references.py: style photos' tokens and
labels), `inputs` (engine/model_inputs.py: checked, placed inputs).

Only one thread may use a service at a time (the render worker owns it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.engine.device import Placement, memory_errors, placement, to_device
from casa_studio.engine.errors import EngineError
from casa_studio.engine.model_inputs import ModelInputs
from casa_studio.engine.model_styles import ModelStyles
from casa_studio.engine.references import References
from casa_studio.engine.shapes import ShapeLatents
from casa_studio.engine.style_fit import Progress, default_fit_steps, fit_styles
from casa_studio.engine.style_tokens import StyleTokens
from casa_studio.model.attention import guide_bias
from casa_studio.model.checkpoint import ModelInfo, load_mean_styles, load_model
from casa_studio.model.config import GeneratorConfig
from casa_studio.model.errors import CheckpointError
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.look_bank import LookBank
from casa_studio.model.ops import one_hot

log = logging.getLogger(__name__)

Frame = tuple[np.ndarray, np.ndarray, Sequence[ShapeEdit]]  # labels, tokens, shape edits


class InferenceService:
    """Rendering (with shape edits, attention guidance and attention maps) for one model."""

    def __init__(
        self,
        model: CA2SISGenerator,
        info: ModelInfo,
        where: Placement,
        mean: torch.Tensor | None = None,
        bank: LookBank | None = None,
    ) -> None:
        # Whole-model low precision (GroupNorms in ResBlocks still compute in fp32): on CPU
        # this avoids autocast's cast copies of every large activation.
        self.model = model.eval().to(where.device, where.dtype)
        self.info = info
        self.placement = where
        self.inputs = ModelInputs(self.model.config, where)
        self.styles = ModelStyles(self.model, where, mean, bank)
        self.references = References(self.model, self.inputs, info.path)
        self._shapes = ShapeLatents(self.model)

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
            log.warning("%s: look bank made for other weights: ignored (build-looks)", folder)
            bank = None
        return cls(model, info, where, mean, bank)

    def compile_decoder(self, mode: str = "default") -> None:
        """torch.compile the decoder (mode "reduce-overhead" adds CUDA graphs). Off unless
        asked: whether it pays for its compile time is measured by bench/gpu_render.py."""
        self.model.decode = torch.compile(self.model.decode, mode=mode)  # type: ignore[method-assign]

    @property
    def config(self) -> GeneratorConfig:
        return self.model.config

    def reference_styles(
        self,
        image: np.ndarray,
        labels: np.ndarray,
        fit: int | None = None,
        progress: Progress | None = None,
    ) -> StyleTokens:
        """A style photo's tokens over its `labels`, fitted to its colours in `fit` steps
        (None: the model's default, none for official imports; engine/style_fit.py)."""
        steps = default_fit_steps(self.config.name) if fit is None else fit

        def refine(encoded: StyleTokens) -> StyleTokens:
            return fit_styles(self, image, labels, encoded, steps, progress)

        return self.references.encode_styles(image, labels, steps, refine if steps else None)

    # --- decoding -----------------------------------------------------------------------------

    def shape_latents(self, labels: np.ndarray, edits: Sequence[ShapeEdit] = ()) -> torch.Tensor:
        """z (1, shape_channels, lh, lw) for `labels`, with shape edits (recipes 4 and 6)."""
        z = self._shapes.latents(self.inputs.labels(labels))
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
            ref_z = self.model.embed_shapes(self.inputs.onehot(edit.reference))[0]
            row = edit.class_id - offset
            z[row] = edit.alpha * z[row] + (1.0 - edit.alpha) * ref_z[row]
        return z

    def _size(self, count: int = 1) -> str:
        h, w = self.config.output_hw
        return f"rendering {count} image{'s' if count > 1 else ''} of {w}x{h}"

    def guide(self, onehot: torch.Tensor, locality: float | None) -> torch.Tensor | None:
        """Cross-attention bias towards each pixel's painted class: `locality` x the one-hot
        labels (None at 0: the paper's exact forward); `locality` None is the model's default
        (`GeneratorConfig.default_locality`)."""
        strength = self.config.default_locality if locality is None else locality
        if strength < 0:
            raise EngineError(f"locality must be 0 or more, got {strength:g}")
        return guide_bias(onehot, strength)

    @contextmanager
    def decoding(
        self,
        labels: np.ndarray,
        tokens: np.ndarray,
        edits: Sequence[ShapeEdit] = (),
        locality: float | None = None,
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]]:
        """The decoder's inputs for one image — shape latents, tokens, guidance — inside
        inference mode, with running out of memory said in words (the renders and the live
        preview's fast path decode from here)."""
        with torch.inference_mode(), memory_errors(self.placement, self._size()):
            z = self.shape_latents(labels, edits)
            yield z, self.inputs.tokens(tokens), self.guide(self.inputs.onehot(labels), locality)

    def render(
        self,
        labels: np.ndarray,
        tokens: np.ndarray,
        edits: Sequence[ShapeEdit] = (),
        *,
        locality: float | None = None,
    ) -> np.ndarray:
        """Generate an RGB uint8 (H, W, 3) image; `locality` > 0 keeps each class's style
        nearer its own painted region (attention guidance), None: the model's default."""
        with self.decoding(labels, tokens, edits, locality) as (z, t, guide):
            image, _ = self.model.decode(z, t, guide=guide)
        return to_uint8(image[0])

    def render_batch(
        self, frames: Sequence[Frame], *, locality: float | None = None
    ) -> list[np.ndarray]:
        """Several images in one forward pass, the same pictures as `render` one by one; the
        host waits for the device once, for the whole batch."""
        return list(self.render_batch_on_device(frames, locality=locality).cpu().numpy())

    def render_batch_on_device(
        self, frames: Sequence[Frame], *, locality: float | None = None
    ) -> torch.Tensor:
        """(B, H, W, 3) uint8 on the device. Inputs are checked on the host and copied in
        two transfers; nothing in here waits for the device (checked on CUDA by the tests)."""
        labels = np.stack([self.inputs.check_labels(f[0]).astype(np.int64) for f in frames])
        tokens = np.stack([self.inputs.check_tokens(f[1]) for f in frames])
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
        locality: float | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The image and where each class's style is used: softmax over classes of the
        head-averaged logits of the last (full-resolution) stage, (classes, H, W) float32."""
        with self.decoding(labels, tokens, edits, locality) as (z, t, guide):
            image, maps = self.model.decode(z, t, logits=True, guide=guide)
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
