"""Facet counts over a whole result set, as plain data: value, count, selected.

Each facet's values are read once per segment from its column and kept (`indexer.cache`);
counting a result set is then one lookup per matching article.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from itertools import chain
from typing import Any

from whoosh.searching import Searcher

from indexer.cache import SegmentCache
from indexer.schema import LIST_FACETS, split_list
from indexer.scoring import by_segment


def facet_counts(searcher: Searcher, docnums: Collection[int], names: Iterable[str]) -> dict[str, Counter[str]]:
    """How many of `docnums` (document numbers of `searcher`) have each value of each facet."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in names}
    for leaf, _, local in by_segment(searcher, docnums):
        for name, counter in counts.items():
            values = column_values(leaf, name)
            found = map(values.__getitem__, local)
            counter.update(chain.from_iterable(found) if name in LIST_FACETS else found)
    return counts


def column_values(leaf: Searcher, name: str) -> list[Any]:
    """A column's value for each document of one segment: a tuple of values for the
    facets with several per article."""
    def read() -> list[Any]:
        # A segment without the column gives the column's default for every document.
        column = leaf.reader().column_reader(name, translate=False)
        if name in LIST_FACETS:
            return [tuple(split_list(value.decode("utf-8"))) for value in column]
        if name == "date":  # numbers, as Whoosh sorts them: no date is the largest
            return list(column)
        return [value.decode("utf-8") if isinstance(value, bytes) else value for value in column]

    return _columns.get((leaf.reader().segment().segment_id(), name), read)


def date_values(searcher: Searcher) -> Callable[[int], int]:
    """The date column's value of a document of `searcher` (a number, for sorting)."""
    leaves = list(searcher.leaf_searchers())
    offsets = [offset for _, offset in leaves]
    columns = [column_values(leaf, "date") for leaf, _ in leaves]

    def date(docnum: int) -> int:
        segment = bisect_right(offsets, docnum) - 1
        return columns[segment][docnum - offsets[segment]]

    return date


def facet_values(groups: dict[Any, int], selected: list[str], limit: int) -> list[dict[str, Any]]:
    """The most frequent values (and every selected one), most frequent first."""
    counts = {value: count for value, count in groups.items() if value}
    for value in selected:
        counts.setdefault(value, 0)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ranked[:limit] + [item for item in ranked[limit:] if item[0] in selected]
    return [{"value": value, "count": count, "selected": value in selected} for value, count in shown]


# A segment's columns: the 7 facets and the date, for the segments of the last searches.
_columns: SegmentCache[list[Any]] = SegmentCache(1024)
