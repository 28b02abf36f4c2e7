"""The best fragment of a text around its matches, HTML-escaped, matches in <mark>."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from indexer.text.normalize import fold

SNIPPET_LENGTH = 240


def make_snippet(text: str, spans: list[tuple[int, int]], length: int = SNIPPET_LENGTH) -> str:
    """A fragment of about `length` characters of `text` with the most distinct matches.

    `spans` are (start, end) character offsets of matches in `text`. Without matches the
    fragment is the start of the text.
    """
    spans = sorted(set(spans))
    start = _best_window(text, spans, length)
    spans = _merge_adjacent(text, spans)
    end = min(len(text), start + length)
    if start > 0:
        start = _word_start(text, start)
    if end < len(text):
        end = _word_end(text, end)
    pieces = ["…"] if start > 0 else []
    cursor = start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return " ".join("".join(pieces).split())


def mark_all(text: str, spans: list[tuple[int, int]]) -> str:
    """The whole text, HTML-escaped, with every span in <mark>."""
    pieces, cursor = [], 0
    for start, end in _merge_adjacent(text, sorted(set(spans))):
        pieces += [escape(text[cursor:start]), f"<mark>{escape(text[start:end])}</mark>"]
        cursor = end
    pieces.append(escape(text[cursor:]))
    return "".join(pieces)


def _merge_adjacent(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One mark for matches separated only by spaces (not lines): `<mark>Thành uỷ</mark>`."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and merged[-1][1] <= start and not text[merged[-1][1] : start].strip(" \t\u00a0"):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif not merged or start >= merged[-1][1]:
            merged.append((start, end))
    return merged


def _best_window(text: str, spans: list[tuple[int, int]], length: int) -> int:
    """Start of the window that holds the most distinct matched words (then the most matches),
    beginning a little before its first match so the reader sees some context."""
    keys = [_folded(text[start:end]) for start, end in spans]
    best_start, best_key = 0, (0, 0)
    last = 0
    for first, (start, _) in enumerate(spans):
        # `last` only moves forward: each window ends where the next one's search begins.
        last = max(last, first)
        while last < len(spans) and spans[last][1] <= start + length:
            last += 1
        key = (len(set(keys[first:last])), last - first)
        if key > best_key:
            best_start, best_key = start, key
    if best_key == (0, 0):
        return 0
    # Up to a fifth of the window before the first match, from the start of its sentence or line.
    lead = max(0, best_start - length // 5)
    boundary = max(text.rfind(". ", lead, best_start), text.rfind("\n", lead, best_start))
    return boundary + 1 if boundary >= 0 else lead


@lru_cache(maxsize=4096)
def _folded(word: str) -> str:
    return fold(word)  # the same words come back in every snippet


def _word_start(text: str, at: int) -> int:
    """Move forward to the start of the next word unless `at` already is one."""
    while at < len(text) and not text[at].isspace() and at > 0 and not text[at - 1].isspace():
        at += 1
    return at


def _word_end(text: str, at: int) -> int:
    """Move forward to the end of the word `at` stands in, so no word is cut in half."""
    while at < len(text) and not text[at].isspace():
        at += 1
    return at
