"""Facet counts over a whole result set, as plain data: value, count, selected."""

from __future__ import annotations

from typing import Any

from whoosh import sorting
from whoosh.searching import Searcher

from indexer.schema import LIST_FACETS, split_list


class ListFacet(sorting.FacetType):
    """Groups results by every value of a `ListField` (an article is in several groups)."""

    def __init__(self, fieldname: str) -> None:
        self.fieldname = fieldname
        self.allow_overlap = True
        self.maptype = sorting.Count

    def categorizer(self, global_searcher: Searcher) -> sorting.Categorizer:
        return _ListCategorizer(self.fieldname)


class _ListCategorizer(sorting.Categorizer):
    allow_overlap = True

    def __init__(self, fieldname: str) -> None:
        self.fieldname = fieldname
        self._column: Any = None

    def set_searcher(self, segment_searcher: Searcher, docoffset: int) -> None:
        reader = segment_searcher.reader()
        self._column = reader.column_reader(self.fieldname, translate=False) if reader.has_column(self.fieldname) else None

    def keys_for(self, matcher: Any, segment_docnum: int) -> list[str]:
        if self._column is None:
            return []
        return split_list(self._column[segment_docnum].decode("utf-8"))


def facet_type(name: str) -> sorting.FacetType:
    if name in LIST_FACETS:
        return ListFacet(name)
    return sorting.FieldFacet(name, maptype=sorting.Count)


def facet_values(groups: dict[Any, int], selected: list[str], limit: int) -> list[dict[str, Any]]:
    """The most frequent values (and every selected one), most frequent first."""
    counts = {value: count for value, count in groups.items() if value}
    for value in selected:
        counts.setdefault(value, 0)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ranked[:limit] + [item for item in ranked[limit:] if item[0] in selected]
    return [{"value": value, "count": count, "selected": value in selected} for value, count in shown]
