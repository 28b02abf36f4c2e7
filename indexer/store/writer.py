"""The index and its writer: Whoosh's, with the arrays file of `indexer.store.postings`.

Whoosh sorts every posting through a pool (spilled to disk in pickled runs when large) and
writes it with a Python call or three, and a merge sends every posting of the merged segments
through that again: most of the indexing process's time (docs/benchmarks.md). The postings of
the arrays fields skip all of it: the pool keeps those of the documents added a document at a
time, and a merged segment's are read from its arrays file, a batch of terms at a time, as the
new segment is written.
"""

from __future__ import annotations

import mmap
import tempfile
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from typing import IO, Any

import numpy as np
from whoosh.index import FileIndex
from whoosh.reading import IndexReader, SegmentReader
from whoosh.writing import PostingPool, SegmentWriter

from indexer.store.postings import (
    ALL_TERMS,
    ArraysCodec,
    FieldPostings,
    Postings,
    SegmentArrays,
    Table,
    gaps_within,
    has_arrays,
    write_arrays,
)

Posting = tuple[str, bytes, int, float, Any]  # field, term, document number, weight, value
# What a posting kept in `_added` costs, about: its tuple, a float, the positions' bytes object.
# Measured with an earlier layout holding the same objects: 77 MB per 1,000 articles of 772
# postings each.
BYTES_PER_LISTED_POSTING = 100
# Numbers (postings and positions) of the terms of a merge written at a time: each batch is
# put together in memory, about 40 bytes a number.
MERGE_BATCH_NUMBERS = 4_000_000


class ArraysIndex(FileIndex):
    """A vnsearch index: every writer of it writes arrays files."""

    def writer(self, procs: int = 1, **kwargs: Any) -> Writer:
        return Writer(self, **kwargs)


