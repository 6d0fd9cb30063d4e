"""The `sharp` training recipe: a discriminator that can see texture (no instance norm, R1),
noise injection, the logged signals, a discriminator that travels with the model folder, and a
wall-time budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from casa_studio.data.errors import DataError
from casa_studio.model.checkpoint import load_model
from casa_studio.model.config import preset
from casa_studio.model.discriminator import (
    FILE as D_FILE,
)
from casa_studio.model.discriminator import (
    MultiscaleDiscriminator,
    load_discriminator,
    save_discriminator,
)
from casa_studio.model.generator import CA2SISGenerator
from casa_studio.model.losses import r1_penalty
from casa_studio.model.ops import one_hot
from casa_studio.training.config import TrainConfig
from casa_studio.training.loop import Trainer
from casa_studio.training.package import package_run
from casa_studio.training.run_dir import CHECKPOINT
from tests.training.conftest import tiny_trainer

QUICK = {"iters": 4, "log_every": 2, "sample_every": 100, "checkpoint_every": 100}


def _trainer(world_dir: Path, out: Path, **changes: object) -> Trainer:
    return tiny_trainer(world_dir, out, **(QUICK | changes))


def _labels(config, seed: int = 0) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    h, w = config.output_hw
    return one_hot(
        torch.randint(0, config.num_classes, (2, h, w), generator=gen), config.num_classes
    )


def test_recipes_differ_where_the_card_says() -> None:
    sharp = TrainConfig(data="d", out="o")
    paper = sharp.updated(recipe="paper")
    assert (sharp.d_norm, sharp.r1_weight, sharp.l1_weight, sharp.noise_stages) == (
        "none",
        1.0,
        1.0,
        3,
    )
    assert (paper.d_norm, paper.r1_weight, paper.l1_weight, paper.noise_stages) == (
        "instance",
        0.0,
        10.0,
        0,
    )
    assert (sharp.guide_strength, paper.guide_strength) == (4.0, 0.0)
    assert sharp.updated(locality=0).guide_strength == 0.0
    with pytest.raises(DataError, match="locality"):
        sharp.updated(locality=-1)
    # a run folder from before recipes existed resumes with the paper's recipe
    assert TrainConfig.from_dict({"data": "d", "out": "o"}).recipe == "paper"
    with pytest.raises(DataError, match="recipe"):
        sharp.updated(recipe="blurry")


def test_noise_injection_starts_as_identity_and_renders_deterministically() -> None:
    config = preset("tiny")
    torch.manual_seed(0)
    plain = CA2SISGenerator(config).eval()
    noisy = CA2SISGenerator(config.__class__.from_dict(config.to_dict() | {"noise_stages": 2}))
    missing, _ = noisy.load_state_dict(plain.state_dict(), strict=False)
    assert sorted(missing) == ["noise3.weight", "noise4.weight"]  # the last two stages only
    noisy.eval()
    onehot = _labels(config)
    image = torch.rand(2, 3, *config.output_hw) * 2 - 1
    with torch.no_grad():
        assert torch.equal(noisy(image, onehot), plain(image, onehot))  # zero-initialised
        for module in (noisy.noise3, noisy.noise4):
            module.weight.fill_(0.5)
        first, second = noisy(image, onehot), noisy(image, onehot)
    assert torch.equal(first, second)  # a fixed pattern at inference: no flicker
    assert not torch.equal(first, plain(image, onehot))


def test_discriminator_without_instance_norm_and_r1() -> None:
    d = MultiscaleDiscriminator(4, norm="none")
    assert not any(isinstance(m, torch.nn.InstanceNorm2d) for m in d.modules())
    assert set(d.state_dict()) == set(MultiscaleDiscriminator(4).state_dict())  # same layout
    real = (torch.rand(2, 3, 32, 32) * 2 - 1).requires_grad_(True)
    onehot = _labels(preset("tiny"))
    penalty = r1_penalty(d(onehot, real), real)
    assert torch.isfinite(penalty) and penalty > 0
    penalty.backward()
    weights = [p for name, p in d.named_parameters() if "weight" in name]  # biases: no effect
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in weights)
    with pytest.raises(ValueError, match="norm"):
        MultiscaleDiscriminator(4, norm="batch")


def test_discriminator_file_round_trip_and_hostile_metadata(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    d = MultiscaleDiscriminator(4, norm="none")
    save_discriminator(d, tmp_path)
    loaded = load_discriminator(tmp_path, 4)
    assert loaded is not None and loaded.norm == "none"
    for key, value in d.state_dict().items():
        assert torch.allclose(loaded.state_dict()[key], value.half().float()), key
    with pytest.raises(ValueError, match="made for 4 classes"):
        load_discriminator(tmp_path, 5)
    assert load_discriminator(tmp_path / "missing", 4) is None
    meta = {"num_classes": "4", "scales": "2", "width": "100000", "norm": "none"}
    save_file({"x": torch.zeros(1)}, str(tmp_path / D_FILE), metadata=meta)
    with pytest.raises(ValueError, match="out of range"):  # refused before building 100k wide
        load_discriminator(tmp_path, 4)


def test_sharp_run_logs_the_adversarial_signal_and_ships_its_discriminator(
    world_dir: Path, tmp_path: Path
) -> None:
    trainer = _trainer(world_dir, tmp_path / "runs", log_every=1)
    assert trainer.G.config.noise_stages == 3
    trainer.fit()
    records = [
        json.loads(line) for line in (trainer.run / "metrics.jsonl").read_text().splitlines()
    ]
    logged = set().union(*records)
    assert {"d_gap", "d_r1", "grad_gan", "grad_fm", "grad_l1"} <= logged
    assert all(r["grad_gan"] > 0 for r in records if "grad_gan" in r)
    folder = tmp_path / "model"
    package_run(trainer.run, folder)
    assert (folder / D_FILE).is_file()
    # a fine-tune from the folder starts from that discriminator, not a blind one
    tuned = _trainer(world_dir, tmp_path / "runs", init=str(folder), iters=1)
    shipped = trainer.D.state_dict()
    for key, value in tuned.D.state_dict().items():
        assert torch.allclose(value, shipped[key].half().float()), key
    # ... and a paper-recipe fine-tune does not take a D of another kind
    paper = _trainer(world_dir, tmp_path / "runs", init=str(folder), iters=1, recipe="paper")
    assert paper.D.norm == "instance"


def test_fine_tune_adds_noise_stages_to_a_model_without_them(
    world_dir: Path, tmp_path: Path
) -> None:
    base = _trainer(world_dir, tmp_path / "runs", recipe="paper", iters=1)
    base.fit()
    folder = tmp_path / "paper-model"
    package_run(base.run, folder)
    before, _ = load_model(folder)
    assert before.config.noise_stages == 0
    assert before.config.default_locality == 0  # a paper-recipe model: the paper's forward
    assert "default attention guidance: 0" in (folder / "MODEL_CARD.md").read_text()
    tuned = _trainer(world_dir, tmp_path / "runs", init=str(folder), iters=1)
    assert tuned.G.config.noise_stages == 3
    assert tuned.G.config.default_locality == 4.0  # guided: the strength it trains with
    onehot = _labels(before.config)
    image = torch.rand(2, 3, *before.config.output_hw) * 2 - 1
    with torch.no_grad():
        assert torch.equal(tuned.G.eval()(image, onehot), before(image, onehot))


def test_d_warmup_trains_only_the_discriminator(world_dir: Path, tmp_path: Path) -> None:
    trainer = _trainer(world_dir, tmp_path / "runs", d_warmup=2, iters=2)
    g_before = {k: v.clone() for k, v in trainer.G.state_dict().items()}
    d_before = {k: v.clone() for k, v in trainer.D.state_dict().items()}
    trainer.fit()
    assert all(torch.equal(v, g_before[k]) for k, v in trainer.G.state_dict().items())
    assert any(not torch.equal(v, d_before[k]) for k, v in trainer.D.state_dict().items())


def test_a_time_budget_stops_with_a_checkpoint(world_dir: Path, tmp_path: Path) -> None:
    trainer = _trainer(world_dir, tmp_path / "runs", iters=1000)
    trainer.fit(minutes=0.0)
    assert trainer.step < 1000
    assert (trainer.run / CHECKPOINT).is_file()


def test_train_for_minutes_and_package_in_one_command(world_dir: Path, tmp_path: Path) -> None:
    """The documented GPU command (here on CPU): train the recipe from a model folder for a
    time budget and package the result, the segmenter carried over from --init."""
    from casa_studio.cli import main
    from casa_studio.model.segmenter import (
        Segmenter,
        SegmenterConfig,
        load_segmenter,
        save_segmenter,
    )

    start = _trainer(world_dir, tmp_path / "runs", iters=1)
    start.fit()
    base = tmp_path / "base"
    package_run(start.run, base)
    classes = start.G.config.num_classes  # the world's
    save_segmenter(Segmenter(SegmenterConfig(classes, width=8, depth=2, input_size=32)), base)
    out = tmp_path / "tuned"
    args = ["train", "--data", str(world_dir), "--config", "tiny", "--init", str(base)]
    args += ["--out", str(tmp_path / "runs"), "--iters", "3", "--minutes", "5"]
    assert main([*args, "--package-to", str(out)]) == 0
    g, info = load_model(out)
    assert info.config.name == "tuned" and g.config.noise_stages == 3
    assert load_discriminator(out, classes) is not None
    assert load_segmenter(out, classes) is not None
    # like `models package`: an existing folder only with --overwrite, then replaced whole
    (out / "stale.txt").write_text("old")
    assert main([*args, "--package-to", str(out)]) == 2  # refused before training
    assert main([*args, "--package-to", str(out), "--overwrite"]) == 0
    assert not (out / "stale.txt").exists() and load_discriminator(out, classes) is not None


def _training_guides(trainer) -> list[float | None]:
    """Run the trainer; the guidance strength each training forward (with logits) was given."""
    seen: list[float | None] = []
    decode = trainer.G.decode

    def spy(z, tokens, *, logits=False, guide=None):
        if logits:
            seen.append(None if guide is None else float(guide.max()))
        return decode(z, tokens, logits=logits, guide=guide)

    trainer.G.decode = spy
    trainer.fit()
    return seen


def test_sharp_run_trains_every_other_step_with_the_attention_guidance(
    world_dir: Path, tmp_path: Path
) -> None:
    """The decoder sees the painted mask at every stage on odd steps (what the app renders
    with), the paper's forward on even steps; a paper run never guides."""
    sharp = tiny_trainer(world_dir, tmp_path / "s", iters=4, locality=2.5)
    assert _training_guides(sharp) == [None, 2.5, None, 2.5]
    paper = tiny_trainer(world_dir, tmp_path / "p", iters=2, recipe="paper")
    assert _training_guides(paper) == [None, None]
