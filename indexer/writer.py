"""The index and its writer: Whoosh's, with positions kept apart (`indexer.positions`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.index import FileIndex
from whoosh.reading import IndexReader
from whoosh.writing import SegmentWriter

from indexer.positions import PositionsCodec, keeps_positions, term_positions
from indexer.scoring import read_postings

Posting = tuple[str, bytes, int, float, Any]  # field, term, document number, weight, value


class PositionsIndex(FileIndex):
    """A vnsearch index: every writer of it writes positions files."""

    def writer(self, procs: int = 1, **kwargs: Any) -> Writer:
        return Writer(self, **kwargs)


class Writer(SegmentWriter):
    """Whoosh's writer with `PositionsCodec`. When segments are merged, Whoosh copies their
    postings with each posting's value; a field's positions are not in Whoosh's postings, so
    they are read from the merged segment's positions file and given as the value."""

    def __init__(self, ix: FileIndex, **kwargs: Any) -> None:
        super().__init__(ix, codec=PositionsCodec(), **kwargs)

    def add_postings_to_pool(self, reader: IndexReader, startdoc: int, docmap: dict[int, int] | None) -> None:
        add = self.pool.add
        for posting in self._process_posts(_postings_with_positions(reader), startdoc, docmap):
            add(posting)


def _postings_with_positions(reader: IndexReader) -> Iterator[Posting]:
    """Every posting of the reader's live documents, as `IndexReader.iter_postings` gives them,
    with positions for the fields that keep them apart."""
    for leaf, offset in reader.leaf_readers():
        deleted = leaf.deleted_docs_set if leaf.has_deletions() else frozenset()
        for field, btext in leaf.all_terms():
            if keeps_positions(leaf.schema[field]):
                yield from _with_positions(leaf, field, btext, offset, deleted)
            else:
                matcher = leaf.postings(field, btext)  # Whoosh's, deleted documents left out
                while matcher.is_active():
                    yield field, btext, matcher.id() + offset, matcher.weight(), matcher.value()
                    matcher.next()


def _with_positions(leaf: Any, field: str, btext: bytes, offset: int, deleted: frozenset[int]) -> Iterator[Posting]:
    found = read_postings(leaf, field, btext)
    # Each document's positions as the codec takes them (`positions.encode`), cut from one
    # conversion of the term's.
    encoded = term_positions(leaf, field, btext).astype(np.uint32).tobytes()
    ends = 4 * np.cumsum(found.weights.astype(np.int64))
    start = 0
    for docnum, weight, end in zip(found.ids.tolist(), found.weights.tolist(), ends.tolist()):
        if docnum not in deleted:
            yield field, btext, docnum + offset, weight, encoded[start:end]
        start = end
