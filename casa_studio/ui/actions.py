"""The action table: every menu entry and shortcut in one place (the shortcut sheet and
tooltips are generated from it), plus the pointer gestures that are not actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import qtawesome as qta
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True, slots=True)
class ActionSpec:
    key: str
    text: str
    shortcuts: tuple[str, ...] = ()
    icon: str = ""
    checkable: bool = False


SPECS = (
    ActionSpec("new", "&New", ("Ctrl+N",), "fa5s.file"),
    ActionSpec("open", "&Open project or label map…", ("Ctrl+O",), "fa5s.folder-open"),
    ActionSpec("save", "&Save", ("Ctrl+S",), "fa5s.save"),
    ActionSpec("save_as", "Save &as…", ("Ctrl+Shift+S",)),
    ActionSpec("export_image", "&Export image…", ("Ctrl+E",), "fa5s.file-export"),
    ActionSpec("export_2x", "Export image upscaled 2x (not generated)…"),
    ActionSpec("export_4x", "Export image upscaled 4x (not generated)…"),
    ActionSpec("export_labels", "Export label map (palette PNG)…"),
    ActionSpec("export_colors", "Export colour mask (PNG)…"),
    ActionSpec("export_ora", "Export layers (OpenRaster .ora)…"),
    ActionSpec("batch", "&Batch export…", ("Ctrl+Shift+B",), "fa5s.layer-group"),
    ActionSpec("preferences", "&Preferences…", ("Ctrl+,",), "fa5s.cog"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",)),
    ActionSpec("undo", "&Undo", ("Ctrl+Z",), "fa5s.undo"),
    ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "fa5s.redo"),
    ActionSpec("brush", "&Brush", ("B",), "fa5s.paint-brush", True),
    ActionSpec("eraser", "&Eraser", ("E",), "fa5s.eraser", True),
    ActionSpec("fill", "&Fill", ("F",), "fa5s.fill-drip", True),
    ActionSpec("rectangle", "&Rectangle", ("R",), "fa5s.square", True),
    ActionSpec("lasso", "&Lasso", ("L",), "fa5s.draw-polygon", True),
    ActionSpec("reshape", "Re&shape object", ("V",), "fa5s.arrows-alt", True),
    ActionSpec("fill_active_only", "Fill from the active layer only", (), "", True),
    ActionSpec("smaller", "Smaller brush", ("[",)),
    ActionSpec("larger", "Larger brush", ("]",)),
    ActionSpec("zoom_in", "Zoom &in", ("Ctrl++", "Ctrl+="), "fa5s.search-plus"),
    ActionSpec("zoom_out", "Zoom &out", ("Ctrl+-",), "fa5s.search-minus"),
    ActionSpec("fit", "&Fit to window", ("Ctrl+0",), "fa5s.expand"),
    ActionSpec("render", "&Render now", ("F5",), "fa5s.play"),
    ActionSpec("cancel", "&Cancel", ("Esc",)),
    ActionSpec("reroll", "Reroll &styles (selected classes)", ("Ctrl+R",), "fa5s.dice"),
    ActionSpec("typical", "&Typical styles (selected classes)", ("Ctrl+T",), "fa5s.palette"),
    ActionSpec("reference", "Open style &reference…", ("Ctrl+Shift+R",), "fa5s.image"),
    ActionSpec("lock_layer", "&Lock / unlock layer", ("Ctrl+L",), "fa5s.lock"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", ("F1",), "fa5s.keyboard"),
    ActionSpec("about", "&About CASA Studio", (), "fa5s.info-circle"),
)
POINTER_KEYS = (  # keys and gestures that are not menu actions, for the shortcut sheet
    ("1 to 9", "Recently used classes (the Classes panel shows which key is which)"),
    ("Ctrl+click", "Pick the class under the pointer"),
    ("Wheel", "Zoom, keeping the point under the pointer"),
    ("Space-drag, middle-drag", "Pan (Space works whatever has focus)"),
    ("Shift-drag, a corner handle", "Reshape: scale the selected object"),
    ("Ctrl+Shift-drag, the round knob", "Reshape: rotate the selected object"),
    ("Arrow keys, Shift+arrows", "Reshape: nudge by 1 px, 10 px"),
)
TOOL_KEYS = ("brush", "eraser", "fill", "rectangle", "lasso", "reshape")


def plain(text: str) -> str:
    """A menu text without its mnemonic and ellipsis."""
    return text.replace("&", "").rstrip("…")


def keys(spec: ActionSpec) -> str:
    return " / ".join(spec.shortcuts)


def build_actions(parent: QWidget, handlers: dict[str, Callable[[], None]]) -> dict[str, QAction]:
    actions = {}
    for spec in SPECS:
        action = QAction(spec.text, parent)
        action.setToolTip(
            f"{plain(spec.text)} ({keys(spec)})" if spec.shortcuts else plain(spec.text)
        )
        if spec.icon:
            action.setIcon(qta.icon(spec.icon))
        action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        action.setCheckable(spec.checkable)
        if spec.key in handlers:
            # never hand `checked` to handlers whose first parameter is an optional path
            action.triggered.connect(lambda _checked=False, run=handlers[spec.key]: run())
        actions[spec.key] = action
    return actions
