"""Batched rendering gives the same pictures as one by one; batch export falls back one by
one when a batch fails; running out of memory is a clear message and the service keeps working."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from casa_studio.core.shape_edits import ShapeEdit
from casa_studio.core.styles import TYPICAL
from casa_studio.engine.batch import render_many
from casa_studio.engine.batch_plan import BatchOptions
from casa_studio.engine.device import Placement, default_batch_size
from casa_studio.engine.errors import EngineError
from casa_studio.engine.renderer import ServiceRenderer
from casa_studio.engine.request import RenderRequest
from casa_studio.engine.service import InferenceService
from casa_studio.engine.worker import RenderWorker
from casa_studio.model.checkpoint import load_model

# Batching only changes how the matrix products are blocked: at most one grey level apart.
MAX_LEVELS = 1


def _service(folder: Path, dtype: torch.dtype = torch.float32) -> InferenceService:
    model, info = load_model(folder)
    return InferenceService(model, info, Placement(torch.device("cpu"), dtype))


def _labels(seed: int) -> np.ndarray:
    coarse = np.random.default_rng(seed).integers(0, 4, (4, 4))
    return np.kron(coarse, np.ones((8, 8), dtype=np.int64))


def _frames(service: InferenceService) -> list:
    frames = [(_labels(s), service.styles.noise_styles(s, _labels(s)).tokens, ()) for s in range(4)]
    reference = np.zeros((32, 32), np.int64)
    reference[4:28, 10:20] = 2
    labels = _labels(1)
    labels[:16, :16] = 2  # the edited class must be in the labels too
    frames[1] = (labels, frames[1][1], (ShapeEdit(2, reference, 0.25),))
    return frames


def _diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a.astype(int) - b.astype(int))


def test_a_batch_renders_the_same_pictures_as_one_by_one(tiny_folder: Path) -> None:
    service = _service(tiny_folder)
    frames = _frames(service)
    together = service.render_batch(frames)
    alone = [service.render(*frame) for frame in frames]
    assert len(together) == 4
    for batched, single in zip(together, alone, strict=True):
        assert batched.shape == (32, 32, 3) and batched.dtype == np.uint8
        assert _diff(batched, single).max() <= MAX_LEVELS
    assert not np.array_equal(together[0], together[2])  # distinct frames stay distinct


def test_in_bf16_a_batch_adds_no_error_to_the_precision_s_own(tiny_folder: Path) -> None:
    """bf16 rounds differently whenever the sums are blocked differently, so batched and
    single bf16 renders differ by a few levels; both must be as close to fp32 as each other."""
    exact = _service(tiny_folder)
    frames = _frames(exact)
    reference = [exact.render(*frame) for frame in frames]
    service = _service(tiny_folder, torch.bfloat16)
    together = service.render_batch(frames)
    for frame, batched, ref in zip(frames, together, reference, strict=True):
        single = _diff(service.render(*frame), ref)
        assert _diff(batched, ref).mean() <= 1.25 * single.mean() + 0.1
        assert _diff(batched, ref).max() <= single.max() + 2


def test_a_batch_checks_every_frame(tiny_folder: Path) -> None:
    service = _service(tiny_folder)
    frames = _frames(service)
    bad = frames[2][0].copy()
    bad[0, 0] = 9
    with pytest.raises(EngineError, match=r"ids \[9\] unknown"):
        service.render_batch([frames[0], (bad, frames[2][1], ())])
    with pytest.raises(EngineError, match="style tokens"):
        service.render_batch([(frames[0][0], frames[0][1][:, :3], ())])


def test_gpus_batch_by_default_and_cpus_do_not() -> None:
    assert default_batch_size(Placement(torch.device("cpu"), torch.float32)) == 1
    assert default_batch_size(Placement(torch.device("cuda"), torch.float16)) == 8


def _sources(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(count):
        path = folder / f"s{i}.png"
        Image.fromarray(_labels(10 + i).astype(np.uint8), "L").save(path)
        paths.append(path)
    return paths


def _written(summary) -> dict[str, np.ndarray]:
    return {p.name: np.asarray(Image.open(p)) for p in summary.written}


def test_batch_export_in_batches_writes_the_same_files(tiny_folder: Path, tmp_path: Path) -> None:
    service = _service(tiny_folder)
    sources = _sources(tmp_path / "src", 3)
    done: list[int] = []
    one = render_many(service, sources, tmp_path / "one", BatchOptions(seeds=2, batch_size=1))
    many = render_many(
        service,
        sources,
        tmp_path / "many",
        BatchOptions(seeds=2, batch_size=4),
        progress=done.append,
    )
    assert not many.failures and len(done) == 6 == sum(done)
    a, b = _written(one), _written(many)
    assert sorted(a) == sorted(b) == sorted(f"s{i}_seed{s}.png" for i in range(3) for s in (1, 2))
    for name in a:
        assert np.abs(a[name].astype(int) - b[name].astype(int)).max() <= MAX_LEVELS


def _out_of_memory_in_batches(service: InferenceService, monkeypatch: pytest.MonkeyPatch) -> list:
    """decode raises CUDA's out-of-memory error for batches of more than one image."""
    sizes: list[int] = []
    decode = service.model.decode

    def limited(z: torch.Tensor, tokens: torch.Tensor, **kw: bool):
        sizes.append(z.shape[0])
        if z.shape[0] > 1:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 9 GiB")
        return decode(z, tokens, **kw)

    monkeypatch.setattr(service.model, "decode", limited)
    return sizes


