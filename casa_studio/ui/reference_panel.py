"""Reference images: the dialog that labels a photo (given label map, or the model's
segmenter) and lets the user correct the labels with the canvas tools; and the box in the
style panel that takes styles and shapes from the reference."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGraphicsPixmapItem,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from casa_studio.core.commands import PaintPixels
from casa_studio.core.document import Change, ChangeKind, Document
from casa_studio.core.photo_edges import refine_edges
from casa_studio.engine.jobs import Segmentation
from casa_studio.errors import USER_ERRORS
from casa_studio.persistence.images import read_labels, read_rgb
from casa_studio.settings import Settings
from casa_studio.ui.canvas import LabelCanvas
from casa_studio.ui.palette_panel import swatch
from casa_studio.ui.qimage import rgb_to_pixmap
from casa_studio.ui.sliders import ValueSlider
from casa_studio.ui.style_editor import Reference, StyleEditor
from casa_studio.ui.tool_session import ToolSession

REFERENCE_TOOLS = (
    (
        "smart",
        "fa5s.crosshairs",
        "Smart select: a click labels the region of like colour, up to "
        "the photo's edges; Shift+click adds to it",
    ),
    ("brush", "fa5s.paint-brush", "Brush"),
    ("fill", "fa5s.fill-drip", "Fill"),
    ("rectangle", "fa5s.square", "Rectangle"),
    ("lasso", "fa5s.draw-polygon", "Lasso"),
    ("eraser", "fa5s.eraser", "Eraser"),
)
LABEL_ERRORS: tuple[type[Exception], ...] = (*USER_ERRORS, ValueError)  # a bad labels file
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)"
SEGMENTER_HINT = "Labelled by the segmenter: correct it where it is wrong (hatched: it is unsure)."
HATCH = 6  # pixels between the stripes over unsure areas


def labels_beside(image: Path) -> Path | None:
    """A label map stored next to a photo: `labels/<stem>.png` in a dataset, or
    `<stem>_labels.png` beside it."""
    for candidate in (
        image.parent.parent / "labels" / f"{image.stem}.png",
        image.with_name(f"{image.stem}_labels.png"),
    ):
        if candidate.is_file() and candidate != image:
            return candidate
    return None


class ReferenceDialog(QDialog):
    """Shows the photo with its labels on top; accepting gives `reference()`."""

    def __init__(
        self,
        styles: StyleEditor,
        name: str,
        image: np.ndarray,
        labels: np.ndarray | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Reference labels — {name}")
        self.styles, self.name, self.image = styles, name, image
        palette = styles.doc.palette
        start = np.zeros(image.shape[:2], np.uint8) if labels is None else labels
        self.session = ToolSession(Document.from_labels(palette, start))
        self.session.context.photo = image
        self.canvas = LabelCanvas(self.session, backdrop=image)
        self.canvas.setToolTip("Wheel: zoom at the pointer · Ctrl+0: fit · Space-drag: pan")
        self.hatch = QGraphicsPixmapItem()  # where the segmenter is unsure
        self.hatch.setZValue(5)
        self.hatch.setVisible(False)
        self.canvas.scene().addItem(self.hatch)
        self._unsure: tuple[np.ndarray, np.ndarray] | None = None  # hatched, segmenter's labels
        self.legend = QListWidget()  # the classes in the labels, readable over any photo
        self.legend.setMaximumWidth(170)
        self.legend.itemClicked.connect(
            lambda item: self.session.set_class(int(item.data(Qt.ItemDataRole.UserRole)))
        )
        self.status = QLabel("Correct the labels with the tools, then take styles or shapes.")
        layout = QVBoxLayout(self)
        layout.addLayout(self._tool_row(palette))
        self.canvas.opacity = self.opacity.value() / 100
        middle = QHBoxLayout()
        middle.addWidget(self.canvas, 1)
        middle.addWidget(self.legend)
        layout.addLayout(middle, 1)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+0"), self, self.canvas.fit)
        self.session.document_settled.connect(self._fill_legend)
        self.session.document_settled.connect(self._unhatch_edited)
        self.session.document_changed.connect(self._drop_hint)
        self.session.document_replaced.connect(self._fill_legend)
        self._fill_legend()
        QShortcut(QKeySequence.StandardKey.Undo, self, self.session.undo)
        QShortcut(QKeySequence("Ctrl+Shift+Z"), self, self.session.redo)
        self.session.message.connect(self.status.setText)
        self.resize(900, 760)
        if labels is None:
            self.label_automatically()

    def _tool_row(self, palette: object) -> QHBoxLayout:
        row = QHBoxLayout()
        for key, icon, tip in REFERENCE_TOOLS:
            button = QToolButton()
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.setChecked(key == "brush")
            button.setIcon(qta.icon(icon))
            button.setToolTip(tip)
            button.clicked.connect(partial(self.session.set_tool, key))
            row.addWidget(button)
        self.classes = QComboBox()
        for c in self.styles.doc.palette.classes:
            self.classes.addItem(swatch(c.color), c.name, c.id)
        self.classes.setCurrentIndex(self.session.context.class_id)
        self.classes.currentIndexChanged.connect(
            lambda i: self.session.set_class(int(self.classes.itemData(i)))
        )
        self.session.class_changed.connect(self.classes.setCurrentIndex)
        self.opacity = ValueSlider(0, 100, Settings.load().reference_opacity, "{} %")
        self.opacity.setToolTip("How strongly the labels cover the photo")
        self.opacity.valueChanged.connect(self._set_opacity)
        self.opacity.sliderReleased.connect(self._keep_opacity)
        self.opacity.setMinimumWidth(80)
        auto = QPushButton(qta.icon("fa5s.magic"), "Label automatically")
        auto.clicked.connect(self.label_automatically)
        load = QPushButton(qta.icon("fa5s.folder-open"), "Load labels…")
        load.clicked.connect(lambda: self._load_labels())
        self.refine = QPushButton(qta.icon("fa5s.compress-arrows-alt"), "Refine edges")
        self.refine.setToolTip("Move the label borders onto the photo's edges nearby")
        self.refine.clicked.connect(self.refine_edges)
        widgets = (self.classes, QLabel("Labels"), self.opacity.with_value(), auto, load)
        for widget in (*widgets, self.refine):
            row.addWidget(widget)
        return row

    def _set_opacity(self, value: int) -> None:
        self.canvas.opacity = value / 100
        self.canvas.refresh()
        if not self.opacity.isSliderDown():
            self._keep_opacity()

    def _keep_opacity(self) -> None:
        """The next dialog opens at this opacity (settings.json), once a drag ends."""
        settings = Settings.load()
        if settings.reference_opacity != self.opacity.value():
            settings.reference_opacity = self.opacity.value()
            settings.save()

    def _fill_legend(self) -> None:
        doc = self.session.document
        counts = np.bincount(doc.labels().ravel(), minlength=256)
        self.legend.clear()
        for c in doc.palette.classes:
            share = 100 * counts[c.id] / counts.sum()
            if round(share) > 0:  # a few stray pixels would read "0 %"
                item = QListWidgetItem(swatch(c.color), f"{c.name}  {share:.0f} %")
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                self.legend.addItem(item)

    def show_unsure(self, unsure: np.ndarray | None) -> None:
        """Hatch where the segmenter is unsure (None: no hatch)."""
        self._unsure = None if unsure is None else (unsure, self.session.document.labels().copy())
        if unsure is None or not unsure.any():
            self.hatch.setVisible(False)
            return
        h, w = unsure.shape
        stripes = (np.add.outer(np.arange(h), np.arange(w)) % HATCH) < 2
        rgba = np.zeros((h, w, 4), np.uint8)
        rgba[unsure & stripes] = (255, 255, 255, 200)
        rgba[unsure & ~stripes & np.roll(stripes, 1, axis=1)] = (0, 0, 0, 160)
        image = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        self.hatch.setPixmap(QPixmap.fromImage(image))
        self.hatch.setVisible(True)

    def _unhatch_edited(self) -> None:
        """Pixels the user relabelled are no longer the segmenter's guess: no hatch there."""
        if self._unsure is not None:
            unsure, labelled = self._unsure
            self.show_unsure(unsure & (self.session.document.labels() == labelled))
            if self._unsure is not None:
                self._unsure = (self._unsure[0], labelled)

    def _drop_hint(self) -> None:
        """Once the user edits the segmenter's labels, they are no longer its labels."""
        if self.status.text() == SEGMENTER_HINT:
            self.status.setText("Edited labels: take styles or shapes when they fit the photo.")

    def refine_edges(self) -> None:
        """Snap the labels' borders to the photo's edges: one undo step."""
        doc = self.session.document
        labels = doc.labels()
        refined = refine_edges(self.image, labels)
        changed = refined != labels
        if not changed.any():
            self.status.setText("The label borders already follow the photo's edges.")
            return
        doc.begin("Refine edges")
        for c in np.unique(refined[changed]):
            mask = changed & (refined == c)
            command = PaintPixels.from_mask(doc.active_layer, mask, int(c), "Refine edges")
            if command is not None:
                doc.execute(command)
        doc.end()
        self.status.setText(
            f"Refine edges moved {int(changed.sum())} pixels onto the photo's edges."
        )

    def set_labels(self, labels: np.ndarray) -> None:
        self.show_unsure(None)
        self.session.replace_document(Document.from_labels(self.styles.doc.palette, labels))

    def label_automatically(self) -> None:
        self.status.setText("Labelling with the model's segmenter…")

        def done(result: Segmentation) -> None:
            self.set_labels(result.labels)
            self.show_unsure(result.unsure)
            self.status.setText(SEGMENTER_HINT)

        why = self.styles.label_photo(self.image, done)
        if why:
            self.status.setText(why)

    def _load_labels(self, path: Path | None = None) -> None:
        if path is None:
            folder = self.styles.editor.folder()
            chosen, _ = QFileDialog.getOpenFileName(self, "Reference labels", folder, "PNG (*.png)")
            if not chosen:
                return
            path = Path(chosen)
        try:
            labels = read_labels(path, self.image.shape[:2])
            if labels.max() >= len(self.styles.doc.palette):
                raise ValueError(f"{path}: ids above {len(self.styles.doc.palette) - 1}")
        except LABEL_ERRORS as exc:
            self.status.setText(str(exc))
            return
        self.set_labels(labels.astype(np.uint8))
        self.status.setText(f"Labels from {path.name}: correct them with the tools.")

    def reference(self) -> Reference:
        labels = self.session.document.labels().copy()
        return Reference(self.name, self.image, labels)


