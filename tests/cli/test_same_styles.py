"""One rule for a class's style: the command line, batch export and the live preview turn the
same style sources (a look, a random seed) into the same tokens and the same image."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from casa_studio.cli import main
from casa_studio.core.styles import SourceKind, StyleSource
from casa_studio.engine.batch import render_many
from casa_studio.engine.batch_plan import BatchOptions
from casa_studio.engine.renderer import ServiceRenderer
from casa_studio.engine.request import RenderRequest
from casa_studio.engine.service import InferenceService


def test_cli_and_batch_render_the_live_previews_image(looks_folder: Path, tmp_path: Path) -> None:
    labels = np.zeros((32, 32), np.uint8)
    labels[16:] = 2
    labels[:, 20:] = 3
    Image.fromarray(labels, "L").save(tmp_path / "a.png")
    service = InferenceService.load(looks_folder, "cpu", "fp32")
    live = ServiceRenderer(service)
    cases = [
        ([StyleSource(SourceKind.RANDOM, 2)] * 4, {"seeds": 2}, "a_seed2", ["--seed", "2"]),
        (
            [StyleSource(SourceKind.LOOK, name="night")] * 4,
            {"looks": ("night",)},
            "a_night",
            ["--look", "night"],
        ),
    ]
    for sources, batch, name, flags in cases:
        request = RenderRequest(labels, tuple(sources), 1)  # the model's default guidance
        shown = live.render(request).image
        render_many(service, [tmp_path / "a.png"], tmp_path / "out", BatchOptions(**batch))
        assert np.array_equal(np.asarray(Image.open(tmp_path / "out" / f"{name}.png")), shown)
        out = tmp_path / f"cli_{name}.png"
        args = ["render", "--labels", str(tmp_path / "a.png"), "--model", str(looks_folder)]
        assert main([*args, *flags, "--device", "cpu", "--precision", "fp32", "-o", str(out)]) == 0
        assert np.array_equal(np.asarray(Image.open(out).convert("RGB")), shown)
