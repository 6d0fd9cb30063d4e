"""ModelStyles: the style tokens a loaded model offers without a photo — its typical style,
its named looks and random styles (from its look bank, else its mapping network) — under one
rule: a class a source lacks gets the typical style, as `engine.styles.StyleResolver` gives it.
The typical style is the default look where it has the class, else the dataset's mean style,
else the learned default token."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from casa_studio.core.styles import with_typical
from casa_studio.engine.device import Placement
from casa_studio.engine.errors import EngineError
from casa_studio.engine.style_tokens import StyleTokens, present_classes
from casa_studio.model.errors import CheckpointError
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.look_bank import LookBank


class ModelStyles:
    def __init__(
        self,
        model: CA2SISGenerator,
        where: Placement,
        mean: torch.Tensor | None = None,
        bank: LookBank | None = None,
    ) -> None:
        self.model = model
        self.placement = where
        self.bank = bank  # real scenes' styles: random styles and looks
        self._mean = mean

    @property
    def has_mapping(self) -> bool:
        return self.model.noise_encoder is not None

    @property
    def has_random(self) -> bool:
        """Random styles come from the look bank when the folder has one (real scenes'
        styles: plausible colours), else from the mapping network."""
        return self.bank is not None or self.has_mapping

    @property
    def looks(self) -> tuple[str, ...]:
        return () if self.bank is None else self.bank.names

    @property
    def _all(self) -> frozenset[int]:
        return frozenset(range(self.model.config.num_classes))

    def typical_styles(self) -> StyleTokens:
        """The style of classes left typical: the default look (a clear day) when the folder has
        a look bank, the mean style for a class it lacks (and without a bank)."""
        bank = self.bank
        look = bank.look(bank.default_look) if bank is not None and bank.default_look else None
        return StyleTokens(with_typical(look, self.mean_styles().tokens), self._all)

    def mean_styles(self) -> StyleTokens:
        if self._mean is not None:
            return StyleTokens(self._mean.numpy(), self._all)
        return self.default_styles()

    def default_styles(self) -> StyleTokens:
        """The learned token every class gets when the style source lacks it."""
        with torch.inference_mode():
            tokens = self.model.style_encoder.default_tokens()
        return StyleTokens(tokens.float().cpu().numpy(), frozenset())

    def _complete(self, tokens: np.ndarray, classes: Sequence[int] | None = None) -> np.ndarray:
        """Bank tokens no scene had (NaN) become the typical style: the one rule."""
        typical = self.typical_styles().tokens
        return with_typical(tokens, typical if classes is None else typical[list(classes)])

    def look_styles(self, name: str) -> StyleTokens:
        """A named look: one real scene's tokens for every class."""
        if self.bank is None:
            raise EngineError(f"model '{self.model.config.name}' has no look bank: no looks")
        try:
            tokens = self.bank.look(name)
        except CheckpointError as exc:
            raise EngineError(str(exc)) from exc
        return StyleTokens(self._complete(tokens), self._all)

    def noise_styles(self, seed: int, labels: np.ndarray | None = None) -> StyleTokens:
        """Random styles for `seed`: the look bank's scene for it, or the mapping network's
        tokens (classes absent from `labels` zeroed)."""
        present = present_classes(labels) if labels is not None else self._all
        if self.bank is not None:
            return StyleTokens(self._complete(self.bank.scene(self.bank.pick(seed))), present)
        if not self.has_mapping:
            raise EngineError(
                f"model '{self.model.config.name}' has no mapping network: no random styles"
            )
        config, device = self.model.config, self.placement.device
        gen = torch.Generator().manual_seed(int(seed))
        w = torch.randn(1, config.mapping_dim, generator=gen).to(device, self.placement.dtype)
        mask = torch.zeros(1, config.num_classes, dtype=torch.bool, device=device)
        mask[0, sorted(present)] = True
        with torch.inference_mode():
            tokens = self.model.map_noise(w, mask)
        return StyleTokens(tokens[0].float().cpu().numpy(), present)

    def noise_tokens(self, classes: Sequence[int], seeds: Sequence[int]) -> np.ndarray:
        """Token i: class `classes[i]`'s random token for seed `seeds[i]` (a class's token
        depends only on its seed, so each class can have its own)."""
        if self.bank is not None:
            return self._complete(self.bank.random_tokens(classes, seeds), classes)
        picked = np.empty((len(classes), self.model.config.token_dim), np.float32)
        for seed in set(seeds):
            tokens = self.noise_styles(seed).tokens
            for i, (c, s) in enumerate(zip(classes, seeds, strict=True)):
                if s == seed:
                    picked[i] = tokens[c]
        return picked
