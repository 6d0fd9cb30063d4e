"""`models evaluate`: a model's quality figures on held-out scenes, for the reconstruction
(styles encoded from the real picture), the typical look and random styles, against the real
pictures of the same labels; a second real set calibrates the colour and patch figures."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from casa_studio.data.dataset import list_pairs
from casa_studio.data.errors import DataError
from casa_studio.data.synthetic import make_scene, world_classes
from casa_studio.model.config import GeneratorConfig
from casa_studio.persistence.images import read_labels, read_rgb
from casa_studio.training import figures as fig

SOURCES = ("real", "reconstruction", "typical", "random")
DIVERSITY_SEEDS = 3  # random styles of seeds i+1 … i+3 on the first scenes (batch seeds 1-3)
EDIT_MIN_SHARE = 0.01
MIN_REFERENCE = 2  # a locality edit changes a class covering at least this much


@dataclass(frozen=True, slots=True)
class Scene:
    image: np.ndarray  # (H, W, 3) uint8
    labels: np.ndarray  # (H, W) integer class ids


def world_scenes(seed: int, start: int, count: int, size: int) -> Iterator[Scene]:
    """Scenes start … start+count-1 of the procedural world `seed` (each depends only on
    (seed, index), so any subset is reproducible)."""
    for index in range(start, start + count):
        image, labels, _style = make_scene(seed, index, size)
        yield Scene(image, labels)


def folder_scenes(
    folder: Path, start: int, count: int, size: tuple[int, int], layout: str, split: str
) -> Iterator[Scene]:
    """Pairs start … start+count-1 (natural order) of a dataset folder, at model size."""
    for pair in list_pairs(folder, layout, split).pairs[start : start + count]:
        yield Scene(read_rgb(pair.image, size), read_labels(pair.labels, size))


REFERENCE_START = 100_000  # the second real set of a procedural world starts here


@dataclass(frozen=True, slots=True)
class HeldOut:
    """Where the held-out scenes come from: a dataset folder (the pairs after the first
    `count` are the second real set) or the procedural world `world_seed`."""

    data: Path | None
    world_seed: int
    count: int
    reference: int

    def scenes(
        self, config: GeneratorConfig, layout: str = "auto", split: str = "test"
    ) -> tuple[Iterator[Scene], Iterator[Scene]]:
        """(held-out scenes, second real set), lazily; the world needs the world's classes."""
        if self.data is not None:
            size = config.output_hw
            return (
                folder_scenes(self.data, 0, self.count, size, layout, split),
                folder_scenes(self.data, self.count, self.reference, size, layout, split),
            )
        if [c.name for c in config.classes] != [c["name"] for c in world_classes()]:
            raise DataError(
                f"model '{config.name}' does not have the procedural world's classes: give --data"
            )
        side = config.output_hw[0]
        return (
            world_scenes(self.world_seed, 0, self.count, side),
            world_scenes(self.world_seed, REFERENCE_START, self.reference, side),
        )

    def describe(self) -> str:
        return str(self.data) if self.data else f"procedural world seed {self.world_seed}"


class Styles(Protocol):
    @property
    def tokens(self) -> np.ndarray: ...


class Subject(Protocol):
    """What is evaluated; `engine.service.InferenceService` is one."""

    @property
    def has_mapping(self) -> bool: ...
    @property
    def has_segmenter(self) -> bool: ...
    def encode_styles(
        self, image: np.ndarray, labels: np.ndarray, fit: int | None = None
    ) -> Styles: ...
    def typical_styles(self) -> Styles: ...
    def noise_styles(self, seed: int, labels: np.ndarray | None = None) -> Styles: ...
    def render(
        self, labels: np.ndarray, tokens: np.ndarray, *, locality: float = 0.0
    ) -> np.ndarray: ...
    def render_with_attention(
        self, labels: np.ndarray, tokens: np.ndarray, *, locality: float = 0.0
    ) -> tuple[np.ndarray, np.ndarray]: ...
    def segment(self, image: np.ndarray) -> np.ndarray: ...


