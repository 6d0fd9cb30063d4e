"""PreferencesDialog: the device, the live preview's mode, how often unsaved work is snapshotted
for crash recovery, the size File → New starts at and the guidance of new documents (the
model's own unless overridden)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QWidget,
)

from casa_studio.settings import Settings
from casa_studio.ui.live_preview import DEVICE_NAMES, LiveMode
from casa_studio.ui.menus import LIVE_MODES
from casa_studio.ui.new_document import PRESETS


class PreferencesDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        model_size: tuple[int, int] = (256, 256),
        parent: QWidget | None = None,
        model_guidance: float = 0.0,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.device = _combo([(text, name) for name, text in DEVICE_NAMES.items()], settings.device)
        self.device.setToolTip("Where the model runs; --device on the command line wins")
        self.live = _combo([(text, mode.value) for mode, text in LIVE_MODES], settings.live_mode)
        self.live.setToolTip("When the picture is rendered again after an edit")
        self.autosave = QSpinBox(minimum=0, maximum=3600, value=settings.autosave_seconds)
        self.autosave.setSuffix(" s")
        self.autosave.setSpecialValueText("off")
        self.autosave.setToolTip("Snapshot unsaved work for crash recovery (0: off)")
        mh, mw = model_size
        sizes: list[tuple[str, tuple[int, int] | None]] = [(f"The model's ({mw} x {mh})", None)]
        sizes += [(f"{n} x {n}", (n, n)) for n in PRESETS]
        if settings.new_document_size not in [size for _text, size in sizes]:
            h, w = settings.new_document_size or model_size
            sizes.append((f"{w} x {h}", (h, w)))
        self.new_size = _combo(sizes, settings.new_document_size)
        self.new_size.setToolTip("The size File → New starts at")
        self.model_guidance = QCheckBox("Use the model's default")
        self.guidance = QDoubleSpinBox(minimum=0.0, maximum=16.0, singleStep=0.5, decimals=1)
        self.guidance.setValue(model_guidance if settings.guidance is None else settings.guidance)
        self.guidance.setToolTip("How strongly each class keeps to its painted region")
        self.model_guidance.toggled.connect(lambda on: self.guidance.setEnabled(not on))
        self.model_guidance.setChecked(settings.guidance is None)
        self.guidance.setEnabled(settings.guidance is not None)
        guidance = QWidget()
        row = QHBoxLayout(guidance)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.model_guidance)
        row.addWidget(self.guidance)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Device", self.device)
        form.addRow("Live preview", self.live)
        form.addRow("Autosave every", self.autosave)
        form.addRow("New documents", self.new_size)
        form.addRow("Guidance of new documents", guidance)
        form.addRow(buttons)

    def apply_to(self, settings: Settings) -> None:
        """The dialog's choices, into `settings` (validated there)."""
        settings.device = self.device.currentData()
        settings.live_mode = LiveMode(self.live.currentData()).value
        settings.autosave_seconds = self.autosave.value()
        settings.new_document_size = self.new_size.currentData()
        settings.guidance = None if self.model_guidance.isChecked() else self.guidance.value()


def _combo(choices: Sequence[tuple[str, object]], current: object) -> QComboBox:
    box = QComboBox()
    for text, data in choices:
        box.addItem(text, data)
    box.setCurrentIndex(max(0, [data for _text, data in choices].index(current)))
    return box
