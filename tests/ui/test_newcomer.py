"""For a newcomer (real window, tiny real model): Help → Getting started is a short tour, About
speaks to artists with the full card one click further, and the README's set-up starts from a
clone and installs the window's system libraries before the first launch."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QApplication

from casa_studio import paths
from casa_studio.ui.help import AboutDialog, GettingStarted, ModelFacts, artist_summary
from casa_studio.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def _shown(kind: type) -> object:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def test_getting_started_is_a_short_tour_from_the_help_menu(window: MainWindow) -> None:
    action = window.action_for["getting_started"]
    assert action in window.menus["&Help"].actions()
    action.trigger()
    tour = _shown(GettingStarted)
    assert isinstance(tour, GettingStarted)
    text = tour.tour.toPlainText()
    assert text.count("\n") < 40 and "five steps" in text
    for step in ("Paint a label map", "Watch the picture", "Reroll", "Ctrl+S", ".psd"):
        assert step in text, step
    tour.close()


def test_about_speaks_to_artists_with_the_card_one_click_further(qtbot, window: MainWindow) -> None:
    window.action_for["about"].trigger()
    about = _shown(AboutDialog)
    assert isinstance(about, AboutDialog)
    text = about.summary.text()
    assert "paints 32 x 32 pictures of 4 kinds of thing: class_0, class_1" in text
    assert "Running on:</b> CPU" in text and "the last picture took" in text
    assert not about.card.isVisibleTo(about)
    about.show_card.click()
    assert about.card.isVisibleTo(about) and "tiny test model" in about.card.toPlainText()
    about.close()


def test_the_bundled_card_says_what_the_model_is_good_at() -> None:
    card = (paths.bundled_models_dir() / "landscape-slim" / "MODEL_CARD.md").read_text("utf-8")
    facts = ModelFacts(("sky", "grass"), (256, 256), ("clear day", "night"), 0.4)
    text = artist_summary("landscape-slim", facts, "GPU (CUDA)", card)
    assert "What it is good at:</b> Good at landscapes" in text and "blocky" in text
    assert "iteration" not in text and "sha256" not in text  # no training jargon
    assert "Looks:</b> clear day, night." in text and "took 400 ms" in text


def test_the_readme_sets_up_from_a_clone_with_the_gui_libraries_first() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    setup = readme.split("## Set up", 1)[1].split("Run the whole test suite", 1)[0]
    clone, cd = setup.index("git clone"), setup.index("cd casa-studio")
    libs, install = setup.index("libxcb-cursor0"), setup.index("pip install -e .")
    assert clone < cd < libs < install
    links = re.findall(r"\]\(([^)]+)\)", readme) + re.findall(r"`(\.\./[^`]+)`", readme)
    assert "docs/architecture.md" in links
    assert not [link for link in links if link.startswith("../")]  # nothing outside the repo
