"""StyleResolver: the one place where style sources become style tokens, for the live
preview, batch export and the command line alike. Tokens are cached by (source, class), least
recently used first out, so a reroll of one class computes one token."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from casa_studio.core.styles import STORED, SourceKind, StyleSource
from casa_studio.engine.style_tokens import StyleTokens

CACHE_SIZE = 4096  # (source, class) tokens


class StyleModel(Protocol):
    """What a renderer offers to derive tokens from (`InferenceService`, the fake model)."""

    @property
    def has_random(self) -> bool: ...

    @property
    def looks(self) -> Sequence[str]: ...

    def typical_styles(self) -> StyleTokens: ...

    def look_styles(self, name: str) -> StyleTokens: ...

    def noise_tokens(self, classes: Sequence[int], seeds: Sequence[int]) -> np.ndarray: ...


class StyleResolver:
    """Sources → tokens for one model: typical, random (a seed), look (a name; another
    model's look gives the typical style), stored (its own tokens, the typical style for a
    class it lacks) and blends of two of them."""

    def __init__(self, model: StyleModel, size: int = CACHE_SIZE) -> None:
        self.model = model
        self.size = size
        self._cache: OrderedDict[tuple[StyleSource, int], np.ndarray] = OrderedDict()
        self.misses = 0  # tokens computed rather than found in the cache

    def tokens(self, sources: Sequence[StyleSource]) -> np.ndarray:
        """One token per class (`sources[c]` is class c's), float32 classes x width."""
        self._noise(sources)
        return np.stack([self.token(s, c) for c, s in enumerate(sources)]).astype(np.float32)

    def token(self, source: StyleSource, class_id: int) -> np.ndarray:
        key = (source, class_id)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        self.misses += 1
        token = self._derive(source, class_id)
        token.flags.writeable = False
        self._keep(key, token)
        return token

    def _keep(self, key: tuple[StyleSource, int], token: np.ndarray) -> None:
        self._cache[key] = token
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)

    def _derive(self, source: StyleSource, c: int) -> np.ndarray:
        kind = source.kind
        if kind is SourceKind.BLEND:
            start, target = source.parts
            a = source.amount
            return np.asarray(
                (1 - a) * self.token(start, c) + a * self.token(target, c), np.float32
            )
        if kind is SourceKind.RANDOM and source.seed is not None and self.model.has_random:
            return np.asarray(self.model.noise_tokens([c], [source.seed])[0], np.float32)
        if kind is SourceKind.LOOK and source.name in self.model.looks:
            return np.asarray(self.model.look_styles(source.name).tokens[c], np.float32)
        stored = source.token_for(c) if kind in STORED else None
        if stored is not None:
            return stored.astype(np.float32)
        return np.asarray(self.model.typical_styles().tokens[c], np.float32)

    def _noise(self, sources: Sequence[StyleSource]) -> None:
        """Every random token not cached yet, in one call to the model."""
        if not self.model.has_random:
            return
        wanted = {
            (leaf, c)
            for c, s in enumerate(sources)
            for leaf in s.leaves()
            if leaf.kind is SourceKind.RANDOM and leaf.seed is not None
        }
        missing = sorted((k for k in wanted if k not in self._cache), key=lambda k: k[1])
        if not missing:
            return
        self.misses += len(missing)
        fresh = self.model.noise_tokens(
            [c for _s, c in missing], [s.seed or 0 for s, _c in missing]
        )
        for key, token in zip(missing, fresh.astype(np.float32), strict=True):
            token.flags.writeable = False
            self._keep(key, token)


def reference_source(name: str, encoded: StyleTokens) -> StyleSource:
    """A reference photo's styles as a stored source: its token for each class it shows
    (NaN for the others, which a class reading it gets the typical style for)."""
    tokens = np.full_like(encoded.tokens, np.nan, dtype=np.float32)
    present = sorted(encoded.present)
    tokens[present] = encoded.tokens[present]
    return StyleSource.stored(SourceKind.REFERENCE, name, tokens)


def library_source(
    name: str, names: Sequence[str], tokens: np.ndarray, palette: Sequence[str]
) -> StyleSource:
    """A library style (`tokens[i]` for the class called `names[i]`) as a stored source for
    a palette: one token for any class when it has one, else one per palette class."""
    if len(names) == 1:
        return StyleSource.stored(SourceKind.LIBRARY, name, tokens[:1])
    by_name = dict(zip(names, tokens, strict=True))
    per_class = np.full((len(palette), tokens.shape[1]), np.nan, np.float32)
    for c, class_name in enumerate(palette):
        if class_name in by_name:
            per_class[c] = by_name[class_name]
    return StyleSource.stored(SourceKind.LIBRARY, name, per_class)
