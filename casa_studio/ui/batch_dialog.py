"""BatchDialog: render many variants into a folder — N random seeds, the own styles, a set of
style references or the model's named looks, for the current document, chosen projects and
label maps, or whole folders — with a naming pattern, a progress bar, cancel and a summary of
failures. The render worker runs it (the live preview waits meanwhile)."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casa_studio.engine.batch_plan import (
    DEFAULT_PATTERN,
    BatchOptions,
    BatchSummary,
    expand_sources,
)
from casa_studio.engine.errors import EngineError
from casa_studio.engine.jobs import RenderBatch
from casa_studio.engine.request import document_locality
from casa_studio.persistence.project import save_project
from casa_studio.ui.editor import Editor

PATTERN_TOKENS = (
    "{source}: the source's file name · {variant}: seed3, own, a reference's or a look's name · "
    "{n}: a running number (e.g. {n:03d})"
)


class _Progress(QObject):
    """Carries progress from the worker thread to the dialog (queued signal)."""

    advanced = Signal(int)


class BatchDialog(QDialog):
    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Batch export")
        self.editor = editor
        self.summary: BatchSummary | None = None
        self._cancel = threading.Event()
        self._progress = _Progress()
        self.bar = QProgressBar()
        self._progress.advanced.connect(lambda n: self.bar.setValue(self.bar.value() + n))
        self._tmp: Path | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self._sources_box())
        layout.addLayout(self._options_form())
        self.report = QPlainTextEdit(readOnly=True)
        self.report.setPlaceholderText("The live preview waits while a batch runs.")
        layout.addWidget(self.bar)
        layout.addWidget(self.report, 1)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("Start")
        self.cancel_button = QPushButton("Cancel")
        self.open_folder = QPushButton("Open folder")
        self.cancel_button.setEnabled(False)
        self.open_folder.setEnabled(False)
        close = QPushButton("Close")
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(self.out.text()))
        )
        close.clicked.connect(self.close)
        for button in (self.start_button, self.cancel_button, self.open_folder, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        editor.live.job_failed.connect(self._on_failed)
        self.resize(560, 620)

    def _sources_box(self) -> QVBoxLayout:
        self.current = QCheckBox("The current document")
        self.current.setChecked(True)
        self.sources = QListWidget()
        add_files = QPushButton("Add projects or label maps…")
        add_folder = QPushButton("Add folder…")
        remove = QPushButton("Remove")
        add_files.clicked.connect(self._add_files)
        add_folder.clicked.connect(self._add_folder)
        remove.clicked.connect(self._remove_selected)
        row = QHBoxLayout()
        for button in (add_files, add_folder, remove):
            row.addWidget(button)
        box = QVBoxLayout()
        box.addWidget(self.current)
        box.addWidget(self.sources)
        box.addLayout(row)
        return box

    def _options_form(self) -> QFormLayout:
        self.by_seeds = QRadioButton("Random styles")
        self.by_seeds.setChecked(True)
        self.seeds = QSpinBox(minimum=1, maximum=999, value=4, suffix=" variants")
        self.by_own = QRadioButton("Own styles")
        own = QLabel("one image per source, in the styles it was saved with")
        self.by_looks = QRadioButton("Looks")
        self.looks = QListWidget()
        self.looks.setMaximumHeight(96)
        self.looks.setToolTip("One image per checked look of the model")
        self._fill_looks()
        self.by_styles = QRadioButton("Style references")
        self.styles = QLineEdit(placeholderText="folder with images/ and labels/")
        self.out = QLineEdit(placeholderText="output folder")
        self.pattern = QLineEdit(DEFAULT_PATTERN)
        tokens = QLabel(PATTERN_TOKENS)
        tokens.setWordWrap(True)
        self.pattern.setToolTip(PATTERN_TOKENS)
        form = QFormLayout()
        form.addRow(self.by_seeds, self.seeds)
        form.addRow(self.by_own, own)
        form.addRow(self.by_looks, self.looks)
        form.addRow(self.by_styles, self._with_browse(self.styles))
        form.addRow("Into", self._with_browse(self.out))
        form.addRow("File names", self.pattern)
        form.addRow("", tokens)
        return form

    def _fill_looks(self) -> None:
        """The model's looks, all checked; the option is off for models without looks."""
        info = self.editor.live.info
        for name in info.looks if info is not None else ():
            item = QListWidgetItem(name)
            item.setCheckState(Qt.CheckState.Checked)
            self.looks.addItem(item)
        self.by_looks.setEnabled(self.looks.count() > 0)
        self.looks.setEnabled(self.looks.count() > 0)

    def chosen_looks(self) -> tuple[str, ...] | None:
        """The checked looks when the Looks option is on, else None."""
        if not self.by_looks.isChecked():
            return None
        items = [self.looks.item(i) for i in range(self.looks.count())]
        return tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)

    def _with_browse(self, edit: QLineEdit) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        browse = QPushButton("…")
        browse.clicked.connect(
            lambda: edit.setText(
                QFileDialog.getExistingDirectory(self, "Folder", self.editor.folder())
                or edit.text()
            )
        )
        layout.addWidget(edit, 1)
        layout.addWidget(browse)
        return row

    def _add_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(
            self, "Sources", self.editor.folder(), "Projects and label maps (*.casa *.png)"
        )
        self.add_sources([Path(p) for p in chosen])

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder of projects and label maps", self.editor.folder()
        )
        if folder:
            self.add_sources([Path(folder)])

    def _remove_selected(self) -> None:
        for item in self.sources.selectedItems():
            self.sources.takeItem(self.sources.row(item))

    def add_sources(self, paths: list[Path]) -> None:
        for path in paths:
            self.sources.addItem(str(path))

    # --- running ----------------------------------------------------------------------------

    def _current_document(self) -> Path:
        self._tmp = Path(tempfile.mkdtemp(prefix="casa-batch-"))
        name = self.editor.path.stem if self.editor.path else "untitled"
        path = self._tmp / f"{name}.casa"
        save_project(path, self.editor.document, self.editor.model)
        return path

    def start(self) -> None:
        if not self.out.text().strip():
            self.report.setPlainText("Choose an output folder.")
            return
        options = self._options()
        if options is None:
            return
        listed = expand_sources(
            [Path(self.sources.item(i).text()) for i in range(self.sources.count())]
        )
        sources = ([self._current_document()] if self.current.isChecked() else []) + listed
        if not sources:
            self.report.setPlainText("Add something to render.")
            return
        per_source = options.per_source(len(_style_images(options.styles) or ()))
        self.bar.setRange(0, max(1, len(sources) * per_source))
        self.bar.setValue(0)
        self._cancel.clear()
        count = len(sources)
        self.report.setPlainText(f"Rendering {count} source{'' if count == 1 else 's'}…")
        self._running(True)
        job = RenderBatch(
            tuple(sources),
            Path(self.out.text()),
            options,
            progress=self._progress.advanced.emit,
            cancelled=self._cancel.is_set,
        )
        self.editor.live.run_job(job, self._done)

    def _options(self) -> BatchOptions | None:
        """The controls as the options the command line takes too; None (and the reason in
        the report) when they are not complete."""
        looks = self.chosen_looks()
        if looks == ():
            self.report.setPlainText("Check at least one look.")
            return None
        try:
            return BatchOptions(
                seeds=self.seeds.value(),
                own=self.by_own.isChecked(),
                styles=Path(self.styles.text()) if self.by_styles.isChecked() else None,
                looks=looks,
                pattern=self.pattern.text(),
                locality=document_locality(self.editor.document),
            )
        except EngineError as exc:
            self.report.setPlainText(str(exc))
            return None

    def cancel(self) -> None:
        self._cancel.set()
        self.report.appendPlainText("Cancelling after the current image…")

    def _running(self, on: bool) -> None:
        self.start_button.setEnabled(not on)
        self.cancel_button.setEnabled(on)

    def _cleanup(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _done(self, summary: BatchSummary) -> None:
        self.summary = summary
        self._running(False)
        self.open_folder.setEnabled(bool(summary.written))
        self._cleanup()
        count = len(summary.written)
        lines = [f"{count} image{'' if count == 1 else 's'} written to {self.out.text()}"]
        if summary.cancelled:
            lines.append("Cancelled.")
        lines += [f"failed: {f}" for f in summary.failures]
        self.report.setPlainText("\n".join(lines))

    def _on_failed(self, message: str) -> None:
        if self.cancel_button.isEnabled():
            self._running(False)
            self._cleanup()
            self.report.setPlainText(f"Batch failed: {message}")


def _style_images(folder: Path | None) -> list[Path] | None:
    """The reference images of a styles folder (the progress bar counts at least one)."""
    return None if folder is None else list((folder / "images").glob("*")) or [folder]
