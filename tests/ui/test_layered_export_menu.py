"""File → Export layers, in the real window (fake renderer): the PSD and the OpenRaster file
hold the picture on screen on top, over the document's label layers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from psd_tools import PSDImage
from PySide6.QtWidgets import QFileDialog

from casa_studio.ui.main_window import MainWindow


def _answer_save_dialog(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    asked: list[str] = []

    def save_name(_parent: object, _title: str, start: str, filters: str) -> tuple[str, str]:
        asked.append(f"{Path(start).name} | {filters}")
        return str(path), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    return asked


def test_file_menu_exports_a_layered_psd(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _answer_save_dialog(monkeypatch, tmp_path / "scene.psd")
    action = window.action_for["export_psd"]
    assert action in window.menus["&File"].actions()
    action.trigger()
    assert asked == ["untitled.psd | Photoshop (*.psd)"]
    psd = PSDImage.open(tmp_path / "scene.psd")
    group, render = list(psd)
    shown = window.editor.current_image()
    assert shown is not None
    assert np.array_equal(np.asarray(render.topil().convert("RGB")), shown)
    assert render.visible and not group.visible
    names = [layer.name for layer in reversed(list(group))]
    assert names == [
        *(layer.name for layer in reversed(window.editor.document.layers)),
        "colour mask",
    ]


def test_file_menu_exports_openraster_with_the_render_on_top(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer_save_dialog(monkeypatch, tmp_path / "scene.ora")
    window.action_for["export_ora"].trigger()
    with zipfile.ZipFile(tmp_path / "scene.ora") as ora:
        root = ET.fromstring(ora.read("stack.xml")).find("stack")
        assert root is not None
        top = root[0]
        assert (top.get("name"), top.get("visibility")) == ("render", "visible")
        image = np.asarray(Image.open(ora.open(top.get("src", ""))))
        assert np.array_equal(image, window.editor.current_image())