@dataclass
class SourceStats:
    """Running sums for one kind of picture (real, reconstruction, …)."""

    num_classes: int
    high_frequency: float = 0.0
    texture: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    colours: dict[int, list[np.ndarray]] = field(default_factory=lambda: defaultdict(list))
    patches: list[list[np.ndarray]] = field(default_factory=lambda: [[], []])
    semantic: fig.ConfusionIoU | None = None
    attention: fig.ConfusionIoU | None = None

    def add(self, image: np.ndarray, scene: Scene, rng: np.random.Generator, patches: int):
        self.high_frequency += fig.high_frequency_power(image)
        for c in np.unique(scene.labels):
            self.texture[int(c)] += fig.texture_energy(image, scene.labels == c)[0]
        for c, mean in fig.class_mean_colours(image, scene.labels).items():
            self.colours[c].append(mean)
        for level, band in enumerate(fig.laplacian_levels(image)):
            self.patches[level].append(fig.sample_patches(band, patches, rng))


@dataclass(frozen=True, slots=True)
class EvalOptions:
    locality: float = 0.0  # attention guidance of every render
    diversity_scenes: int = 20
    patches: int = 128  # Laplacian patches per picture and level
    seed: int = 0  # patch sampling and projections
    grow: int = 3  # px the edited class's region is dilated by for the locality figure


