"""The batch sequence of a run, identical whether or not the run was interrupted."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch
from torch.utils.data import DataLoader, DistributedSampler

from casa_studio.data.dataset import PairedDataset
from casa_studio.training.distributed import World


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
        sampler = DistributedSampler(
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
