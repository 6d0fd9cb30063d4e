"""The datasets of a run and the batch sequence drawn from them, identical whether or not
the run was interrupted."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch
from torch.utils.data import DataLoader, DistributedSampler

from casa_studio.data.dataset import PairedDataset, list_pairs
from casa_studio.data.transforms import JointTransform
from casa_studio.model.config import GeneratorConfig
from casa_studio.training.config import TrainConfig
from casa_studio.training.distributed import World


def datasets(cfg: TrainConfig, config: GeneratorConfig) -> tuple[PairedDataset, PairedDataset]:
    """(training set with crops and flips, the same pairs resized for sample grids)."""
    listing = list_pairs(cfg.data, cfg.layout, "train")
    size = config.output_hw[0]
    load = round(size * 286 / 256)
    train = PairedDataset(
        listing.pairs, config.num_classes, JointTransform(size, load, True, seed=cfg.seed)
    )
    view = PairedDataset(listing.pairs[:4], config.num_classes, JointTransform(size, size, False))
    return train, view


def run_batches(
    dataset: PairedDataset,
    world: World,
    batch: int,
    seed: int,
    workers: int,
    current_step: Callable[[], int],
) -> Iterator[dict[str, torch.Tensor]]:
    """Endless batches from `current_step()` on: per-epoch shuffles from the seed, split over
    the processes, with the part of the epoch already trained skipped without loading it."""
    steps_per_epoch = len(dataset) // world.size // batch
    while True:
        epoch, offset = divmod(current_step(), steps_per_epoch)
        sampler: DistributedSampler[int] = DistributedSampler(
            dataset,
            num_replicas=world.size,
            rank=world.rank,
            shuffle=True,
            seed=seed,
            drop_last=True,
        )
        sampler.set_epoch(epoch)
        dataset.epoch = epoch
        indices = list(sampler)[offset * batch :]
        yield from DataLoader(
            dataset, batch_size=batch, sampler=indices, drop_last=True, num_workers=workers
        )
