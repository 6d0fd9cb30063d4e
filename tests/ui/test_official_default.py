"""An imported official checkpoint in the real window: with nothing set, the live preview is
the authors' forward within 1 grey level (the model's default guidance is 0)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from casa_studio.cli import main
from casa_studio.engine.device import cpu_runs_bf16_natively
from casa_studio.model.folder import read_config
from casa_studio.ui.app import build_window
from casa_studio.ui.live_preview import RenderState
from tests.model.official_layout import official_layout, papers_forward, synthesize_vivid


@pytest.mark.slow
@pytest.mark.skipif(cpu_runs_bf16_natively(), reason="auto precision is bf16 on this CPU")
def test_the_editor_renders_an_official_checkpoint_as_the_paper_by_default(
    qtbot, tmp_path: Path
) -> None:
    state = synthesize_vivid(official_layout())
    torch.save(state, tmp_path / "latest_net_G.pth")
    folder = tmp_path / "official"
    imported = ["models", "import-official", str(tmp_path / "latest_net_G.pth")]
    assert main([*imported, "--dataset", "celebamask-hq", "-o", str(folder)]) == 0
    win = build_window(str(folder), device="cpu")
    win.show()
    try:
        live = win.editor.live
        qtbot.waitUntil(lambda: live.state is RenderState.UP_TO_DATE, timeout=180000)
        assert win.style_panel.locality.locality() == 0
        assert live.info is not None and live.result is not None
        labels = win.editor.document.labels()
        paper = papers_forward(state, labels, live.info.typical, read_config(folder))
    finally:
        win.hide()
        win.close()
    assert np.abs(live.result.image.astype(np.int64) - paper).max() <= 1