class Evaluation:
    """Accumulates the figures scene by scene; `figures()` reduces them."""

    def __init__(self, subject: Subject, class_names: Sequence[str], options: EvalOptions) -> None:
        self.subject = subject
        self.names = list(class_names)
        self.options = options
        self.rng = np.random.default_rng(options.seed)
        self.stats = {s: SourceStats(len(self.names)) for s in SOURCES}
        if subject.has_segmenter:
            for s in SOURCES:
                self.stats[s].semantic = fig.ConfusionIoU(len(self.names))
        self.stats["reconstruction"].attention = fig.ConfusionIoU(len(self.names))
        self.reference = SourceStats(len(self.names))
        self.donors: list[Scene] = []
        self.pair_distances: list[float] = []
        self.edits: list[tuple[int, float]] = []
        self.scenes = 0
        self.size = 0  # picture height, names the patch figures' scales

    # --- the second real set -------------------------------------------------------------------

    def add_reference(self, scene: Scene) -> None:
        self.reference.add(scene.image, scene, self.rng, self.options.patches)
        self.donors.append(scene)

    # --- one held-out scene ----------------------------------------------------------------------

    def add_scene(self, scene: Scene) -> None:
        s, g, i = self.subject, self.options.locality, self.scenes
        self.size = scene.labels.shape[0]
        own = s.encode_styles(scene.image, scene.labels, fit=0).tokens
        recon, attention = s.render_with_attention(scene.labels, own, locality=g)
        pictures = {
            "real": scene.image,
            "reconstruction": recon,
            "typical": s.render(scene.labels, s.typical_styles().tokens, locality=g),
        }
        if s.has_mapping:
            pictures["random"] = self._random(scene, i + 1)
        for name, picture in pictures.items():
            self._add_picture(name, picture, scene)
        att = self.stats["reconstruction"].attention
        if att is not None:
            att.add(attention.argmax(axis=0), scene.labels)
        if s.has_mapping and i < self.options.diversity_scenes:
            self._diversity(scene, pictures["random"], i + 1)
        self._locality_edit(scene, own, recon)
        self.scenes += 1

    def _random(self, scene: Scene, seed: int) -> np.ndarray:
        tokens = self.subject.noise_styles(seed, scene.labels).tokens
        return self.subject.render(scene.labels, tokens, locality=self.options.locality)

    def _add_picture(self, name: str, picture: np.ndarray, scene: Scene) -> None:
        stats = self.stats[name]
        stats.add(picture, scene, self.rng, self.options.patches)
        if stats.semantic is not None:
            stats.semantic.add(self.subject.segment(picture), scene.labels)

    def _diversity(self, scene: Scene, first: np.ndarray, seed: int) -> None:
        pictures = [first] + [self._random(scene, seed + k) for k in range(1, DIVERSITY_SEEDS)]
        for a in range(len(pictures)):
            for b in range(a + 1, len(pictures)):
                self.pair_distances.append(fig.picture_distance(pictures[a], pictures[b]))

    def _locality_edit(self, scene: Scene, own: np.ndarray, before: np.ndarray) -> None:
        """One class's style replaced by the same class's style of a real reference scene."""
        if not self.donors:
            return
        donor = self.donors[self.scenes % len(self.donors)]
        shares = [np.mean(x.labels == c) for x in (scene, donor) for c in range(len(self.names))]
        k = len(self.names)
        candidates = [c for c in range(k) if min(shares[c], shares[k + c]) >= EDIT_MIN_SHARE]
        if not candidates:
            return
        c = candidates[self.scenes % len(candidates)]
        tokens = own.copy()
        tokens[c] = self.subject.encode_styles(donor.image, donor.labels, fit=0).tokens[c]
        after = self.subject.render(scene.labels, tokens, locality=self.options.locality)
        share = fig.locality(before, after, scene.labels == c, self.options.grow)
        if share is not None:
            self.edits.append((c, share))

    # --- results ---------------------------------------------------------------------------------

    def figures(self) -> dict[str, object]:
        colour_ref = fig.ColourReference(self.reference.colours)
        sources = {
            name: self._source_figures(name, colour_ref)
            for name in SOURCES
            if self.stats[name].high_frequency > 0
        }
        dup = np.asarray(self.pair_distances)
        per_class: dict[str, list[float]] = defaultdict(list)
        for c, share in self.edits:
            per_class[self.names[c]].append(share)
        return {
            "scenes": self.scenes,
            "reference_scenes": len(self.donors),
            "locality_guidance": self.options.locality,
            "colour_threshold_de": colour_ref.threshold,
            "sources": sources,
            "seed_pairs": int(dup.size),
            "near_duplicate_pairs": float((dup < fig.DUPLICATE_DE).mean()) if dup.size else None,
            "pair_distance_median_de": float(np.median(dup)) if dup.size else None,
            "locality": float(np.mean([s for _, s in self.edits])) if self.edits else None,
            "locality_edits": len(self.edits),
            "locality_per_class": {n: float(np.mean(v)) for n, v in sorted(per_class.items())},
        }

    def _source_figures(self, name: str, colour_ref: fig.ColourReference) -> dict[str, object]:
        stats, real = self.stats[name], self.stats["real"]
        distances = colour_ref.distances(stats.colours)
        out: dict[str, object] = {
            "high_frequency": stats.high_frequency / real.high_frequency,
            "texture": {
                self.names[c]: stats.texture[c] / real.texture[c]
                for c in sorted(real.texture)
                if real.texture[c] > 0
            },
            "colours_outside": float((distances > colour_ref.threshold).mean()),
            "colour_median_de": float(np.median(distances)),
        }
        other = self.reference if name == "real" else real
        for level in range(2):
            mine, theirs = (
                np.concatenate(stats.patches[level]),
                np.concatenate(other.patches[level]),
            )
            key = f"swd_{self.size >> level}"
            out[key] = fig.sliced_wasserstein(mine, theirs, self.options.seed)
        if stats.semantic is not None:
            out["semantic_miou"] = stats.semantic.mean()
        if stats.attention is not None:
            out["attention_miou"] = stats.attention.mean()
        return out


def evaluate(
    subject: Subject,
    class_names: Sequence[str],
    scenes: Iterable[Scene],
    reference: Iterable[Scene],
    options: EvalOptions = EvalOptions(),
    progress: Callable[[int], None] | None = None,
) -> dict[str, object]:
    """All figures; `progress(1)` after each reference and each held-out scene."""
    start = time.perf_counter()
    run = Evaluation(subject, class_names, options)
    for scene in reference:
        run.add_reference(scene)
        if progress:
            progress(1)
    if len(run.donors) < MIN_REFERENCE:
        raise DataError(
            f"the second real set has {len(run.donors)} scenes, the figures need at least "
            f"{MIN_REFERENCE} (a data folder needs that many pairs after the held-out ones)"
        )
    for scene in scenes:
        run.add_scene(scene)
        if progress:
            progress(1)
    if not run.scenes:
        raise DataError("no held-out scenes to evaluate")
    return run.figures() | {"seconds": time.perf_counter() - start}