class Writer(SegmentWriter):
    """Whoosh's writer with `ArraysCodec` and a pool that keeps the arrays fields apart."""

    def __init__(self, ix: FileIndex, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, codec=ArraysCodec(), limitmb=limitmb, **kwargs)
        # The schema is read when a field is first seen: a rebuild replaces it after this.
        self.pool = Pool(
            self._tempstorage,
            self.newsegment,
            lambda name: name in self.schema and has_arrays(self.schema[name]),
            limitmb,
        )

    def commit(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().commit(*args, **kwargs)
        except BaseException:
            self._abandon()
            raise

    def cancel(self) -> None:
        if not self.is_closed:  # a failed commit has closed it already
            super().cancel()

    def _abandon(self) -> None:
        """After a failed commit: close what the new segment holds open and let the lock go,
        each step tried whatever the others did. whoosh-reloaded leaves all of it to us;
        whoosh3 lets the lock go itself but leaves the segment's files open."""
        for part in (self.perdocwriter, self.fieldwriter):
            if not part.is_closed:
                with suppress(Exception):
                    part.close()
        searcher, self._searcher = self._searcher, None  # the one kept for deletions, if any
        for step in (getattr(searcher, "_orig_close", None), self.pool.cleanup, self._tempstorage.destroy):
            if step is not None:
                with suppress(Exception):
                    step()
        if self.writelock:
            with suppress(Exception):
                self.writelock.release()
            self.writelock = None
        self.is_closed = True

    def add_postings_to_pool(self, reader: IndexReader, startdoc: int, docmap: dict[int, int] | None) -> None:
        """A reader's postings, for a merge: its arrays fields' as a whole segment each, the
        others' one by one as Whoosh does, deleted documents left out."""
        for leaf, offset in reader.leaf_readers():
            # Not Whoosh's stand-in for an empty index, nor a segment of an index without arrays.
            if isinstance(leaf, SegmentReader) and any(has_arrays(field) for _, field in leaf.schema.items()):
                renumbering: np.ndarray | int = startdoc + offset  # none left out: an offset
                if docmap is not None:
                    olds = range(offset, offset + leaf.doc_count_all())
                    # New document numbers; -1 for the deleted (a docmap leaves them out).
                    news = np.array([docmap.get(old, -1) for old in olds], dtype=np.int64)
                    in_a_row = len(news) and news[0] >= 0 and (np.diff(news) == 1).all()
                    renumbering = int(news[0]) if in_a_row else news
                self.pool.add_segment(SegmentArrays.of(leaf._storage, leaf.segment()), renumbering)
        add = self.pool.add
        for posting in self._process_posts(_whoosh_postings(reader, self.pool.keeps), startdoc, docmap):
            add(posting)

    def _flush_segment(self) -> None:
        # Whoosh's, but the field writer takes the arrays fields' terms from the pool too.
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            self.fieldwriter.write(self.schema, lengths, self.pool.iter_postings(), self.pool)
        finally:
            lengths.close()
        self.fieldwriter.close()


class Pool(PostingPool):
    """Whoosh's pool of postings to sort, for the fields without arrays. The postings of the
    documents added to arrays fields are kept as they come, a document at a time, and put in
    order of term for a whole field at once when the segment is written, or when they outgrow
    the pool's limit: then they go to a temporary arrays file (a rebuild is one segment,
    however large). Those files and the segments merged in are read when the new segment is
    written (`FieldWriter.write` asks for `postings`)."""

    def __init__(
        self, tempstore: Any, segment: Any, is_arrays_field: Callable[[str], bool], limitmb: int
    ) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb)
        self._is_arrays_field = is_arrays_field
        self._keeps: dict[str, bool] = {}  # by field: whether its postings are kept here
        # field -> the documents added: (document number, its postings: term, _, weight, positions)
        self._added: dict[str, list[tuple[int, Sequence[tuple[bytes, Any, float, bytes]]]]] = {}
        self._in_lists = 0  # postings in `_added`
        self._spill_at = limitmb * 1024 * 1024 // BYTES_PER_LISTED_POSTING
        # Arrays to merge in, each with its documents' new numbers: an array (-1 for one left
        # out), or a number to add to every document's (none left out, the order kept).
        self._merged: list[tuple[SegmentArrays, np.ndarray | int]] = []
        self._spilled: list[IO[bytes]] = []

    def keeps(self, field: str) -> bool:
        """Whether a field's postings are kept here as arrays, not sorted by Whoosh's pool."""
        keeps = self._keeps.get(field)
        if keeps is None:
            keeps = self._keeps[field] = self._is_arrays_field(field)
        return keeps

    def add(self, item: Posting) -> None:
        fieldname, btext, docnum, weight, value = item
        if not self.keeps(fieldname):
            if btext == ALL_TERMS:
                raise ValueError(f"{fieldname}: an analysed value is for a field kept as arrays")
            super().add(item)
            return
        # A document's field analysed in a worker comes as one item (`postings.ALL_TERMS`),
        # not a call per posting: most of what this process did per article.
        if btext == ALL_TERMS and weight != 1.0:  # a boost (`postings.CountedTerms.word_values`)
            raise ValueError(f"{fieldname}: analysed values take no boosts")
        postings = value if btext == ALL_TERMS else [(btext, 0, weight, value)]
        self._added.setdefault(fieldname, []).append((docnum, postings))
        self._in_lists += len(postings)
        if self._in_lists >= self._spill_at:
            self._spill()

    def add_segment(self, arrays: SegmentArrays, news: np.ndarray | int) -> None:
        """A segment to merge in: its arrays, and its documents' new numbers (`_merged`)."""
        self._merged.append((arrays, news))

    def _spill(self) -> None:
        """Writes the postings in lists to a temporary arrays file, to be merged in."""
        file = tempfile.TemporaryFile(dir=getattr(self.tempstore, "folder", None))  # gone when closed
        self._spilled.append(file)
        table: Table = {}
        for field in self._added:
            found = self._added_postings(field)
            table[field] = dict(zip(found.terms, write_arrays(file, found)))
        file.flush()
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        self._merged.append((SegmentArrays(np.frombuffer(mapped, dtype=np.uint8), table), 0))
        self._added.clear()
        self._in_lists = 0

    def fields(self) -> set[str]:
        merged = {field for arrays, _ in self._merged for field in arrays.table}
        return set(self._added) | {field for field in merged if self.keeps(field)}

    def postings(self, field: str) -> Iterator[FieldPostings]:
        added = self._added_postings(field) if field in self._added else None
        merged = [(arrays, news) for arrays, news in self._merged if field in arrays.table]
        if not merged:
            if added is not None and added.terms:
                yield added
            return
        # Merging: a batch of terms at a time (bounding the memory), each part's postings of
        # them read at once, then put in order of term and document.
        parts = [_MergedPart(field, arrays, news) for arrays, news in merged]
        if added is not None:
            parts.append(_AddedPart(added))
        sizes: dict[bytes, int] = {}
        for part in parts:
            for btext, size in zip(part.terms, part.sizes()):
                sizes[btext] = sizes.get(btext, 0) + size
        batch: list[bytes] = []
        in_batch = 0
        for btext in sorted(sizes):
            batch.append(btext)
            in_batch += sizes[btext]
            if in_batch >= MERGE_BATCH_NUMBERS:
                yield _combined(batch, [part.between(batch[0], btext) for part in parts])
                batch, in_batch = [], 0
        if batch:
            yield _combined(batch, [part.between(batch[0], batch[-1]) for part in parts])

    def _added_postings(self, field: str) -> FieldPostings:
        """The postings of the documents added to a field, in order of term, then document."""
        documents = self._added[field]
        terms = [posting[0] for _, postings in documents for posting in postings]
        docnums = np.repeat(
            np.array([docnum for docnum, _ in documents], dtype=np.int64),
            [len(postings) for _, postings in documents],
        )
        weights = np.array(
            [posting[2] for _, postings in documents for posting in postings], dtype=np.float32
        )
        values = [posting[3] for _, postings in documents for posting in postings]
        names = sorted(set(terms))
        number_of = {btext: number for number, btext in enumerate(names)}
        numbers = np.fromiter(map(number_of.__getitem__, terms), dtype=np.int64, count=len(terms))
        order = np.lexsort((docnums, numbers))  # by term, then document
        bounds = np.concatenate(([0], np.cumsum(np.bincount(numbers, minlength=len(names)))))
        found = Postings(docnums[order], weights[order])
        if any(values):
            positions = np.frombuffer(b"".join(values), dtype=np.uint32)
            counts = np.fromiter(map(len, values), np.int64, len(values)) // 4
            if (counts != weights).any():
                # Readers find a document's positions by counting the weights before it.
                raise ValueError(f"{field}: a weight must be the number of positions (no boosts)")
            found = _in_order(Postings(docnums, weights, positions), order)
            found = Postings(found.ids, found.weights, gaps_within(found.gaps, found.counts))
        if len(found.ids) and (np.diff(found.ids)[np.diff(numbers[order]) == 0] <= 0).any():
            raise ValueError(f"{field}: a document has a term twice")
        return FieldPostings(names, bounds.astype(np.int64), found)

    def cleanup(self) -> None:
        # Called as the writer finishes, committed or not: the postings kept and the merged
        # segments' maps are let go now, not whenever the writer is collected.
        super().cleanup()
        self._added.clear()
        self._merged.clear()
        for file in self._spilled:
            file.close()
        self._spilled.clear()


