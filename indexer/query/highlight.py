"""Where a query's words stand in an article's body.

The index keeps no character offsets (they were the largest part of it), so the query's
syllables are found again in the stored body: folded character for character and searched
with a regular expression, or, for a body that cannot be folded that way (decomposed marks,
invisible characters), split into syllables as the index splits them (no word segmentation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from indexer.text.analysis import fold_term
from indexer.text.normalize import canonical, canonical_iy, fold_in_place, has_marks
from indexer.text.segment import plain_syllables


@dataclass(frozen=True)
class Highlight:
    """What to mark: one syllable, or a quoted phrase (its syllables next to each other).
    `exact` holds the syllables as typed when the query carries marks, else None."""

    exact: tuple[str, ...] | None
    folded: tuple[str, ...]

    @classmethod
    def of(cls, syllables: list[str], use_marks: bool) -> Highlight:
        return cls(tuple(syllables) if use_marks else None, tuple(fold_term(s) for s in syllables))


def body_spans(body: str, units: list[Highlight]) -> list[tuple[int, int]]:
    """Character spans in `body` for every unit. A unit typed with marks marks the same marks
    when the body has them (so `Đảng` does not mark every `đang`), else any folded variant."""
    folded = fold_in_place(body)
    syllables = _folded_syllables(body) if folded is None else []
    # The query's single syllables found in one pass over the text, not one pass each.
    singles = (
        _found_singles(folded, tuple(sorted({u.folded[0] for u in units if len(u.folded) == 1})))
        if folded
        else {}
    )
    spans: list[tuple[int, int]] = []
    for unit in units:
        if folded is None:
            found = _found_in_syllables(syllables, unit)
        else:
            found = singles.get(unit.folded[0], []) if len(unit.folded) == 1 else _found_folded(folded, unit)
        if unit.exact:
            found = [(a, b) for a, b in found if _syllables_as_written(body[a:b]) == unit.exact] or found
        spans += found
    return spans


class WrittenIn:
    """A text, folded once, in which to look for what a query wrote (`holds`)."""

    def __init__(self, text: str) -> None:
        folded = fold_in_place(text)
        if folded is None:  # invisible characters or decomposed marks: made canonical, for a yes or no
            text = canonical(text)
            folded = fold_in_place(text)
        self.text, self.folded = text, folded

    def holds(self, written: str) -> bool:
        """Whether the text holds `written` as it was typed, case aside, and marks too unless
        it has some (`PC45 bắt` is not `PC45 bất`): the same punctuation inside and between its
        words (`92C-046`, not `92C - 046`; `karaoke vũ`, not `Karaoke, vũ`), as whole words
        (not the start of `Praha-Budapest`)."""
        pattern = _written_pattern(written)
        if self.folded is None or pattern is None:
            return False
        marked = _syllables_as_written(written) if has_marks(written) else None
        return any(
            marked is None or _syllables_as_written(self.text[match.start() : match.end()]) == marked
            for match in pattern.finditer(self.folded)
        )


@lru_cache(maxsize=256)
def _written_pattern(written: str) -> re.Pattern[str] | None:
    """`written`'s words folded (as `fold_in_place` folds them), what stands between them as
    typed (any spaces as any spaces); punctuation before the first and after the last left out."""
    pieces = _WORD_RUN.split(written)[1:-1]  # words at odd places, what stands between at even
    if not pieces:
        return None
    pattern = "".join(
        _as_written(canonical_iy(fold_term(piece)))
        if number % 2 == 0
        else "".join(r"\s+" if part.isspace() else re.escape(part) for part in re.findall(r"\s+|\S+", piece))
        for number, piece in enumerate(pieces)
    )
    return re.compile(rf"(?<![^\W_])(?<![^\W_]-){pattern}(?![^\W_])(?!-[^\W_])")


_WORD_RUN = re.compile(r"([^\W_]+)")


def _found_folded(folded: str, unit: Highlight) -> list[tuple[int, int]]:
    # Overlapping matches too (`tin tin tin` holds `tin tin` twice), as syllables would give.
    return [match.span(1) for match in _pattern(unit.folded).finditer(folded)]


def _found_singles(folded: str, words: tuple[str, ...]) -> dict[str, list[tuple[int, int]]]:
    """Where each of these (folded) syllables stands, as whole syllables."""
    found: dict[str, list[tuple[int, int]]] = {}
    if words:
        for match in _any_of(words).finditer(folded):
            start = match.start()
            if not (start and folded[start - 1].isalnum()):  # what `(?<![^\W_])` says, but faster
                found.setdefault(canonical_iy(match.group()), []).append(match.span())
    return found


@lru_cache(maxsize=256)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of these syllables, where a syllable ends (they cannot overlap: one match at a time
    will do). Whether one also begins a syllable is for the caller to check: a lookbehind
    here is tried at every character and doubles the time of a search through a body. A match
    inside a word ends where that word does, so it hides no whole syllable that follows."""
    return re.compile(rf"(?:{'|'.join(map(_as_written, words))})(?![^\W_])")


@lru_cache(maxsize=256)
def _pattern(folded: tuple[str, ...]) -> re.Pattern[str]:
    """Whole syllables, one after the other, whatever stands between them."""
    syllables = r"[\W_]+".join(map(_as_written, folded))
    return re.compile(rf"(?<![^\W_])(?=({syllables})(?![^\W_]))")


def _as_written(syllable: str) -> str:
    """A folded syllable as a regular expression over `fold_in_place`'s text, which keeps `i`
    and `y` as written: `ky` (from `kĩ` or `kỹ`) is `k[iy]`."""
    if syllable.endswith("y") and canonical_iy(syllable[:-1] + "i") == syllable:
        return re.escape(syllable[:-1]) + "[iy]"
    if canonical_iy(syllable) != syllable:  # `ki` as no query gives it (`ｋı`): it matches nothing
        return "(?!)"
    return re.escape(syllable)


@lru_cache(maxsize=4096)
def _syllables_as_written(text: str) -> tuple[str, ...]:
    """The syllables of a matched stretch of a body, marks kept (the same words come back in
    every body, so they are split once)."""
    return tuple(s.text for s in plain_syllables(text))


def _folded_syllables(body: str) -> list[tuple[str, int, int]]:
    return [(fold_term(s.text), s.start, s.end) for s in plain_syllables(body)]


def _found_in_syllables(syllables: list[tuple[str, int, int]], unit: Highlight) -> list[tuple[int, int]]:
    length = len(unit.folded)
    return [
        (syllables[n][1], syllables[n + length - 1][2])
        for n in range(len(syllables) - length + 1)
        if all(syllables[n + i][0] == unit.folded[i] for i in range(length))
    ]
