"""FileActions: new, new from example, open (projects and label maps, with the unknown-value
dialog), save, save as, exports, recent files and the unsaved-changes prompt, for the main
window."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QMenu, QMessageBox

from casa_studio import paths
from casa_studio.errors import USER_ERRORS
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.export import ExportKind
from casa_studio.persistence.masks import MaskImport, Value
from casa_studio.settings import Settings
from casa_studio.ui.autosave import Autosave
from casa_studio.ui.background import run_in_background
from casa_studio.ui.dialogs import MaskMappingDialog
from casa_studio.ui.editor import Editor
from casa_studio.ui.new_document import NewDocumentDialog

TITLE = "CASA Studio"


class FileActions:
    def __init__(
        self, window: QMainWindow, editor: Editor, settings: Settings, autosave: Autosave
    ) -> None:
        self.window = window
        self.editor = editor
        self.settings = settings
        self.autosave = autosave
        self.use_as_reference: Callable[[Path], object] = lambda _path: None
        self.label_map_from: Callable[[Path], object] = lambda _path: None  # from a photo
        self.notice: QDialog | None = None  # the open non-blocking box, kept alive

    def fill_recent(self, menu: QMenu) -> None:
        menu.clear()
        for name in self.settings.recent_files:
            action = menu.addAction(Path(name).name)
            action.setToolTip(name)
            action.triggered.connect(partial(self.open_file, Path(name)))
        menu.setEnabled(bool(self.settings.recent_files))

    def remember(self, path: Path) -> None:
        self.settings.add_recent(path)
        self.save_settings()

    def save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            self.window.statusBar().showMessage(f"Could not save settings: {exc}", 4000)

    def report(self, exc: Exception) -> None:
        QMessageBox.warning(self.window, TITLE, str(exc))

    def ask_path(self, title: str, save: bool, name: str, filters: str) -> Path | None:
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        start = str(Path(self.editor.folder()) / name) if name else self.editor.folder()
        chosen, _ = dialog(self.window, title, start, filters)
        return Path(chosen) if chosen else None

    def confirm_discard(self) -> bool:
        """Unsaved changes: save them, discard them, or cancel (False)."""
        if not self.editor.document.modified:
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window,
            TITLE,
            "Save the changes to this document?",
            buttons.Save | buttons.Discard | buttons.Cancel,
        )
        if answer == buttons.Save:
            return self.save()
        if answer == buttons.Discard:
            self.autosave.discard()
            return True
        return False

    def new_document(self) -> None:
        """The starter landscape (File → New from example → Starter landscape)."""
        if self.confirm_discard():
            self.editor.new_document()

    def ask_new_document(self) -> NewDocumentDialog | None:
        """File → New: a blank document of the size and background the dialog gives (it opens
        at the size of the preferences, else the model's)."""
        if not self.confirm_discard():
            return None
        dialog = NewDocumentDialog(
            self.editor.document.palette,
            self.editor.model_size,
            self.settings.new_document_size,
            self.settings.budgets,
            self.window,
        )
        dialog.accepted.connect(
            lambda: self.editor.new_blank(dialog.chosen_size(), dialog.chosen_background())
        )
        dialog.open()
        self.notice = dialog
        return dialog

    def fill_examples(self, menu: QMenu) -> None:
        """The starter landscape, then the shipped example projects (resources/examples)."""
        menu.clear()
        menu.addAction("Starter landscape").triggered.connect(self.new_document)
        menu.addSeparator()
        for path in example_files():
            action = menu.addAction(path.stem.replace("-", " ").capitalize())
            action.triggered.connect(partial(self.new_from_example, path))

    def new_from_example(self, path: Path) -> None:
        if not self.confirm_discard():
            return
        try:
            self.editor.open_example(path)
        except USER_ERRORS as exc:
            self.report(exc)

    def open_file(self, path: Path | None = None) -> None:
        """A `.casa` project, or a label-map PNG as a new document (Open and Open Recent alike
        ask first about unsaved changes)."""
        if not self.confirm_discard():
            return
        if path is None:
            kinds = "Projects, label maps and photos (*.casa *.png *.jpg *.jpeg *.webp)"
            path = self.ask_path("Open", False, "", kinds)
            if path is None:
                return
        try:
            if path.suffix.lower() == ".casa":
                self.editor.open_project(path)
                self.remember(path)
                return
            self.open_mask(path)
        except USER_ERRORS as exc:
            self.report(exc)

    def open_mask(self, path: Path) -> None:
        """A label map as a new document: analysed off the UI thread; a photo is refused with
        an offer to use it as a style reference."""
        mask = run_in_background(
            self.window, f"Reading {path.name}…", lambda: self.editor.read_mask(path)
        )
        if mask is None:
            return
        if mask.photo:
            self.refuse_photo(path, len(mask.unknown))
            return
        mapping = self.ask_mapping(mask) if (mask.unknown or mask.lossy) else {}
        if mapping is not None:
            self.editor.open_labels(mask.resolve(mapping))

    def refuse_photo(self, path: Path, colors: int) -> QMessageBox:
        """Not blocking: the box offers the reference dialog instead."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            TITLE,
            f"{path.name} looks like a photo, not a label map ({colors:,} colours match no "
            "class): use it as a style reference, or make a label map from it?",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        use = box.addButton("Use as style reference", QMessageBox.ButtonRole.AcceptRole)
        use.clicked.connect(lambda: self.use_as_reference(path))
        make = box.addButton("Make a label map from this photo", QMessageBox.ButtonRole.YesRole)
        make.clicked.connect(lambda: self.label_map_from(path))
        box.open()
        self.notice = box
        return box

    def save(self) -> bool:
        if self.editor.path is None:
            return self.save_as()
        try:
            self.editor.save()
            return True
        except PersistenceError as exc:
            self.report(exc)
            return False

    def save_as(self, path: Path | None = None) -> bool:
        path = path or self.ask_path("Save project", True, "untitled.casa", "Projects (*.casa)")
        if path is None:
            return False
        try:
            self.editor.save(path)
            return True
        except PersistenceError as exc:
            self.report(exc)
            return False

    def ask_mapping(self, mask: MaskImport) -> dict[Value, int] | None:
        """The user's class for each unknown value (None: cancelled)."""
        dialog = MaskMappingDialog(mask, self.editor.document.palette, self.window)
        return dialog.mapping() if dialog.exec() == MaskMappingDialog.DialogCode.Accepted else None

    def export_image(self, path: Path | None = None) -> None:
        self.export(ExportKind.IMAGE, 1, path)

    def export(self, kind: ExportKind, scale: int = 1, path: Path | None = None) -> None:
        if path is None:
            suffix = {
                ExportKind.IMAGE: "" if scale == 1 else f"_upscaled{scale}x",
                ExportKind.LABELS: "_labels",
                ExportKind.COLORS: "_colors",
                ExportKind.ORA: "",
                ExportKind.PSD: "",
            }[kind]
            stem = (self.editor.path.stem if self.editor.path else "untitled") + suffix
            filters = {
                ExportKind.ORA: "OpenRaster (*.ora)",
                ExportKind.PSD: "Photoshop (*.psd)",
                ExportKind.IMAGE: "PNG (*.png);;JPEG (*.jpg);;WebP (*.webp)",
            }
            layered = kind in (ExportKind.ORA, ExportKind.PSD)
            ext = f".{kind.value}" if layered else ".png"
            path = self.ask_path("Export", True, stem + ext, filters.get(kind, "PNG (*.png)"))
            if path is None:
                return
        try:
            self.editor.export(path, kind, scale)
            self.window.statusBar().showMessage(f"Exported {path}", 4000)
        except PersistenceError as exc:
            self.report(exc)


def example_files() -> list[Path]:
    return sorted((paths.resources_dir() / "examples").glob("*.casa"))
