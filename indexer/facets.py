"""Facet counts over a whole result set, as plain data: value, count, selected.

Each facet's column is read once per segment and kept (`indexer.cache`) as an array of value
codes; counting a result set is then one `bincount` per segment and facet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from indexer.cache import SegmentCache
from indexer.schema import LIST_FACETS, split_list


@dataclass(frozen=True)
class FacetColumn:
    """One facet of one segment: its distinct values, and for every (document, value) pair
    the value's code. `owners` holds each pair's document; None when there is one value per
    document, in document order."""

    values: list[str]
    codes: np.ndarray
    owners: np.ndarray | None

    def counts(self, found: np.ndarray) -> Iterable[tuple[str, int]]:
        """(value, how many of the documents `found` have it), for the values they have."""
        chosen = self.codes[found if self.owners is None else found[self.owners]]
        counted = np.bincount(chosen, minlength=len(self.values))
        return ((self.values[code], int(counted[code])) for code in np.flatnonzero(counted))


def facet_counts(searcher: Searcher, found: np.ndarray, names: Iterable[str]) -> dict[str, Counter[str]]:
    """How many of the documents `found` (a bool array over `searcher`'s document numbers)
    have each value of each facet."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in names}
    for leaf, offset in searcher.leaf_searchers():
        local = found[offset : offset + leaf.doc_count_all()]
        if not local.any():
            continue
        for name, counter in counts.items():
            counter.update(dict(facet_column(leaf, name).counts(local)))
    return counts


def facet_column(leaf: Searcher, name: str) -> FacetColumn:
    def read() -> FacetColumn:
        # A segment without the column gives the column's default for every document.
        column = leaf.reader().column_reader(name, translate=False)
        cells = [value.decode("utf-8") if isinstance(value, bytes) else value for value in column]
        if name not in LIST_FACETS:
            return _coded(cells, None)
        lists = [split_list(cell) for cell in cells]
        owners = np.fromiter((docnum for docnum, items in enumerate(lists) for _ in items), dtype=np.int64)
        return _coded([item for items in lists for item in items], owners)

    return _columns.get((leaf.reader().segment().segment_id(), name), read)


def _coded(values: list[str], owners: np.ndarray | None) -> FacetColumn:
    codes: dict[str, int] = {}
    coded = np.fromiter((codes.setdefault(value, len(codes)) for value in values), dtype=np.int64, count=len(values))
    return FacetColumn(list(codes), coded, owners)


def date_keys(searcher: Searcher) -> np.ndarray:
    """The date column over `searcher`'s document numbers, as numbers that sort like the
    dates (Whoosh's own sort keys: no date is the largest)."""
    def read(leaf: Searcher) -> np.ndarray:
        column = leaf.reader().column_reader("date", translate=False)
        return np.fromiter(column, dtype=np.uint64, count=leaf.doc_count_all())

    columns = [_dates.get(leaf.reader().segment().segment_id(), lambda: read(leaf)) for leaf, _ in searcher.leaf_searchers()]
    return np.concatenate(columns) if columns else np.zeros(0, dtype=np.uint64)


def facet_values(groups: dict[Any, int], selected: list[str], limit: int) -> list[dict[str, Any]]:
    """The most frequent values (and every selected one), most frequent first."""
    counts = {value: count for value, count in groups.items() if value}
    for value in selected:
        counts.setdefault(value, 0)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ranked[:limit] + [item for item in ranked[limit:] if item[0] in selected]
    return [{"value": value, "count": count, "selected": value in selected} for value, count in shown]


# A segment's columns: the 7 facets and the date, for the segments of the last searches.
_columns: SegmentCache[FacetColumn] = SegmentCache(1024)
_dates: SegmentCache[np.ndarray] = SegmentCache(256)
