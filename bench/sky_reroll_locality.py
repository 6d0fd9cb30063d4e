"""How local a one-class change stays at each attention guidance: on 12 held-out world scenes
(procedural world seed 2) the sky alone is rerolled (typical styles elsewhere, a random sky
seed) and the share of the picture's change inside the sky dilated 4 px is measured, per
guidance. Picks a model's default guidance (config.json `default_locality`) by the numbers.

    python bench/sky_reroll_locality.py [--model landscape-slim] [--guidance 0,1,2,4,...]
                                        [--json out.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from casa_studio.core.styles import SourceKind, StyleSource
from casa_studio.data.synthetic import make_scene
from casa_studio.engine.catalog import resolve_model
from casa_studio.engine.service import InferenceService
from casa_studio.engine.styles import StyleResolver
from casa_studio.training.figures import locality

SCENES = 12
GROW = 4  # px the sky is dilated by
MIN_SKY = 0.05  # a scene counts when the sky covers at least this share
TARGET = 0.9


def sky_scenes(side: int, count: int, world_seed: int = 2) -> list[np.ndarray]:
    """The first `count` scenes of the held-out world whose sky covers at least MIN_SKY."""
    found, index = [], 0
    while len(found) < count:
        _image, labels, _style = make_scene(world_seed, index, side)
        if np.mean(labels == 0) >= MIN_SKY:
            found.append(labels.astype(np.int64))
        index += 1
    return found


def shares(service: InferenceService, guidance: float, scenes: list[np.ndarray]) -> list[float]:
    resolver = StyleResolver(service.styles)
    sky = [c.name for c in service.config.classes].index("sky")
    out = []
    for i, labels in enumerate(scenes):
        typical = [StyleSource()] * service.config.num_classes
        rerolled = list(typical)
        rerolled[sky] = StyleSource(SourceKind.RANDOM, 1000 + i)
        before = service.render(labels, resolver.tokens(typical), locality=guidance)
        after = service.render(labels, resolver.tokens(rerolled), locality=guidance)
        share = locality(before, after, labels == sky, GROW)
        if share is not None:
            out.append(share)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="models/landscape-slim")
    parser.add_argument("--guidance", default="0,1,2,4,6,8,12,16")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    torch.set_num_threads(1)
    service = InferenceService.load(resolve_model(args.model), "cpu", "fp32")
    scenes = sky_scenes(service.config.output_hw[0], SCENES)
    rows = []
    print(f"sky reroll, {SCENES} scenes, share of the change inside the sky (+{GROW} px)")
    print("| guidance | mean | min | scenes >= 0.9 |")
    print("|---|---|---|---|")
    for g in (float(v) for v in args.guidance.split(",")):
        found = shares(service, g, scenes)
        rows.append(
            {
                "guidance": g,
                "mean": float(np.mean(found)),
                "min": float(np.min(found)),
                "shares": found,
            }
        )
        above = sum(s >= TARGET for s in found)
        print(f"| {g:g} | {np.mean(found):.3f} | {np.min(found):.3f} | {above}/{len(found)} |")
    if args.json:
        args.json.write_text(json.dumps({"scenes": SCENES, "grow": GROW, "runs": rows}, indent=2))


if __name__ == "__main__":
    main()