class _MergedPart:
    """A field's terms in a segment merged in (or postings put aside), with its documents'
    new numbers."""

    def __init__(self, field: str, arrays: SegmentArrays, news: np.ndarray | int) -> None:
        self.field, self.arrays, self.news = field, arrays, news
        self.terms = sorted(arrays.table[field])

    def sizes(self) -> list[int]:
        """The numbers each term keeps (postings and positions), in order of term."""
        table = self.arrays.table[self.field]
        return [table[btext][1] + table[btext][2] for btext in self.terms]

    def between(self, first: bytes, last: bytes) -> FieldPostings:
        """The terms from `first` to `last` (both included) that the part has, renumbered."""
        terms = self.terms[bisect_left(self.terms, first) : bisect_right(self.terms, last)]
        return _renumbered(self.arrays.field_postings(self.field, terms), self.news)


class _AddedPart:
    """The postings of the documents added to a field."""

    def __init__(self, added: FieldPostings) -> None:
        self.added = added
        self.terms = added.terms

    def sizes(self) -> list[int]:
        counts = self.added.counts
        if self.added.postings.gaps is None or not len(counts):
            return counts.tolist()
        return (counts + np.add.reduceat(self.added.postings.counts, self.added.bounds[:-1])).tolist()

    def between(self, first: bytes, last: bytes) -> FieldPostings:
        return self.added.slice(bisect_left(self.terms, first), bisect_right(self.terms, last))


