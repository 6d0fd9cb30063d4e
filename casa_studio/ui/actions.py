"""The action table: every menu entry and shortcut in one place (the shortcut sheet and
tooltips are generated from it), plus the pointer gestures that are not actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import qtawesome as qta
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

FILE, EDIT, TOOLS, VIEW, RENDER, LIVE, DEVICE, HELP = (
    "&File",
    "&Edit",
    "&Tools",
    "&View",
    "&Render",
    "&Live preview",
    "&Device",
    "&Help",
)
MENUS = (FILE, EDIT, TOOLS, VIEW, RENDER, LIVE, DEVICE, HELP)  # the menu bar, left to right


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action: its text, keys and icon, the menu it sits in (in table order, after a
    separator line when `separated`) and its place on the toolbar (1, 2, …; a skipped number
    is a separator; 0: not on the toolbar)."""

    key: str
    text: str
    shortcuts: tuple[str, ...] = ()
    icon: str = ""
    checkable: bool = False
    menu: str = ""
    separated: bool = False
    toolbar: int = 0


A = ActionSpec
SPECS = (
    A("new", "&New…", ("Ctrl+N",), "fa5s.file", menu=FILE),
    A("open", "&Open project or label map…", ("Ctrl+O",), "fa5s.folder-open", menu=FILE),
    A("save", "&Save", ("Ctrl+S",), "fa5s.save", menu=FILE),
    A("save_as", "Save &as…", ("Ctrl+Shift+S",), menu=FILE),
    A("export_image", "&Export image…", ("Ctrl+E",), "fa5s.file-export", menu=FILE, separated=True),
    A("export_2x", "Export image upscaled 2x (not generated)…", menu=FILE),
    A("export_4x", "Export image upscaled 4x (not generated)…", menu=FILE),
    A("export_labels", "Export label map (palette PNG)…", menu=FILE),
    A("export_colors", "Export colour mask (PNG)…", menu=FILE),
    A("export_ora", "Export layers for Krita, GIMP (OpenRaster .ora)…", menu=FILE),
    A("export_psd", "Export layers for Photoshop (.psd)…", menu=FILE),
    A("batch", "&Batch export…", ("Ctrl+Shift+B",), "fa5s.layer-group", menu=FILE),
    A("preferences", "&Preferences…", ("Ctrl+,",), "fa5s.cog", menu=FILE, separated=True),
    A("quit", "&Quit", ("Ctrl+Q",), menu=FILE),
    A("undo", "&Undo", ("Ctrl+Z",), "fa5s.undo", menu=EDIT, toolbar=8),
    A("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "fa5s.redo", menu=EDIT, toolbar=9),
    A("lock_layer", "&Lock / unlock layer", ("Ctrl+L",), "fa5s.lock", menu=EDIT, separated=True),
    A("brush", "&Brush", ("B",), "fa5s.paint-brush", checkable=True, menu=TOOLS, toolbar=1),
    A("eraser", "&Eraser", ("E",), "fa5s.eraser", checkable=True, menu=TOOLS, toolbar=2),
    A("fill", "&Fill", ("F",), "fa5s.fill-drip", checkable=True, menu=TOOLS, toolbar=3),
    A("rectangle", "&Rectangle", ("R",), "fa5s.square", checkable=True, menu=TOOLS, toolbar=4),
    A("lasso", "&Lasso", ("L",), "fa5s.draw-polygon", checkable=True, menu=TOOLS, toolbar=5),
    A(
        "reshape",
        "Re&shape object",
        ("V",),
        "fa5s.arrows-alt",
        checkable=True,
        menu=TOOLS,
        toolbar=6,
    ),
    A(
        "fill_active_only",
        "Fill from the active layer only",
        checkable=True,
        menu=TOOLS,
        separated=True,
    ),
    A("smaller", "Smaller brush", ("[",), menu=TOOLS),
    A("larger", "Larger brush", ("]",), menu=TOOLS),
    A("zoom_in", "Zoom &in", ("Ctrl++", "Ctrl+="), "fa5s.search-plus", menu=VIEW),
    A("zoom_out", "Zoom &out", ("Ctrl+-",), "fa5s.search-minus", menu=VIEW),
    A("fit", "&Fit to window", ("Ctrl+0",), "fa5s.expand", menu=VIEW, toolbar=13),
    A("reset_layout", "Reset &layout", (), "fa5s.columns", menu=VIEW, separated=True),
    A("render", "&Render now", ("F5",), "fa5s.play", menu=RENDER, toolbar=11),
    A("cancel", "&Cancel", ("Esc",), menu=RENDER),
    A(
        "reroll",
        "Reroll &styles (selected classes)",
        ("Ctrl+R",),
        "fa5s.dice",
        menu=RENDER,
        separated=True,
        toolbar=12,
    ),
    A("typical", "&Typical styles (selected classes)", ("Ctrl+T",), "fa5s.palette", menu=RENDER),
    A("reference", "Open style &reference…", ("Ctrl+Shift+R",), "fa5s.image", menu=RENDER),
    A("getting_started", "&Getting started", (), "fa5s.compass", menu=HELP),
    A("shortcuts", "&Keyboard shortcuts", ("F1",), "fa5s.keyboard", menu=HELP),
    A("about", "&About CASA Studio", (), "fa5s.info-circle", menu=HELP),
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


def build_actions(parent: QWidget, handlers: dict[str, Callable[[], object]]) -> dict[str, QAction]:
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
