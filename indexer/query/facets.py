"""Facet counts over a whole result set, as plain data: value, count, selected.

Each facet's column is read once per segment and kept (`indexer.store.cache`) as an array of value
codes; counting a result set is then one `bincount` per segment and facet, and the values shown
are picked out of the counts as arrays: real news names tens of thousands of people and places.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from indexer.store.cache import SegmentCache
from indexer.store.schema import LIST_FACETS, split_list


@dataclass(frozen=True)
class Counted:
    """How many documents of a result set have each of a facet's values (those they have)."""

    values: np.ndarray  # str (object array)
    counts: np.ndarray  # int64, each above 0

    def items(self) -> Iterator[tuple[str, int]]:
        return zip(self.values.tolist(), self.counts.tolist())


@dataclass(frozen=True)
class FacetColumn:
    """One facet of one segment: its distinct values, and for every (document, value) pair
    the value's code. `owners` holds each pair's document; None when there is one value per
    document, in document order."""

    values: np.ndarray  # str (object array)
    codes: np.ndarray
    owners: np.ndarray | None

    def counts(self, found: np.ndarray) -> Counted:
        """The values the documents `found` have, and how many of them have each."""
        chosen = self.codes[found if self.owners is None else found[self.owners]]
        counted = np.bincount(chosen, minlength=len(self.values))
        present = np.flatnonzero(counted)
        return Counted(self.values[present], counted[present])


def facet_counts(searcher: Searcher, found: np.ndarray, names: Iterable[str]) -> dict[str, Counted]:
    """How many of the documents `found` (a bool array over `searcher`'s document numbers)
    have each value of each facet."""
    parts: dict[str, list[Counted]] = {name: [] for name in names}
    for leaf, offset in searcher.leaf_searchers():
        local = found[offset : offset + leaf.doc_count_all()]
        if local.any():
            for name, counted in parts.items():
                counted.append(facet_column(leaf, name).counts(local))
    return {name: _summed(counted) for name, counted in parts.items()}


def _summed(parts: list[Counted]) -> Counted:
    """The counts of several segments, each value once."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return Counted(np.zeros(0, dtype=object), np.zeros(0, dtype=np.int64))
    values, inverse = np.unique(np.concatenate([part.values for part in parts]), return_inverse=True)
    counts = np.bincount(
        inverse, weights=np.concatenate([part.counts for part in parts]), minlength=len(values)
    )
    return Counted(values, counts.astype(np.int64))


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
    coded = np.fromiter(
        (codes.setdefault(value, len(codes)) for value in values), dtype=np.int64, count=len(values)
    )
    distinct = np.empty(len(codes), dtype=object)
    distinct[:] = list(codes)
    return FacetColumn(distinct, coded, owners)


def date_keys(searcher: Searcher) -> np.ndarray:
    """The date column over `searcher`'s document numbers, as numbers that sort like the
    dates (Whoosh's own sort keys: no date is the largest)."""

    def read(leaf: Searcher) -> np.ndarray:
        column = leaf.reader().column_reader("date", translate=False)
        return np.fromiter(column, dtype=np.uint64, count=leaf.doc_count_all())

    columns = [
        _dates.get(leaf.reader().segment().segment_id(), lambda: read(leaf))
        for leaf, _ in searcher.leaf_searchers()
    ]
    return np.concatenate(columns) if columns else np.zeros(0, dtype=np.uint64)


def facet_values(counted: Counted, selected: list[str], limit: int) -> list[dict[str, Any]]:
    """The most frequent values (and every selected one), most frequent first, equal counts
    in the order of their values."""
    values, counts = counted.values, counted.counts
    if len(counts) > limit + 1:  # only the values that may be among the first `limit` are sorted
        # (one more than shown: the empty value, no name, is counted but never shown)
        threshold = np.partition(counts, len(counts) - limit - 1)[len(counts) - limit - 1]
        values, counts = values[counts >= threshold], counts[counts >= threshold]
    named = [(value, count) for value, count in zip(values.tolist(), counts.tolist()) if value != ""]
    ranked = sorted(named, key=lambda item: (-item[1], item[0]))[:limit]
    # Selected values are shown even when no result has them (count 0) or they rank lower.
    ranked_values = {value for value, _ in ranked}
    missing = [value for value in dict.fromkeys(selected) if value not in ranked_values]
    found = dict(counted.items()) if missing else {}
    others = [(value, found.get(value, 0)) for value in missing]
    shown = ranked + sorted(others, key=lambda item: (-item[1], item[0]))
    return [{"value": value, "count": count, "selected": value in selected} for value, count in shown]


# A segment's columns: the 7 facets and the date, for the segments of the last searches.
_columns: SegmentCache[FacetColumn] = SegmentCache(1024)
_dates: SegmentCache[np.ndarray] = SegmentCache(256)