class ReferenceBox(QGroupBox):
    """Open a reference, take its styles (recipe 3, or global) or shapes (recipes 4, 6)."""

    def __init__(self, styles: StyleEditor, chosen: Callable[[], list[int]]) -> None:
        super().__init__("Reference")
        self.styles, self.chosen = styles, chosen
        self.thumb = QLabel("No reference")
        self.thumb.setFixedSize(96, 96)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.shape_slider = ValueSlider(0, 100, 100, "{} %")
        self.shape_slider.setToolTip(
            "How much of the reference's shape: 100 the reference's, 0 the document's own"
        )
        self.shape_slider.follow(
            lambda: styles.doc.gesture("Shape blend"), lambda v: styles.shape_alpha(1 - v / 100)
        )
        styles.editor.document_changed.connect(self._on_change)
        styles.editor.document_replaced.connect(self._show_shape_amount)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        actions = (
            ("Open…", "fa5s.image", self.open_reference),
            ("Edit labels…", "fa5s.pen", self.edit_labels),
            ("Take styles", "fa5s.eye-dropper", lambda: styles.apply_reference(self.chosen())),
            ("Take all", "fa5s.globe", lambda: styles.apply_reference(None)),
            ("Take shape", "fa5s.shapes", self.take_shape),
            ("Clear shapes", "fa5s.times", styles.clear_shapes),
        )
        for i, (text, icon, slot) in enumerate(actions):
            button = QPushButton(qta.icon(icon), text)
            button.clicked.connect(lambda _checked=False, run=slot: run())
            grid.addWidget(button, i // 2, i % 2)
            self.buttons[text] = button
        layout = QHBoxLayout(self)
        layout.addWidget(self.thumb)
        right = QVBoxLayout()
        right.addLayout(grid)
        row = QHBoxLayout()
        row.addWidget(QLabel("Shape"))
        row.addWidget(self.shape_slider.with_value(), 1)
        right.addLayout(row)
        self.fit = QCheckBox("Fit to the photo's colours")
        self.fit.setToolTip(
            "Take styles fitted so that each class gets the photo's colours and light "
            "(some seconds on a CPU). Off: the style encoder's tokens alone (the paper's path)"
        )
        self.fit.toggled.connect(self._set_fit)
        right.addWidget(self.fit)
        layout.addLayout(right, 1)
        styles.reference_changed.connect(self._show)
        styles.editor.live.model_ready.connect(lambda _info: self._show_fit())
        self._show_fit()

    def _show_fit(self) -> None:
        self.fit.blockSignals(True)
        self.fit.setChecked(self.styles.fit_steps() > 0)
        self.fit.blockSignals(False)

    def _set_fit(self, on: bool) -> None:
        self.styles.fit = on

    def _show(self) -> None:
        ref = self.styles.reference
        if ref is None:
            self.thumb.clear()
            self.thumb.setText("No reference")
        else:
            pixmap = rgb_to_pixmap(ref.image).scaled(
                96,
                96,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            self.thumb.setPixmap(pixmap)
            self.thumb.setToolTip(ref.name)

    def open_reference(
        self, path: Path | None = None, accept: bool = True
    ) -> ReferenceDialog | None:
        """Read a photo at the model's size and open the labelling dialog (not modal in
        tests: the caller gets the dialog); `accept`: OK makes it the style reference."""
        if path is None:
            folder = self.styles.editor.folder()
            chosen, _ = QFileDialog.getOpenFileName(self, "Reference image", folder, IMAGE_FILTER)
            if not chosen:
                return None
            path = Path(chosen)
        size = self.styles.doc.size
        try:
            beside = labels_beside(path)
            image = read_rgb(path, size, crop=beside is None)  # given labels fix the framing
            labels = None if beside is None else read_labels(beside, size).astype(np.uint8)
        except USER_ERRORS as exc:
            self.styles.editor.message.emit(str(exc))
            return None
        if labels is not None and labels.max() >= len(self.styles.doc.palette):
            labels = None  # not this model's ids: label it instead
        return self._dialog(path.name, image, labels, accept)

    def make_label_map(self, path: Path) -> ReferenceDialog | None:
        """A photo as a new document (GauGAN's "from a photo"): the segmenter labels it, the
        user corrects the labels in the dialog; OK opens them, with the photo kept as the new
        document's reference."""
        dialog = self.open_reference(path, accept=False)
        if dialog is None:
            return None
        dialog.setWindowTitle(f"Label map from {path.name}")

        def make() -> None:
            reference = dialog.reference()
            self.styles.editor.open_labels(reference.labels)
            self.styles.set_reference(reference)

        dialog.accepted.connect(make)
        return dialog

    def edit_labels(self) -> ReferenceDialog | None:
        ref = self.styles.reference
        if ref is None:
            self.styles.editor.message.emit("Open a reference image first")
            return None
        return self._dialog(ref.name, ref.image, ref.labels)

    def _dialog(
        self, name: str, image: np.ndarray, labels: np.ndarray | None, accept: bool = True
    ) -> ReferenceDialog:
        dialog = ReferenceDialog(self.styles, name, image, labels, self.window())
        if accept:
            dialog.accepted.connect(lambda: self.styles.set_reference(dialog.reference()))
        dialog.open()
        return dialog

    def take_shape(self) -> None:
        self.styles.transfer_shapes(self.chosen(), 1 - self.shape_slider.value() / 100)

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.SHAPES:
            self._show_shape_amount()

    def _show_shape_amount(self) -> None:
        """The slider follows the document: its shape edits' amount (after undo too), 100 %
        with none (cleared, or a new document)."""
        doc = self.styles.doc
        if not doc.in_gesture:
            amount = round((1 - doc.shapes[0].alpha) * 100) if doc.shapes else 100
            self.shape_slider.spring_back(amount)
