"""The results history inside a `.casa` project: `results/history.json` (a pydantic schema:
each entry's thumbnail file, style sources, guidance and render time), one PNG thumbnail per
entry and `results/styles.safetensors` for the tokens of stored sources (references, library
styles). Written within a byte budget (the oldest entries go first); read back checked: entry
count, sources (one per class), every thumbnail's size from its header before decoding."""

from __future__ import annotations

import io
import zipfile
from typing import Annotated

import numpy as np
from PIL import Image
from pydantic import Field
from safetensors import SafetensorError
from safetensors.numpy import load as load_safetensors
from safetensors.numpy import save as save_safetensors

from casa_studio.core.results import MAX_RESULTS, THUMB, Result, ResultsHistory
from casa_studio.persistence.archive import read_member
from casa_studio.persistence.errors import PersistenceError
from casa_studio.persistence.images import decode
from casa_studio.persistence.manifest import MAX_CLASSES, Member, SourceEntry
from casa_studio.persistence.style_sources import TokenTable, read_sources, source_entry
from casa_studio.validation import Record, decode_json, parse

INDEX = "results/history.json"
TOKENS = "results/styles.safetensors"
MAX_BYTES = 4 << 20  # every thumbnail PNG together
MAX_INDEX_BYTES = 1 << 20
MAX_TOKEN_BYTES = 64 << 20
HISTORY_VERSION = 1


class ResultEntry(Record):
    image: Member
    sources: Annotated[list[SourceEntry], Field(min_length=1, max_length=MAX_CLASSES)]
    locality: Annotated[float, Field(ge=0.0, le=64.0)]
    seconds: Annotated[float, Field(ge=0.0, le=86400.0)] = 0.0


class HistoryIndex(Record):
    version: Annotated[int, Field(ge=1, le=HISTORY_VERSION)]
    entries: Annotated[list[ResultEntry], Field(max_length=MAX_RESULTS)]
    tokens: Member | None = None


def _png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image, "RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def write_history(archive: zipfile.ZipFile, history: ResultsHistory) -> None:
    """The newest entries whose thumbnails fit MAX_BYTES (nothing when the history is empty)."""
    kept: list[tuple[Result, bytes]] = []
    total = 0
    for result in reversed(history.entries):
        data = _png(result.image)
        if total + len(data) > MAX_BYTES:
            break
        kept.insert(0, (result, data))
        total += len(data)
    if not kept:
        return
    table = TokenTable()
    entries: list[ResultEntry] = []
    for i, (result, data) in enumerate(kept):
        name = f"results/{i}.png"
        archive.writestr(name, data)
        entries.append(
            ResultEntry(
                image=name,
                sources=[source_entry(s, table) for s in result.sources],
                locality=result.locality,
                seconds=result.seconds,
            )
        )
    tokens = table.array()
    if tokens is not None:
        archive.writestr(TOKENS, save_safetensors({"tokens": tokens}))
    index = HistoryIndex(
        version=HISTORY_VERSION, entries=entries, tokens=None if tokens is None else TOKENS
    )
    archive.writestr(INDEX, index.model_dump_json())  # written by the schema that reads it


def read_history(archive: zipfile.ZipFile, classes: int) -> ResultsHistory:
    """The project's history (empty when it has none); anything malformed is refused with the
    entry's name."""
    if INDEX not in archive.namelist():
        return ResultsHistory()
    raw = decode_json(read_member(archive, INDEX, MAX_INDEX_BYTES), INDEX, PersistenceError)
    index = parse(HistoryIndex, raw, INDEX, PersistenceError)
    tokens = _tokens(archive, index.tokens)
    results, total = [], 0
    for i, entry in enumerate(index.entries):
        if len(entry.sources) != classes:
            raise PersistenceError(
                f"{INDEX}: result {i} has {len(entry.sources)} style sources for {classes} classes"
            )
        data = read_member(archive, entry.image, MAX_BYTES, "result thumbnail")
        total += len(data)
        if total > MAX_BYTES:
            raise PersistenceError(f"{INDEX}: the thumbnails are over {MAX_BYTES >> 20} MB")
        sources = tuple(read_sources(entry.sources, tokens, classes))
        results.append(
            Result(_thumbnail(data, entry.image), sources, entry.locality, entry.seconds)
        )
    return ResultsHistory(results)


def _tokens(archive: zipfile.ZipFile, name: str | None) -> np.ndarray | None:
    if name is None:
        return None
    try:
        tokens = load_safetensors(read_member(archive, name, MAX_TOKEN_BYTES))["tokens"]
    except (SafetensorError, KeyError, ValueError) as exc:
        raise PersistenceError(f"{name}: unreadable style tokens ({exc!r})") from exc
    if tokens.ndim != 2 or tokens.dtype.kind != "f" or np.isinf(tokens).any():
        raise PersistenceError(f"{name}: not a table of finite style tokens")
    return tokens.astype(np.float32)


def _thumbnail(data: bytes, name: str) -> np.ndarray:
    def opener() -> Image.Image:
        image = Image.open(io.BytesIO(data))
        if max(image.size) > THUMB:
            raise PersistenceError(f"{name} is {image.width}x{image.height}, over {THUMB} px")
        return image

    return np.asarray(decode(opener, name).convert("RGB"))
