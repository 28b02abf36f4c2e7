"""Where a query's words stand in an article's body, from the character offsets in the index
(no segmentation at query time)."""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.reading import IndexReader

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


def body_spans(reader: IndexReader, docnum: int, body: str, units: list[Highlight]) -> list[tuple[int, int]]:
    """Character spans in `body` (the stored body of `docnum`) for every unit. A unit typed
    with marks marks the same marks when the body has them (so `Đảng` does not mark every
    `đang`), else any folded variant."""
    spans: list[tuple[int, int]] = []
    for unit in units:
        found = _unit_spans(reader, "body_fold", unit.folded, docnum)
        if unit.exact:
            exact = [(start, end) for start, end in found if _syllables(body[start:end]) == unit.exact]
            found = exact or found
        spans += found
    return spans


def _syllables(text: str) -> tuple[str, ...]:
    return tuple(s.text for s in plain_syllables(text))


def _unit_spans(reader: IndexReader, field: str, terms: tuple[str, ...], docnum: int) -> list[tuple[int, int]]:
    postings = [_postings(reader, field, term, docnum) for term in terms]
    if not all(postings):
        return []
    # A phrase is there where its syllables follow each other position by position.
    following = [{pos: end for pos, _, end in p} for p in postings[1:]]
    spans = []
    for pos, start, end in postings[0]:
        for offset, positions in enumerate(following, start=1):
            if pos + offset not in positions:
                break
            end = positions[pos + offset]
        else:
            spans.append((start, end))
    return spans


def _postings(reader: IndexReader, field: str, term: str, docnum: int) -> list[tuple[int, int, int]]:
    """(position, start, end) of every occurrence of a term in one document."""
    if (field, term) not in reader:
        return []
    matcher = reader.postings(field, term)
    matcher.skip_to(docnum)
    if not matcher.is_active() or matcher.id() != docnum:
        return []
    return matcher.value_as("characters")
