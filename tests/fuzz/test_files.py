"""Every hostile project, image, settings file, recovery record and style file, through every
file-layer entry point: a clear error or a correct load, quickly, within memory, input intact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from casa_studio.core.palette import Palette
from casa_studio.persistence.images import read_labels, read_rgb
from casa_studio.persistence.masks import read_mask
from casa_studio.persistence.project import ModelRef, load_project, save_project
from casa_studio.persistence.recovery import RecoveryStore
from casa_studio.persistence.style_library import StyleLibrary
from casa_studio.settings import Settings
from tests.fuzz.harness import Reported, attempt, attempt_all, check
from tests.fuzz.hostile import (
    PALETTE,
    RECORDS,
    SETTINGS,
    SIZE,
    Case,
    good_project,
    png_header,
)


def test_project_open(projects: list[Case]) -> None:
    attempt_all(projects, "project open (load_project)", lambda c: load_project(c.path))


def test_label_map_import(images: list[Case]) -> None:
    palette = Palette(PALETTE.classes)
    attempt_all(images, "label-map import (read_mask)", lambda c: read_mask(c.path, palette, SIZE))
    attempt_all(images, "label maps for render/batch", lambda c: read_labels(c.path, SIZE))


def test_reference_photos(images: list[Case]) -> None:
    attempt_all(images, "reference photos (read_rgb)", lambda c: read_rgb(c.path, SIZE, crop=True))


def test_settings_files_never_stop_the_start(isolated_user_data: Path) -> None:
    path = Settings.path()
    for name, text in SETTINGS.items():
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

        def run() -> None:
            settings, notes = Settings.load_checked()
            assert settings.autosave_seconds == 60 and settings.budgets.image_megapixels == 64
            if notes:
                raise Reported(" ".join(notes))

        outcome = attempt("settings", run, [path])
        assert outcome.kind == "clear" and str(path) in outcome.message, (name, outcome)


def test_recovery_records_and_snapshots(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    snapshot = tmp_path / f"session-{pid}.casa"
    good_project(snapshot)
    for name, text in RECORDS.items():
        record = snapshot.with_suffix(".json")
        record.write_text(text)
        store = RecoveryStore(tmp_path)

        def run(store: RecoveryStore = store) -> None:
            orphans = store.orphans()
            assert [o.snapshot for o in orphans] == [snapshot]
            orphans[0].load()
            raise Reported(" ".join(store.notes))

        outcome = attempt("recovery", run, [snapshot])
        assert outcome.kind == "clear" and record.name in outcome.message, (name, outcome)
        assert record.with_name(record.name + ".unreadable").exists()
    for name in ("session-abc.json", f"session-{10**17}.json"):
        (tmp_path / name).write_text('{"original": ""}')
    snapshot.write_bytes(b"not a zip")
    store = RecoveryStore(tmp_path)
    outcome = attempt("recovery", lambda: [o.load() for o in store.orphans()], [snapshot])
    assert outcome.kind == "clear" and str(snapshot) in outcome.message
    assert (tmp_path / "session-abc.json.unreadable").exists()


def test_a_recovery_snapshot_linked_to_a_device_is_refused_unread(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    snapshot = tmp_path / f"session-{int(dead.stdout)}.casa"
    snapshot.symlink_to("/dev/zero")
    (orphan,) = RecoveryStore(tmp_path).orphans()
    check(attempt("recovery", orphan.load, [snapshot]), False)


def test_style_library_files(tmp_path: Path) -> None:
    library = StyleLibrary(tmp_path)
    from safetensors.numpy import save_file

    tokens = np.zeros((2, 4), np.float32)
    cases = {
        "garbage": b"\x00" * 100,
        "header-length-huge": (2**60).to_bytes(8, "little") + b"{}",
        "png-instead": png_header(100000, 100000),
    }
    for name, data in cases.items():
        (tmp_path / f"{name}.safetensors").write_bytes(data)
    (tmp_path / "dev-zero.safetensors").symlink_to("/dev/zero")
    meta = {"name": "deep", "model": "m", "classes": "[" * 100_000 + "]" * 100_000}
    save_file({"rows": tokens}, str(tmp_path / "deep.safetensors"), metadata=meta)
    save_file(
        {"rows": tokens}, str(tmp_path / "count.safetensors"), metadata=meta | {"classes": '["a"]'}
    )
    good = library.save(library_style(tokens))
    paths = sorted(tmp_path.glob("*.safetensors"))
    attempt_all(
        [Case("style", p.stem, p, accept=p == good) for p in paths],
        "style library",
        lambda c: library.load(c.path),
    )
    assert [s.name for s in library.entries("m")] == ["good one"]


def library_style(tokens: np.ndarray):
    from casa_studio.persistence.style_library import LibraryStyle

    return LibraryStyle("good one", "m", ("sky", "sea"), tokens)


def test_saving_over_a_project_keeps_a_backup(tmp_path: Path) -> None:
    path = good_project(tmp_path / "p.casa")
    doc, model, _ = load_project(path)
    doc.layers[0].pixels[:] = 3
    save_project(path, doc, ModelRef(model.name))
    assert (load_project(path)[0].layers[0].pixels == 3).all()
    assert (load_project(tmp_path / "p.casa~")[0].layers[0].pixels == 0).all()


def _photo(height: int, width: int, seed: int) -> np.ndarray:
    """A photo-like image: smooth light over the frame plus sensor noise (tens of thousands
    of colours, none of them a class colour)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    base = np.stack([120 + 90 * x, 140 + 60 * y, 200 - 80 * x * y], axis=-1)
    return np.clip(base + rng.normal(0, 12, (height, width, 3)), 0, 255).astype(np.uint8)


def test_photos_opened_as_label_maps_are_recognised_quickly(tmp_path: Path) -> None:
    """The artist-tools issue's trap: a photo opened as a label map. Big, RGBA and animated
    photos are recognised as photos (the window then offers them as style references) within
    the time and memory limits, at the model's size."""
    from PIL import Image

    palette = Palette(PALETTE.classes)
    big, rgba = tmp_path / "big.jpg", tmp_path / "rgba.png"
    Image.fromarray(_photo(2000, 3000, 1)).save(big, quality=90)
    alpha = np.full((800, 1200, 1), 255, np.uint8)
    Image.fromarray(np.concatenate([_photo(800, 1200, 2), alpha], axis=-1), "RGBA").save(rgba)
    animated = tmp_path / "animated.png"
    frames = [Image.fromarray(_photo(600, 900, s)) for s in (3, 4)]
    frames[0].save(animated, save_all=True, append_images=frames[1:])

    def refused(path: Path) -> None:
        if read_mask(path, palette, (256, 256)).photo:
            raise Reported(f"{path.name} looks like a photo, not a label map.")

    for path in (big, rgba, animated):
        check(attempt("photos as label maps (read_mask)", lambda p=path: refused(p), [path]), False)
