"""The index and its writer: Whoosh's, with the arrays file of `indexer.postings`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.index import FileIndex
from whoosh.reading import IndexReader, SegmentReader
from whoosh.writing import SegmentWriter

from indexer.postings import ArraysCodec, has_arrays, term_postings

Posting = tuple[str, bytes, int, float, Any]  # field, term, document number, weight, value


class ArraysIndex(FileIndex):
    """A vnsearch index: every writer of it writes arrays files."""

    def writer(self, procs: int = 1, **kwargs: Any) -> Writer:
        return Writer(self, **kwargs)


class Writer(SegmentWriter):
    """Whoosh's writer with `ArraysCodec`. When segments are merged, Whoosh copies their
    postings with each posting's value; positions are not in Whoosh's postings, so a merged
    segment's postings are read from its arrays file, positions as the values."""

    def __init__(self, ix: FileIndex, **kwargs: Any) -> None:
        super().__init__(ix, codec=ArraysCodec(), **kwargs)

    def add_postings_to_pool(self, reader: IndexReader, startdoc: int, docmap: dict[int, int] | None) -> None:
        add = self.pool.add
        for posting in self._process_posts(_live_postings(reader), startdoc, docmap):
            add(posting)


def _live_postings(reader: IndexReader) -> Iterator[Posting]:
    """Every posting of the reader's live documents, as `IndexReader.iter_postings` gives them,
    with positions as the values where the field keeps them."""
    for leaf, offset in reader.leaf_readers():
        deleted = leaf.deleted_docs_set if leaf.has_deletions() else frozenset()
        for field, btext in leaf.all_terms():
            if has_arrays(leaf.schema[field]):
                yield from _from_arrays(leaf, field, btext, offset, deleted)
            else:
                matcher = leaf.postings(field, btext)  # Whoosh's, deleted documents left out
                while matcher.is_active():
                    yield field, btext, matcher.id() + offset, matcher.weight(), matcher.value()
                    matcher.next()


def _from_arrays(leaf: SegmentReader, field: str, btext: bytes, offset: int, deleted: frozenset[int]) -> Iterator[Posting]:
    found = term_postings(leaf, field, btext)
    weights = found.weights.tolist()
    if found.positions is None:
        values = [b""] * len(weights)
    else:  # each document's positions as the codec takes them (`postings.encode`)
        encoded = found.positions.astype(np.uint32).tobytes()
        bounds = (4 * found.position_bounds()).tolist()  # in bytes of the encoding
        values = [encoded[start:end] for start, end in zip(bounds, bounds[1:])]
    for docnum, weight, value in zip(found.ids.tolist(), weights, values):
        if docnum not in deleted:
            yield field, btext, docnum + offset, weight, value