def test_out_of_memory_in_a_batch_falls_back_one_by_one(
    tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = _service(tiny_folder)
    sizes = _out_of_memory_in_batches(service, monkeypatch)
    summary = render_many(
        service, _sources(tmp_path / "src", 5), tmp_path / "out", BatchOptions(batch_size=4)
    )
    assert not summary.failures and len(summary.written) == 5
    # 4 fail together, go one by one; the next batches are 2 (fails) then 1 at a time
    assert sizes == [4, 1, 1, 1, 1, 1]


def test_out_of_memory_is_a_clear_message_and_the_next_render_works(
    tiny_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = _service(tiny_folder)
    frames = _frames(service)
    _out_of_memory_in_batches(service, monkeypatch)
    with pytest.raises(EngineError) as caught:
        service.render_batch(frames[:2])
    message = str(caught.value)
    assert message.startswith("out of memory on cpu (fp32) rendering 2 images of 32x32")
    assert "--batch-size" in message and "--device cpu" in message
    assert "Tried to allocate" not in message  # torch's own text is not what the user reads
    assert service.render(*frames[0]).shape == (32, 32, 3)


def test_the_worker_reports_out_of_memory_and_keeps_rendering(
    qtbot, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = _service(tiny_folder)
    latents = service.shape_latents
    calls = []

    def once_out_of_memory(*args: object) -> torch.Tensor:
        calls.append(1)
        if len(calls) == 1:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return latents(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "shape_latents", once_out_of_memory)
    worker = RenderWorker(lambda: ServiceRenderer(service))
    failed: list[tuple[str, int]] = []
    rendered: list[int] = []
    worker.failed.connect(lambda message, revision: failed.append((message, revision)))
    worker.rendered.connect(lambda result: rendered.append(result.revision))
    worker.start()
    try:
        worker.submit(RenderRequest(_labels(0).astype(np.uint8), (TYPICAL,) * 4, 1))
        qtbot.waitUntil(lambda: bool(failed), timeout=10000)
        worker.submit(RenderRequest(_labels(0).astype(np.uint8), (TYPICAL,) * 4, 2))
        qtbot.waitUntil(lambda: rendered == [2], timeout=10000)
    finally:
        worker.stop()
    assert failed[0][1] == 1 and failed[0][0].startswith("out of memory on cpu (fp32)")
