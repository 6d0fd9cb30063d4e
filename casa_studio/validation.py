"""The door every file passes: a regular file within its byte budget (never a device, pipe or
folder, whatever a symlink points at), JSON read with a size and nesting cap, then checked
against a pydantic schema, every violation becoming the caller's own error in one sentence that
names the file and the field. Leaf module (stdlib + pydantic), importable from any layer."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_JSON_BYTES = 16 << 20
MAX_DEPTH = 32

Schema = TypeVar("Schema", bound=BaseModel)

Byte = Annotated[int, Field(ge=0, le=255)]
Name = Annotated[str, Field(max_length=256)]


class Record(BaseModel):
    """Base of every on-disk schema: unknown keys are ignored, numbers must be finite."""

    model_config = ConfigDict(extra="ignore", frozen=True, allow_inf_nan=False)


def _depth(value: Any) -> int:
    """Nesting depth of decoded JSON, iteratively (no recursion on hostile input)."""
    if not isinstance(value, dict | list):
        return 0
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:
            children = item.values() if isinstance(item, dict) else item
            stack.extend((c, level + 1) for c in children if isinstance(c, dict | list))
    return deepest


def _constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def decode_json(text: str | bytes, source: str, error: type[Exception]) -> Any:
    """Decode JSON text, refusing NaN/Infinity and nesting deeper than MAX_DEPTH."""
    try:
        raw = json.loads(text, parse_constant=_constant)
    except RecursionError:
        raise error(f"{source}: nested deeper than {MAX_DEPTH} levels.") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise error(f"{source}: not valid JSON ({exc}).") from None
    if _depth(raw) > MAX_DEPTH:
        raise error(f"{source}: nested deeper than {MAX_DEPTH} levels.")
    return raw


def _megabytes(count: int) -> str:
    return f"{count / (1 << 20):.3g} MB"


def check_file(path: Path, max_bytes: int, error: type[Exception]) -> int:
    """The size of `path`, a regular file (after following symlinks) of at most `max_bytes`;
    anything else raises `error` before a byte is read (a link to /dev/zero reads forever, a
    pipe blocks the opening)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path}: file not found.") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path}: a folder, not a file.")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{path}: not a regular file (a device, pipe or socket), so it is not read.")
    if info.st_size > max_bytes:
        raise error(
            f"{path}: {_megabytes(info.st_size)}, over the {_megabytes(max_bytes)} budget for "
            "this kind of file."
        )
    return info.st_size


def read_json(path: Path, error: type[Exception], max_bytes: int = MAX_JSON_BYTES) -> Any:
    """A JSON file of at most `max_bytes` (see `check_file`), decoded as by `decode_json`."""
    check_file(path, max_bytes, error)
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if len(data) > max_bytes:
        raise error(f"{path}: over the {_megabytes(max_bytes)} budget for this kind of file.")
    return decode_json(data, str(path), error)


def _field(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def problem(exc: ValidationError, source: str) -> str:
    """The first problem pydantic found, without a full stop: file, field, what is wrong."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    missing = [_field(tuple(e["loc"])) for e in errors if e["type"] == "missing"]
    if first["type"] == "missing":
        names = ", ".join(f"'{name}'" for name in missing)
        return f"{source}: required field{'s' if len(missing) > 1 else ''} {names} missing"
    message = str(first["msg"]).removeprefix("Value error, ").rstrip(".")
    if not first["loc"]:  # a check across fields names its fields itself
        return f"{source}: {message}"
    shown = repr(first.get("input"))
    got = f" (found {shown[:40]}{'…' if len(shown) > 40 else ''})" if "input" in first else ""
    where = _field(tuple(first["loc"]))
    return f"{source}: field '{where}': {message[:1].lower()}{message[1:]}{got}"


def describe(exc: ValidationError, source: str) -> str:
    """`problem` as one sentence, counting the other problems."""
    errors = exc.errors(include_url=False)
    shown = sum(e["type"] == "missing" for e in errors) if errors[0]["type"] == "missing" else 1
    more = len(errors) - shown
    extra = f", and {more} more problem{'s' if more > 1 else ''}" if more else ""
    return f"{problem(exc, source)}{extra}."


def parse(schema: type[Schema], raw: Any, source: str, error: type[Exception]) -> Schema:
    """`raw` checked against `schema`; a violation raises `error` naming `source` and the field."""
    if not isinstance(raw, dict):
        raise error(f"{source}: expected a JSON object, found {type(raw).__name__}.")
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        raise error(describe(exc, source)) from None
    except (RecursionError, OverflowError) as exc:
        raise error(f"{source}: {type(exc).__name__} while checking the fields.") from None


def load(
    schema: type[Schema], path: Path, error: type[Exception], max_bytes: int = MAX_JSON_BYTES
) -> Schema:
    """Read (at most `max_bytes`) and check one JSON file in one step."""
    return parse(schema, read_json(path, error, max_bytes), str(path), error)
