"""Counts in messages: `1 article`, `2 articles` (the command line speaks English)."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and the noun, singular for one."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
