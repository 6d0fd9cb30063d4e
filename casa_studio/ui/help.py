"""The Help menu's windows: Getting started (a short tour for a newcomer), the keyboard shortcut
sheet, generated from the action table so it cannot drift from the menus, and About, written
for artists (what the model paints and how well, where it runs), the full model card one click
further."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casa_studio import __version__
from casa_studio.ui.actions import POINTER_KEYS, SPECS, keys, plain


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """What About tells about the open model."""

    classes: tuple[str, ...]
    size: tuple[int, int]  # H, W of what it paints
    looks: tuple[str, ...] = ()
    seconds: float = 0.0  # the last render's time (0: none yet)


def shortcut_rows() -> list[tuple[str, str]]:
    """(keys, what they do) for every action with a shortcut, then the pointer gestures."""
    rows = [(keys(spec), plain(spec.text)) for spec in SPECS if spec.shortcuts]
    return rows + list(POINTER_KEYS)


def _closing(dialog: QDialog, layout: QVBoxLayout) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)


class ShortcutSheet(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows()
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (key, text) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(key))
            self.table.setItem(row, 1, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        _closing(self, layout)
        self.resize(620, 640)


TOUR = (
    (
        "Paint a label map",
        "The left canvas holds classes, not colours: pick one in the Classes panel (or press 1 "
        "to 9) and paint with the brush (B), fill (F), rectangle (R) or lasso (L). Work in "
        "layers like in Krita; File → New gives a blank canvas, New from example a finished "
        "scene.",
    ),
    (
        "Watch the picture",
        "The model turns the labels into a picture on the right while you paint. Switch the "
        "view to the mask, an overlay or side by side; F5 renders at once in manual mode.",
    ),
    (
        "Choose each class's style",
        "The Styles panel has one row per class: Reroll (Ctrl+R) draws a new random style, Look "
        "sets a time of day or a season, Reference (Ctrl+Shift+R) takes the style of a photo. "
        "Lock a row to keep it while you reroll the rest.",
    ),
    (
        "Change shapes",
        "Reshape (V) moves, scales and rotates an object; Take shape gives a class the shape "
        "it has in a reference, with a slider between the two.",
    ),
    (
        "Keep and share your work",
        "Ctrl+S saves a .casa project (everything, with the last picture); File → Export writes "
        "the picture, the label map, or layers for Krita, GIMP (.ora) and Photoshop (.psd). "
        "Every edit can be undone (Ctrl+Z). F1 lists every key.",
    ),
)


class GettingStarted(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Getting started")
        self.tour = QTextBrowser()
        self.tour.setHtml(
            "<h2>CASA Studio in five steps</h2><ol>"
            + "".join(f"<li><p><b>{title}.</b> {text}</p></li>" for title, text in TOUR)
            + "</ol>"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tour)
        _closing(self, layout)
        self.resize(560, 520)


def artist_summary(model: str, facts: ModelFacts, device: str, card: str) -> str:
    """About's text for an artist: what the model paints, what it does well and less well (the
    card's status paragraph), its looks, and where it runs."""
    h, w = facts.size
    classes = ", ".join(facts.classes)
    lines = [
        f"<b>CASA Studio {__version__}</b> turns painted label maps into pictures.",
        f"<br><br>The model <b>{model}</b> paints {w} x {h} pictures of {len(facts.classes)} "
        f"kinds of thing: {classes}.",
    ]
    status = _status(card)
    if status:
        lines.append(f"<br><br><b>What it is good at:</b> {status}")
    if facts.looks:
        lines.append(f"<br><br><b>Looks:</b> {', '.join(facts.looks)}.")
    where = device or "loading…"
    speed = f"; the last picture took {facts.seconds * 1000:.0f} ms" if facts.seconds else ""
    lines.append(f"<br><br><b>Running on:</b> {where}{speed}.")
    return "".join(lines)


def _status(card: str) -> str:
    """The card's "## For artists" section when it has one, else its "**Status:** …"
    paragraph without the label, else its first paragraph after the title (one line)."""
    section = card.split("\n## For artists", 1)
    if len(section) == 2:
        chosen = section[1].split("\n#", 1)[0]
    else:
        paragraphs = [p.strip() for p in card.split("\n\n") if p.strip()]
        prose = [p for p in paragraphs if not p.startswith(("#", "|", "```", "-"))]
        chosen = next((p for p in prose if p.startswith("**Status")), prose[0] if prose else "")
        if chosen.startswith("**Status"):
            chosen = chosen.split("**", 2)[-1]
    text = " ".join(chosen.split()).replace("**", "").replace("`", "")
    return html.escape(text, quote=False)


class AboutDialog(QDialog):
    def __init__(
        self,
        model: str,
        card: Path | None,
        device: str,
        facts: ModelFacts,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("About CASA Studio")
        text = _read_card(card)
        self.summary = QLabel(artist_summary(model, facts, device, text))
        self.summary.setWordWrap(True)
        self.card = QTextBrowser()
        self.card.setMarkdown(text)
        self.card.hide()
        self.show_card = QPushButton("Show the full model card")
        self.show_card.setCheckable(True)
        self.show_card.toggled.connect(self._toggle_card)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.show_card)
        layout.addWidget(self.card, 1)
        _closing(self, layout)
        self.resize(560, 360)

    def _toggle_card(self, shown: bool) -> None:
        self.card.setVisible(shown)
        self.show_card.setText("Hide the model card" if shown else "Show the full model card")
        if shown:  # larger, but never past the screen
            room = self.screen().availableGeometry()
            self.resize(min(max(self.width(), 680), room.width()), min(640, room.height() - 40))
            top = max(room.top(), min(self.y(), room.bottom() - self.frameGeometry().height()))
            self.move(min(self.x(), room.right() - self.width()), top)


def _read_card(card: Path | None) -> str:
    if card is None:
        return "This model has no model card."
    try:
        return card.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"The model card {card} could not be read ({exc})."
