"""Hostile files through the real window (File → Open), through batch rendering with the real
tiny model, and at the start of the real application process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from casa_studio.engine.batch import render_many
from casa_studio.engine.service import InferenceService
from casa_studio.ui.app import build_window
from casa_studio.ui.live_preview import RenderState
from casa_studio.ui.main_window import MainWindow
from tests.fuzz.harness import SECONDS, Reported, attempt, check
from tests.fuzz.hostile import (
    RECORDS,
    SETTINGS,
    SIZE,
    Case,
    _edit,
    good_project,
    rewrite_project,
)


@pytest.fixture(scope="module")
def cases(projects: list[Case], images: list[Case]) -> list[Case]:
    return projects + images


@pytest.fixture(scope="module")
def window(qapp, fuzz_model: Path) -> Iterator[MainWindow]:
    win = build_window(str(fuzz_model), fake=True)
    win.show()
    deadline = time.monotonic() + 20
    while win.editor.live.state is not RenderState.UP_TO_DATE and time.monotonic() < deadline:
        qapp.processEvents()
        time.sleep(0.01)
    yield win
    win.hide()
    win.close()
    win.editor.live.shutdown()


def test_open_in_the_window(window: MainWindow, cases: list[Case]) -> None:
    reported: list[Exception] = []
    window.files.report = reported.append
    failures = []
    for case in cases:
        reported.clear()

        def run(case: Case = case) -> None:
            window.files.open_file(case.path)
            if reported:
                raise Reported(str(reported[0]))
            assert not window.editor.document.modified

        # a project's style tokens must also suit the open model: the window refuses those
        accept = case.accept and case.name != "style-tokens-wrong-width"
        try:
            check(attempt("project/label open in window", run, [case.path]), accept)
        except AssertionError as exc:
            failures.append(f"{case.name}: {exc}")
    assert not failures, "\n".join(failures)


def test_batch_keeps_going_past_every_bad_item(
    fuzz_model: Path, cases: list[Case], tmp_path: Path
) -> None:
    service = InferenceService.load(fuzz_model, "cpu")
    labels = np.zeros(SIZE, np.uint8)
    labels[:, 16:] = 1
    Image.fromarray(labels, "L").save(tmp_path / "first.png")
    last = good_project(tmp_path / "last.casa")
    first_of_kind = {c.kind: c for c in reversed(cases) if not c.accept}  # renders cost time
    failures = []
    for i, case in enumerate(first_of_kind.values()):
        out = tmp_path / f"out{i}"

        def run(case: Case = case, out: Path = out) -> None:
            summary = render_many(service, [tmp_path / "first.png", case.path, last], out)
            assert [p.name.split("_")[0] for p in summary.written] == ["first", "last"]
            assert len(summary.failures) == 1
            raise Reported(summary.failures[0])

        try:
            check(attempt("batch", run, [case.path]), False, 3 * SECONDS)  # + two renders
        except AssertionError as exc:
            failures.append(f"{case.name}: {exc}")
    assert not failures, "\n".join(failures)


def test_batch_and_the_window_refuse_the_same_projects_in_the_same_words(
    qapp, fuzz_model: Path, projects: list[Case], tmp_path: Path
) -> None:
    """Readable projects that do not suit the open model (stored tokens of another width,
    another model's class names): batch renders none of them and says what the window with
    the same real model says."""
    window = build_window(str(fuzz_model))
    deadline = time.monotonic() + 60
    while window.editor.live.info is None and time.monotonic() < deadline:
        qapp.processEvents()
        time.sleep(0.01)
    by_name = {c.name: c.path for c in projects}
    base = by_name["good"]
    renamed = rewrite_project(
        base,
        tmp_path / "other-model.casa",
        manifest=_edit(base, lambda m: m["palette"][0].__setitem__("name", "sky")),
    )
    service = InferenceService.load(fuzz_model, "cpu")
    for path in (by_name["style-tokens-wrong-width"], renamed):
        reported: list[Exception] = []
        window.files.report = reported.append
        window.files.open_file(path)
        summary = render_many(service, [path], tmp_path / "out")
        assert len(reported) == 1 and not summary.written
        assert summary.failures == [f"{path.name}: {reported[0]}"]
    window.close()
    window.editor.live.shutdown()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_app_starts_with_corrupt_settings_and_recovery_files(
    fuzz_model: Path, tmp_path: Path
) -> None:
    (tmp_path / "settings.json").write_text(str(SETTINGS["interval-abc"]))
    recovery = tmp_path / "recovery"
    recovery.mkdir()
    damaged = recovery / f"session-{_dead_pid()}"
    damaged.with_suffix(".casa").write_bytes(b"not a zip")
    damaged.with_suffix(".json").write_text(RECORDS["saved-at-yesterday"])
    (recovery / "session-abc.json").write_text("{}")
    (recovery / f"session-{10**17}.json").write_text(RECORDS["empty"])
    env = os.environ | {
        "CASA_STUDIO_DATA": str(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "casa_studio", "--model", str(fuzz_model), "--fake-engine"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    aside = [damaged.with_suffix(".json.unreadable"), recovery / "session-abc.json.unreadable"]
    deadline = time.monotonic() + 30
    while not all(p.exists() for p in aside) and app.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    running = app.poll() is None
    app.send_signal(signal.SIGTERM)
    _, err = app.communicate(timeout=20)
    assert running, err
    assert all(p.exists() for p in aside), sorted(p.name for p in recovery.iterdir())
    assert "Traceback" not in err, err