def _renumbered(found: FieldPostings, news: np.ndarray | int) -> FieldPostings:
    """A merged segment's postings with the documents' new numbers, without the documents
    left out (a term may be left with none)."""
    postings = found.postings
    if isinstance(news, int):
        moved = Postings(postings.ids + news, postings.weights, postings.gaps)
        return FieldPostings(found.terms, found.bounds, moved)
    ids = news[postings.ids]
    kept = ids >= 0
    gaps = postings.gaps
    if gaps is not None and not kept.all():
        gaps = gaps[np.repeat(kept, postings.counts)]
    bounds = np.concatenate(([0], np.cumsum(kept)))[found.bounds]
    return FieldPostings(found.terms, bounds, Postings(ids[kept], postings.weights[kept], gaps))


def _combined(terms: list[bytes], parts: list[FieldPostings]) -> FieldPostings:
    """The postings of `terms` (in order) from several parts, each in order of term and then
    document; the parts' documents may interleave (documents added, a segment merged in, more
    added). Terms left with no postings are left out."""
    number_of = {btext: number for number, btext in enumerate(terms)}
    numbers = np.concatenate(
        [
            np.repeat(np.array([number_of[t] for t in part.terms], dtype=np.int64), part.counts)
            for part in parts
        ]
    )  # each posting's term
    with_positions = [part.postings.gaps for part in parts if part.postings.gaps is not None]
    found = Postings(
        np.concatenate([part.postings.ids for part in parts]).astype(np.int64),
        np.concatenate([part.postings.weights for part in parts]).astype(np.float32),
        np.concatenate([gaps.astype(np.uint32) for gaps in with_positions]) if with_positions else None,
    )
    steps, forward = np.diff(numbers), np.diff(found.ids)
    if ((steps < 0) | ((steps == 0) & (forward <= 0))).any():  # not in order already
        order = np.lexsort((found.ids, numbers))  # by term, then document
        found, numbers = _in_order(found, order), numbers[order]
    counts = np.bincount(numbers, minlength=len(terms))
    held = counts > 0
    return FieldPostings(
        [btext for btext, kept in zip(terms, held.tolist()) if kept],
        np.concatenate(([0], np.cumsum(counts[held]))).astype(np.int64),
        found,
    )


def _in_order(found: Postings, order: np.ndarray) -> Postings:
    """Postings put in `order`, each document's positions (or their gaps) moved with it."""
    gaps = found.gaps
    if gaps is not None:
        counts = found.counts[order]
        starts = found.position_bounds()[:-1][order]
        # For each position in the new order: its document's old start, plus how far in it is.
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        gaps = gaps[np.repeat(starts, counts) + within]
    return Postings(found.ids[order], found.weights[order], gaps)


def _whoosh_postings(reader: IndexReader, kept: Callable[[str], bool]) -> Iterator[Posting]:
    """The postings of the reader's live documents in the fields whose postings are not `kept`
    as arrays, as `IndexReader.iter_postings` gives them."""
    for leaf, offset in reader.leaf_readers():
        for field, btext in leaf.all_terms():
            if not kept(field):
                matcher = leaf.postings(field, btext)  # deleted documents left out
                while matcher.is_active():
                    yield field, btext, matcher.id() + offset, matcher.weight(), matcher.value()
                    matcher.next()
