"""How well a real photograph's look carries over (issue 19), on the photos listed in
bench/real_photos/manifest.json with our own rough label maps beside it.

Per photo and labelled class: the sliced Wasserstein distance between the photo's CIELAB
colours and a render's (ΔE units). The render is of the photo's own hand label map with
  - default: the typical styles (no photo),
  - hand:    styles taken from the photo with the hand labels,
  - app:     styles taken from the photo with the app's own segmenter labels,
all through the app's path (encode_styles → reference_source → StyleResolver → render at
the default guidance). Also the segmenter's pixel accuracy on labelled pixels. Prints the
medians over photos x classes and each setting's worst photo (its median over classes).

The photos come from Debian packages, installed at bench time:
    apt-get install -y plasma-workspace-wallpapers mate-backgrounds
    PYTHONPATH=. python bench/real_photos.py [--model DIR] [--fit STEPS] [--save DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch

from casa_studio.core.styles import TYPICAL
from casa_studio.engine.colour_match import class_distances
from casa_studio.engine.service import InferenceService
from casa_studio.engine.styles import StyleResolver, reference_source
from casa_studio.persistence.images import read_labels, read_rgb, write_png

HERE = Path(__file__).with_name("real_photos")
UNLABELLED = 255
SETTINGS = ("default", "hand", "app")


def filled(labels: np.ndarray) -> np.ndarray:
    """Unlabelled pixels take the class of the nearest labelled one (a map the model can
    render; the figures still skip them)."""
    unknown = (labels == UNLABELLED).astype(np.uint8)
    if not unknown.any():
        return labels
    _, nearest = cv2.distanceTransformWithLabels(
        unknown, cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL
    )
    known = unknown == 0
    lookup = np.zeros(nearest.max() + 1, np.uint8)
    lookup[nearest[known]] = labels[known]
    return lookup[nearest]


def render(
    service: InferenceService,
    labels: np.ndarray,
    photo: np.ndarray | None = None,
    style_labels: np.ndarray | None = None,
    fit: int | None = None,
) -> np.ndarray:
    count = service.config.num_classes
    if photo is None or style_labels is None:
        sources = [TYPICAL] * count
    else:
        encoded = service.reference_styles(photo, style_labels, fit)
        source = reference_source("photo", encoded)
        sources = [source] * count
    tokens = StyleResolver(service).tokens(sources)
    return service.render(labels, tokens)  # the model's default guidance


def measure(service: InferenceService, entry: dict, fit: int | None, save: Path | None) -> dict:
    size = (service.config.output_hw[0], service.config.output_hw[1])
    photo = read_rgb(entry["path"], size, crop=True)
    hand = read_labels(HERE / f"{entry['name']}.png", size).astype(np.uint8)
    layout = filled(hand)
    app = service.references.segment(photo)
    labelled = hand != UNLABELLED
    renders = {
        "default": render(service, layout),
        "hand": render(service, layout, photo, layout, fit),
        "app": render(service, layout, photo, app, fit),
    }
    if save is not None:
        row = np.concatenate([photo, *renders.values()], axis=1)
        write_png(save / f"{entry['name']}.png", row)
    return {
        "accuracy": float((app[labelled] == hand[labelled]).mean()),
        **{k: class_distances(photo, r, hand) for k, r in renders.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=Path("models/landscape-slim"))
    parser.add_argument("--fit", type=int, help="fit steps (default: the model's; 0: none)")
    parser.add_argument("--save", type=Path, help="write photo | default | hand | app rows here")
    args = parser.parse_args()
    torch.set_num_threads(1)
    manifest = json.loads((HERE / "manifest.json").read_text())
    missing = [p["path"] for p in manifest["photos"] if not Path(p["path"]).is_file()]
    if missing:
        packages = sorted({p["package"] for p in manifest["photos"]})
        print(f"missing {missing[0]}: apt-get install -y {' '.join(packages)}", file=sys.stderr)
        return 1
    if args.save is not None:
        args.save.mkdir(parents=True, exist_ok=True)
    service = InferenceService.load(args.model, device="cpu", precision="fp32")
    names = [c.name for c in service.config.classes]
    start = time.perf_counter()
    results = {p["name"]: measure(service, p, args.fit, args.save) for p in manifest["photos"]}
    print(f"{len(results)} photos in {time.perf_counter() - start:.1f} s\n")
    print(f"{'photo':14s} {'acc':>5s} " + " ".join(f"{s:>8s}" for s in SETTINGS) + "  per class")
    for name, r in results.items():
        per_photo = [statistics.median(r[s].values()) for s in SETTINGS]
        detail = ", ".join(f"{names[c]} {d:.1f}" for c, d in r["hand"].items())
        print(
            f"{name:14s} {r['accuracy']:5.2f} "
            + " ".join(f"{v:8.1f}" for v in per_photo)
            + f"  hand: {detail}"
        )
    print()
    for s in SETTINGS:
        every = [d for r in results.values() for d in r[s].values()]
        worst = max(results, key=lambda n: statistics.median(results[n][s].values()))
        worst_value = statistics.median(results[worst][s].values())
        print(
            f"{s:8s} median {statistics.median(every):5.1f} ΔE   "
            f"worst photo {worst} {worst_value:.1f}"
        )
    accuracy = statistics.mean(r["accuracy"] for r in results.values())
    print(f"segmenter pixel accuracy (mean over photos) {accuracy:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
