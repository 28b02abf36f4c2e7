"""Where a query's words stand in an article's body.

The body's syllables are found again (no word segmentation: syllables are split by a
regular expression, the same ones the index holds), which costs a few milliseconds an article
and keeps character offsets out of the index, where they were the largest part of it."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.analysis import fold_term
from indexer.segment import plain_syllables


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
    syllables = plain_syllables(body)
    starts: dict[str, list[int]] = {}  # folded syllable -> where it stands (syllable numbers)
    for number, syllable in enumerate(syllables):
        starts.setdefault(fold_term(syllable.text), []).append(number)
    spans: list[tuple[int, int]] = []
    for unit in units:
        length = len(unit.folded)
        found = [
            number for number in starts.get(unit.folded[0], ())
            if tuple(fold_term(s.text) for s in syllables[number : number + length]) == unit.folded
        ]
        if unit.exact:
            found = [n for n in found if tuple(s.text for s in syllables[n : n + length]) == unit.exact] or found
        spans += [(syllables[n].start, syllables[n + length - 1].end) for n in found]
    return spans
