"""Counts in messages said in good English: "1 image", "2 images"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str = "") -> str:
    """`count` and `noun`, the noun in the plural unless the count is one (`plural` for nouns
    whose plural is not noun + "s")."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
