"""Rendering on CUDA: both generator sizes in fp32/fp16/bf16 against CPU fp32, batches that
never wait for the device, style encoding, the segmenter, attention maps, out of memory."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from casa_studio.engine.errors import EngineError
from tests.gpu.helpers import BUNDLED, TOLERANCE, levels, official_model, scene, service

pytestmark = pytest.mark.gpu

DTYPES = [torch.float32, torch.float16, torch.bfloat16]


@pytest.fixture(scope="module")
def official():
    return official_model()


def _frames(svc, count: int) -> list:
    """Scenes with random styles (typical ones when the model has no mapping network)."""
    cfg = svc.config
    frames = []
    for s in range(count):
        labels = scene(cfg.output_hw, cfg.num_classes, s)
        styles = (
            svc.styles.noise_styles(s) if svc.styles.has_mapping else svc.styles.typical_styles()
        )
        frames.append((labels, styles.tokens, ()))
    return frames


def _check_against_cpu(model, dtype: torch.dtype) -> None:
    cpu = service(model, "cpu", torch.float32)
    gpu = service(model, "cuda", dtype)
    mean_limit, p99_limit = TOLERANCE[dtype]
    for labels, tokens, edits in _frames(cpu, 2):
        expected = cpu.render(labels, tokens, edits)
        got = gpu.render(labels, tokens, edits)
        assert expected.std() > 5  # a picture, not a flat colour
        mean, p99 = levels(got, expected)
        assert mean <= mean_limit and p99 <= p99_limit, (dtype, mean, p99)


@pytest.mark.parametrize("dtype", DTYPES, ids=["fp32", "fp16", "bf16"])
def test_bundled_slim_model_on_cuda_matches_cpu_fp32(dtype: torch.dtype) -> None:
    _check_against_cpu(BUNDLED, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["fp32", "fp16", "bf16"])
def test_official_size_generator_on_cuda_matches_cpu_fp32(official, dtype: torch.dtype) -> None:
    _check_against_cpu(official, dtype)


def test_a_batch_on_cuda_never_waits_for_the_device_and_matches_one_by_one() -> None:
    gpu = service(BUNDLED)
    frames = _frames(gpu, 8)
    gpu.render_batch(frames[:1])  # warm-up: cuDNN picks its kernels (that may sync)
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")  # any host-device sync raises
    try:
        pixels = gpu.render_batch_on_device(frames)
    finally:
        torch.cuda.set_sync_debug_mode(0)
    together = list(pixels.cpu().numpy())
    for frame, image in zip(frames, together, strict=True):
        mean, p99 = levels(image, gpu.render(*frame))
        assert mean <= TOLERANCE[torch.float16][0] and p99 <= TOLERANCE[torch.float16][1]


def test_style_encoding_segmenter_and_attention_maps_on_cuda() -> None:
    cpu, gpu = service(BUNDLED, "cpu", torch.float32), service(BUNDLED)
    labels = scene(cpu.config.output_hw, cpu.config.num_classes, 4)
    photo = cpu.render(labels, cpu.styles.noise_styles(4).tokens)
    expected = cpu.references.encode_styles(photo, labels)
    encoded = gpu.references.encode_styles(photo, labels)
    assert encoded.present == expected.present
    scale = np.abs(expected.tokens).max()
    assert np.abs(encoded.tokens - expected.tokens).max() <= 0.02 * scale
    # the segmenter runs in fp32 on both: labels agree almost everywhere
    assert (gpu.references.segment(photo) == cpu.references.segment(photo)).mean() >= 0.99
    _, maps_cpu = cpu.render_with_attention(labels, expected.tokens)
    _, maps_gpu = gpu.render_with_attention(labels, expected.tokens)
    assert maps_gpu.shape == maps_cpu.shape == (cpu.config.num_classes, *cpu.config.output_hw)
    assert np.abs(maps_gpu - maps_cpu).mean() <= 0.01
    assert (maps_gpu.argmax(0) == maps_cpu.argmax(0)).mean() >= 0.98


def test_batch_export_on_cuda_in_batches(tmp_path) -> None:
    from PIL import Image

    from casa_studio.engine.batch import render_many
    from casa_studio.engine.batch_plan import BatchOptions
    from casa_studio.engine.device import default_batch_size

    gpu = service(BUNDLED)
    assert default_batch_size(gpu.placement) == 8
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        Image.fromarray(scene(gpu.config.output_hw, 11, 20 + i).astype(np.uint8), "L").save(
            src / f"s{i}.png"
        )
    sources = sorted(src.iterdir())
    batched = render_many(
        gpu, sources, tmp_path / "batched", BatchOptions(seeds=4)
    )  # default: 8 at a time
    single = render_many(gpu, sources, tmp_path / "single", BatchOptions(seeds=4, batch_size=1))
    assert not batched.failures and len(batched.written) == 12
    for a, b in zip(batched.written, single.written, strict=True):
        assert a.name == b.name
        mean, p99 = levels(np.asarray(Image.open(a)), np.asarray(Image.open(b)))
        assert mean <= TOLERANCE[torch.float16][0] and p99 <= TOLERANCE[torch.float16][1]


def test_real_out_of_memory_is_a_clear_message_and_rendering_goes_on(official) -> None:
    gpu = service(official)
    frames = _frames(gpu, 1) * 32
    torch.cuda.synchronize()
    torch.cuda.empty_cache()
    total = torch.cuda.get_device_properties(0).total_memory
    room = torch.cuda.memory_allocated() + 256 * 2**20  # the weights and 256 MiB more
    torch.cuda.set_per_process_memory_fraction(room / total)
    try:
        with pytest.raises(EngineError, match=r"out of memory on cuda \(fp16\) rendering 32"):
            gpu.render_batch(frames)
    finally:
        torch.cuda.set_per_process_memory_fraction(1.0)
    assert gpu.render(*frames[0]).std() > 5
