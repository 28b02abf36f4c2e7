"""A term's postings as plain arrays, in a file of each segment beside Whoosh's.

Whoosh keeps a term's postings in blocks of 128 documents, pickled and compressed together:
document numbers, weights and, for phrases, every position. Finding which documents hold a
syllable meant decompressing and unpickling all of it, and at 50,000 articles that was most of
a plain query's time (docs/benchmarks.md). For the searched text fields (`CountedTerms`),
`ArraysCodec` writes each term's postings to the segment's arrays file (`.arr`) instead, as
arrays that are mapped and read in place: the document numbers, their weights (how often the
term occurs, which BM25F needs) and the positions, document after document. Each is kept as
small as it goes: document numbers as the gaps between them, weights as whole numbers, each
document's positions as the gaps between them, each array in 1, 2 or 4 bytes a number,
whichever is enough for that term (on real news, a third of the plain arrays' size).
Whoosh's lexicon still lists each term with the statistics Whoosh would have worked out, and
Whoosh's own matchers of these fields read the arrays, so its searching works.

Deleted documents stay in the arrays until a merge. The writer (`indexer.store.writer`) hands the
codec a field's terms a batch at a time, each batch's postings in whole arrays: those of the
documents added, and those of the segments merged, read from their arrays files.
"""

from __future__ import annotations

import pickle
import struct
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import itemgetter
from typing import Any, Protocol

import numpy as np
from whoosh.analysis import Analyzer
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PerDocReader, W3TermInfo, W3TermsReader
from whoosh.columns import CompressedBytesColumn, PickleColumn
from whoosh.formats import Format, tokens
from whoosh.matching import ListMatcher
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh.system import pack_ushort

from indexer.store.cache import SegmentCache
from indexer.store.storage import MappedFile
from indexer.text.analysis import index_terms

ARRAYS_EXT = ".arr"
# A term's entry in the table of a segment's arrays file: (offset, postings, positions, and
# the bytes of one document number gap, one weight (0: a 4-byte float) and one position gap).
Entry = tuple[int, int, int, int, int, int]
# Where each term's arrays are in a segment's file: field -> term -> its entry.
Table = dict[str, dict[bytes, Entry]]


class CountedTerms(Format):
    """A field format whose postings are in the arrays file: each posting's weight is how often
    the term occurs and, with `positions`, its value on the way to `ArraysCodec` is the
    positions. Every index's schema pickles this class by its module path: moved or renamed,
    it would leave those indexes unreadable unless `indexer.store.legacy` maps the old path."""

    posting_size = 0  # were Whoosh to write these postings, it would keep no value

    def __init__(self, field_boost: float = 1.0, positions: bool = False) -> None:
        super().__init__(field_boost)
        self.positions = positions

    def word_values(
        self, value: Any, analyzer: Analyzer, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, Any]]:
        if isinstance(value, Analysed):
            # One item for all of the value's postings, which the writer's pool takes at once
            # (`writer.Pool.add`); its frequency is the field's length, which Whoosh reads off
            # it, and its weight 1: Whoosh multiplies it by any boost, which the pool refuses.
            return iter([(ALL_TERMS.decode(), sum(map(itemgetter(1), value)), 1.0, value)])
        return self._analyse(value, analyzer, **kwargs)

    def _analyse(
        self, value: Any, analyzer: Analyzer, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        found: dict[str, list[int]] = defaultdict(list)
        terms = index_terms(analyzer, value) if isinstance(value, str) else None
        if terms is not None:  # vnsearch's own analysers, the hot path of indexing
            for position, term in enumerate(terms):
                found[term].append(position)
        else:
            kwargs["positions"] = True
            for token in tokens(value, analyzer, kwargs):
                found[token.text].append(token.pos)
        for text, at in found.items():
            yield text, len(at), len(at) * self.field_boost, encode(at) if self.positions else b""


class Analysed(tuple):
    """A field's text analysed already, elsewhere (a worker process): the (term as UTF-8, frequency,
    weight, value) tuples its format's `word_values` makes of it. Given to Whoosh as the field's
    value, it goes to the writer's pool as it is: the process that writes the index does not
    analyse again, nor hand the pool a posting at a time, and these plain tuples cross between
    processes faster than the segmentation would."""


# The term that stands for all of an `Analysed` value's postings on their way to the pool. No
# analyser makes it: normalising the text removes control characters.
ALL_TERMS = b"\x00all terms"


def analyse(field: Any, text: str) -> Analysed:
    """What `CountedTerms` makes of a text for `field`, to be indexed later (see `Analysed`)."""
    return Analysed(
        (term.encode(), frequency, weight, value)
        for term, frequency, weight, value in field.format.word_values(text, field.analyzer, mode="index")
    )


def has_arrays(field: Any) -> bool:
    """Whether a schema field's postings are in the arrays file."""
    return isinstance(field.format, CountedTerms)


def keeps_positions(field: Any) -> bool:
    return has_arrays(field) and field.format.positions


def encode(positions: list[int]) -> bytes:
    """A document's positions as they travel from the analyser to the codec."""
    return array("I", positions).tobytes()


@dataclass(frozen=True)
class Postings:
    """A term's postings in one segment, deleted documents included: the document numbers
    (ascending), their weights and, where the field keeps them, the positions, each document's
    as the gaps between them (the first from 0), the first document's (as many as its
    weight), then the next one's, and so on."""

    ids: np.ndarray  # int32
    weights: np.ndarray  # float32
    gaps: np.ndarray | None = None  # unsigned integers

    @property
    def size(self) -> int:
        """Bytes held, about."""
        return self.ids.nbytes + self.weights.nbytes

    @property
    def counts(self) -> np.ndarray:
        """How many positions each document has (its weight)."""
        return self.weights.astype(np.int64)

    def position_bounds(self) -> np.ndarray:
        """Where each document's positions start in `gaps`, then where the last ones end:
        document i's are gaps[bounds[i]:bounds[i + 1]] (as many as its weight)."""
        return np.concatenate(([0], np.cumsum(self.counts)))

    @property
    def positions(self) -> np.ndarray | None:
        """Every document's positions, in the order of `gaps`."""
        return None if self.gaps is None else sums_within(self.gaps, self.counts)

    def positions_at(self, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the documents at `at` (indexes into `ids`, ascending), one after
        the other, and how many each has: only those are worked out of the gaps."""
        if self.gaps is None:
            raise ValueError("these postings keep no positions")
        bounds = self.position_bounds()
        wanted = bounds[at + 1] - bounds[at]  # how many positions each wanted document has
        first = np.cumsum(wanted) - wanted  # where each wanted document's go in the result
        index = np.repeat(bounds[at] - first, wanted) + np.arange(int(wanted.sum()))
        return sums_within(self.gaps[index], wanted), wanted

    def having(self, docnums: np.ndarray) -> np.ndarray:
        """Where those of `docnums` (ascending) that have the term are, in `ids`."""
        at = np.searchsorted(self.ids, docnums)
        inside = at < len(self.ids)
        return at[inside][self.ids[at[inside]] == docnums[inside]]


def sums_within(gaps: np.ndarray, counts: np.ndarray | list[int]) -> np.ndarray:
    """Running sums of `gaps`, started again at each of the runs `counts` long (each run's
    first gap is from 0): gap encoding undone for many runs at once."""
    running = np.cumsum(gaps, dtype=np.int64)
    if not len(running):
        return running
    first = np.cumsum(counts) - counts  # where each run begins
    before = np.where(first > 0, running[np.maximum(first - 1, 0)], 0)
    return running - np.repeat(before, counts)


def gaps_within(positions: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each run's positions as gaps between them, the first from 0 (undone by `sums_within`)."""
    values = positions.astype(np.int64)
    gaps = np.diff(values, prepend=0)
    first = (np.cumsum(counts) - counts)[counts > 0]  # where each run begins
    gaps[first] = values[first]
    return gaps


class ArraysCodec(W3Codec):
    """Whoosh's codec, except for `CountedTerms` fields: their postings are written to the
    arrays file only (by `FieldWriter.write`), and read from it by Whoosh's own matchers too."""

    def field_writer(self, storage: Any, segment: Any) -> FieldWriter:
        return FieldWriter(self, storage, segment)

    def per_document_reader(self, storage: Any, segment: Any) -> W3PerDocReader:
        return _PerDocReader(storage, segment)

    def terms_reader(self, storage: Any, segment: Any) -> W3TermsReader:
        name = segment.make_filename(self.TERMS_EXT)  # as Whoosh's codec opens its readers
        terms = storage.open_file(name)
        return _TermsReader(
            self,
            terms,
            storage.file_length(name),
            segment.open_file(storage, self.POSTS_EXT),
            (storage, segment),
        )


class _PerDocReader(W3PerDocReader):
    """Whoosh's reader of stored fields, lengths and columns, which looks for a column's file
    at every call (a merge asks about the length column of every field for every document),
    and reads the stored fields' column with `_StoredBytes`."""

    def __init__(self, storage: Any, segment: Any) -> None:
        super().__init__(storage, segment)
        self._has_column: dict[str, bool] = {}  # a segment's files do not change

    def has_column(self, fieldname: str) -> bool:
        found = self._has_column.get(fieldname)
        if found is None:
            found = self._has_column[fieldname] = super().has_column(fieldname)
        return found

    def _cached_reader(self, fieldname: str, column: Any) -> Any:
        return super()._cached_reader(fieldname, _STORED_COLUMN if fieldname == "_stored" else column)


class _StoredBytes(CompressedBytesColumn):
    """The column of stored fields as Whoosh writes it, read with numpy where Whoosh is slow:
    below 2**15 documents Whoosh stores only each document's length and sums them in a Python
    loop each time a reader opens. The web UI opens one per request: 10 ms of each search at
    19,000 articles, as much as finding the results."""

    class Reader(CompressedBytesColumn.Reader):
        def _read_offsets_and_lengths(self) -> None:
            last = self._basepos + self._length - 1  # the lengths' type code; "X": offsets stored
            if chr(self._dbfile.get_byte(last)) == "X":
                super()._read_offsets_and_lengths()
                return
            typecode, count = chr(self._dbfile.get_byte(last)), self._doccount
            self._lengths = self._dbfile.get_array(last - struct.calcsize(typecode) * count, typecode, count)
            lengths = np.asarray(self._lengths, dtype=np.int64)
            self._offsets = array("q", (np.cumsum(lengths) - lengths).tobytes())


_STORED_COLUMN = PickleColumn(_StoredBytes())  # as Whoosh's codec writes it (STORED_COLUMN)


class _TermsReader(W3TermsReader):
    """Whoosh's lexicon reader; its matchers of arrays fields read the arrays file."""

    def __init__(
        self, codec: W3Codec, terms: Any, length: int, postings: Any, segment: tuple[Any, Any]
    ) -> None:
        super().__init__(codec, terms, length, postings)
        self._segment = segment  # the segment's storage, and the segment

    def matcher(self, fieldname: str, tbytes: bytes, format_: Format, scorer: Any = None) -> Any:
        if not isinstance(format_, CountedTerms):
            return super().matcher(fieldname, tbytes, format_, scorer=scorer)
        found = segment_postings(*self._segment, fieldname, tbytes)
        return ListMatcher(
            found.ids.tolist(),
            found.weights.tolist(),
            format=format_,
            scorer=scorer,
            term=(fieldname, tbytes),
            terminfo=self.term_info(fieldname, tbytes),
        )


class FieldWriter(W3FieldWriter):
    """Writes Whoosh's postings of the other fields, and the terms of `CountedTerms` fields
    whole, each with Whoosh's statistics for it (its lexicon and scoring need them) and its
    arrays (`write_arrays`). Then a table of where each term's arrays are, and that table's
    offset (8 bytes)."""

    def __init__(self, codec: W3Codec, storage: Any, segment: Any) -> None:
        super().__init__(codec, storage, segment)
        self._arrays = self._create_file(ARRAYS_EXT)
        self._table: Table = {}

    def write(self, schema: Any, lengths: Any, postings: Iterator[Any], terms: TermSource) -> None:
        """Whoosh's `postings` (sorted by field and term, as its pool gives them) and the terms
        of `terms.fields()`, field by field in order of name: Whoosh's term table must grow
        in order."""
        waiting = sorted(terms.fields())
        for name, items in groupby(postings, key=itemgetter(0)):
            while waiting and waiting[0] < name:
                self._write_terms(schema, lengths, waiting.pop(0), terms)
            self.add_postings(schema, lengths, items)
        for name in waiting:
            self._write_terms(schema, lengths, name, terms)

    def _write_terms(self, schema: Any, lengths: Any, name: str, terms: TermSource) -> None:
        self.start_field(name, schema[name])
        field_lengths = np.array(
            [lengths.doc_field_length(docnum, name) or 0 for docnum in range(lengths.doc_count_all())],
            dtype=np.int64,
        )  # as Whoosh's pool writer looks them up: None for none
        table = self._table[name] = {}
        key = pack_ushort(self._fieldid)
        add = self._tindex.add
        for found in terms.postings(name):
            table.update(zip(found.terms, write_arrays(self._arrays, found)))
            for btext, info in zip(found.terms, _term_infos(found, field_lengths)):
                add(key + btext, info.to_bytes())
        self.finish_field()

    def close(self) -> None:
        # Whoosh's files are closed even when the table cannot be written (a full disk): a
        # failed commit must leave nothing open.
        file = self._arrays
        try:
            table_offset = file.tell()
            file.write(pickle.dumps(self._table, protocol=pickle.HIGHEST_PROTOCOL))
            file.write(_FOOTER.pack(table_offset))
        finally:
            try:
                file.close()
            finally:
                super().close()


@dataclass(frozen=True)
class FieldPostings:
    """Several terms' postings in one field, one term after the other: the terms in order,
    where each one's postings start in the arrays (`bounds`, then where the last one's end),
    and the arrays of `Postings` for all of them. A segment's terms are written a batch of
    them at a time, whole arrays at once (`write_arrays`): term by term, numpy's cost per call
    was most of the indexing process's time, as most terms have one to three postings."""

    terms: list[bytes]
    bounds: np.ndarray  # term i's postings are at bounds[i]:bounds[i + 1] (none once written)
    postings: Postings  # each term's, one after the other

    @property
    def counts(self) -> np.ndarray:
        """How many postings each term has."""
        return np.diff(self.bounds)

    def slice(self, start: int, end: int) -> FieldPostings:
        """Terms start to end (not included), with their postings."""
        first, last = int(self.bounds[start]), int(self.bounds[end])
        found = self.postings
        gaps = found.gaps
        if gaps is not None:
            gaps = gaps[self._position_bounds[first] : self._position_bounds[last]]
        return FieldPostings(
            self.terms[start:end],
            self.bounds[start : end + 1] - first,
            Postings(found.ids[first:last], found.weights[first:last], gaps),
        )

    @cached_property
    def _position_bounds(self) -> np.ndarray:
        # Once for all the terms: worked out per slice, a merge's time grew with terms x postings.
        return self.postings.position_bounds()


def write_arrays(file: Any, found: FieldPostings) -> list[Entry]:
    """Writes the terms' arrays at the end of `file`; returns each term's entry in the table.
    Each array takes as few bytes a number as it needs for its term, and is aligned to them;
    each term starts at a multiple of 4 bytes, so its layout is the same wherever it is."""
    counts = found.counts
    starts = found.bounds[:-1]
    postings = found.postings
    id_gaps = gaps_within(postings.ids, counts)
    ids_sizes = _sizes(_largest_within(id_gaps, counts))
    weights = postings.weights
    whole = (
        np.logical_and.reduceat((weights == np.round(weights)) & (weights >= 0), starts)
        if len(weights)
        else np.ones(0, dtype=bool)
    )
    weights_sizes = np.where(whole, _sizes(_largest_within(weights.astype(np.int64), counts)), 4)
    # A term of weights that are not whole numbers keeps them as 4-byte floats: their bits.
    weight_values = np.where(
        np.repeat(whole, counts), weights.astype(np.int64), weights.astype("<f4").view("<u4").astype(np.int64)
    )
    if postings.gaps is None:
        position_counts = np.zeros(len(counts), dtype=np.int64)
        gaps = np.zeros(0, dtype=np.int64)
    else:
        position_counts = (
            np.add.reduceat(postings.counts, starts) if len(starts) else np.zeros(0, dtype=np.int64)
        )
        gaps = postings.gaps.astype(np.int64)
    gaps_sizes = _sizes(_largest_within(gaps, position_counts))
    # Where each array starts within its term, and how long the term is.
    weights_at = _aligned(counts * ids_sizes, weights_sizes)
    gaps_at = _aligned(weights_at + counts * weights_sizes, gaps_sizes)
    lengths = _aligned(gaps_at + position_counts * gaps_sizes, 4)
    file.write(bytes(-file.tell() % 4))
    term_starts = file.tell() + np.cumsum(lengths) - lengths
    data = np.zeros(int(lengths.sum()), dtype=np.uint8)
    local_starts = term_starts - term_starts[0] if len(term_starts) else term_starts
    _place(data, id_gaps, local_starts, counts, ids_sizes)
    _place(data, weight_values, local_starts + weights_at, counts, weights_sizes)
    _place(data, gaps, local_starts + gaps_at, position_counts, gaps_sizes)
    file.write(data.tobytes())
    return list(
        zip(
            term_starts.tolist(),
            counts.tolist(),
            position_counts.tolist(),
            ids_sizes.tolist(),
            np.where(whole, weights_sizes, 0).tolist(),
            gaps_sizes.tolist(),
        )
    )


def _largest_within(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The largest of each run of `values` `counts` long (0 for an empty run)."""
    largest = np.zeros(len(counts), dtype=np.int64)
    filled = counts > 0
    if filled.any():
        largest[filled] = np.maximum.reduceat(values, (np.cumsum(counts) - counts)[filled])
    return largest


def _sizes(largest: np.ndarray) -> np.ndarray:
    """The fewest bytes (1, 2 or 4) a number takes to hold each of `largest`."""
    return np.where(largest < 2**8, 1, np.where(largest < 2**16, 2, 4)).astype(np.int64)


def _aligned(offsets: np.ndarray, sizes: np.ndarray | int) -> np.ndarray:
    return offsets + (-offsets % sizes)


def _place(
    data: np.ndarray, values: np.ndarray, starts: np.ndarray, counts: np.ndarray, sizes: np.ndarray
) -> None:
    """Writes runs of `values` (`counts` long) into `data`, each run from its start, each
    number of run i in sizes[i] bytes, little-endian."""
    sizes_of_values = np.repeat(sizes, counts)
    within = np.arange(len(values)) - np.repeat(np.cumsum(counts) - counts, counts)
    destinations = np.repeat(starts, counts) + within * sizes_of_values
    for size in (1, 2, 4):
        chosen = sizes_of_values == size
        if chosen.any():
            data[(destinations[chosen][:, None] + np.arange(size)).ravel()] = (
                values[chosen].astype(f"<u{size}").view(np.uint8)
            )


def _gathered(data: np.ndarray, starts: np.ndarray, counts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The runs `_place` writes, read back: run i's `counts[i]` numbers of sizes[i] bytes each,
    from starts[i], one run after the other."""
    sizes_of_values = np.repeat(sizes, counts)
    within = np.arange(len(sizes_of_values)) - np.repeat(np.cumsum(counts) - counts, counts)
    sources = np.repeat(starts, counts) + within * sizes_of_values
    values = np.zeros(len(sources), dtype=np.int64)
    for size in (1, 2, 4):
        chosen = sizes_of_values == size
        if chosen.any():
            values[chosen] = data[(sources[chosen][:, None] + np.arange(size)).ravel()].view(f"<u{size}")
    return values


class TermSource(Protocol):
    """Where `FieldWriter.write` takes the terms of the arrays fields from."""

    def fields(self) -> set[str]: ...

    def postings(self, field: str) -> Iterator[FieldPostings]:
        """The field's terms in order, a batch at a time, each with its postings."""
        ...


def _term_infos(found: FieldPostings, field_lengths: np.ndarray) -> list[W3TermInfo]:
    """The statistics Whoosh keeps of each term, as its postings writer would work them out."""
    if not found.terms:
        return []
    starts, ends = found.bounds[:-1], found.bounds[1:]
    ids, weights = found.postings.ids, found.postings.weights
    lengths = field_lengths[ids]
    nothing = np.iinfo(np.int64).max
    # Whoosh skips documents of no length when it looks for the shortest.
    shortest = np.minimum.reduceat(np.where(lengths > 0, lengths, nothing), starts).tolist()
    infos = []
    for weight, df, minlength, maxlength, maxweight, minid, maxid in zip(
        np.add.reduceat(weights.astype(np.float64), starts).tolist(),
        found.counts.tolist(),
        shortest,
        np.maximum.reduceat(lengths, starts).tolist(),
        np.maximum.reduceat(weights, starts).tolist(),
        ids[starts].tolist(),
        ids[ends - 1].tolist(),
    ):
        info = W3TermInfo(
            weight=weight,
            df=df,
            minlength=None if minlength == nothing else minlength,
            maxlength=maxlength,
            maxweight=maxweight,
            minid=minid,
            maxid=maxid,
        )
        info.set_extent(0, 0)  # nothing in Whoosh's postings file: the postings are in the arrays file
        infos.append(info)
    return infos


_FOOTER = struct.Struct("<Q")


def term_postings(reader: SegmentReader, field: str, btext: bytes) -> Postings:
    """A term's postings in one segment, from the arrays file: views of the reader's map of the
    segment, not copies (so they never keep a merged-away segment's file alive for longer
    than the reader does)."""
    return segment_postings(reader._storage, reader.segment(), field, btext)


def segment_postings(storage: Any, segment: Any, field: str, btext: bytes) -> Postings:
    """A term's postings in the segment `segment` of `storage`."""
    return SegmentArrays.of(storage, segment).postings(field, btext)


class SegmentArrays:
    """Arrays of terms' postings (a segment's arrays file, mapped) and the table of where each
    term's are."""

    def __init__(self, data: np.ndarray, table: Table) -> None:
        self._data = data
        self.table = table

    @classmethod
    def of(cls, storage: Any, segment: Any) -> SegmentArrays:
        """The arrays file of the segment `segment` of `storage`."""
        # The segment's own files (a compound file's parts) are in its storage.
        file = segment.open_file(storage, ARRAYS_EXT)
        data = np.frombuffer(file.buffer if isinstance(file, MappedFile) else file.read(), dtype=np.uint8)
        return cls(data, _tables.get(segment.segment_id(), lambda: _read_table(data)))

    @staticmethod
    def entry_bytes(entry: Entry) -> int:
        """The bytes a term's arrays take in the file (alignment aside)."""
        _, count, positions, ids_size, weights_size, gaps_size = entry
        return count * (ids_size + (weights_size or 4)) + positions * gaps_size

    def postings(self, field: str, btext: bytes) -> Postings:
        entry = self.table.get(field, {}).get(btext)
        if entry is None:  # not in this segment
            return Postings(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
        offset, count, positions, ids_size, weights_size, gaps_size = entry
        ids, at = self._array(offset, count, ids_size, "u")
        weights, at = self._array(at, count, weights_size or 4, "u" if weights_size else "f")
        gaps = self._array(at, positions, gaps_size, "u")[0] if positions else None
        return Postings(np.cumsum(ids, dtype=np.int32), weights.astype(np.float32), gaps)

    def field_postings(self, field: str, terms: list[bytes]) -> FieldPostings:
        """Several terms' postings at once (the terms in order, each in the table): what
        `postings` gives for each, one term after the other. Read term by term, numpy's cost
        per call was most of a merge's time."""
        table = self.table[field]
        entries = np.array([table[btext] for btext in terms], dtype=np.int64).reshape(-1, 6)
        offsets, counts, positions, ids_sizes, weights_sizes, gaps_sizes = entries.T
        floats = weights_sizes == 0  # weights kept as the bits of 4-byte floats
        weights_sizes = np.where(floats, 4, weights_sizes)
        weights_at = _aligned(offsets + counts * ids_sizes, weights_sizes)
        gaps_at = _aligned(weights_at + counts * weights_sizes, gaps_sizes)
        ids = sums_within(_gathered(self._data, offsets, counts, ids_sizes), counts)
        bits = _gathered(self._data, weights_at, counts, weights_sizes)
        weights = bits.astype(np.float32)
        as_floats = np.repeat(floats, counts)
        weights[as_floats] = bits[as_floats].astype(np.uint32).view(np.float32)
        gaps = _gathered(self._data, gaps_at, positions, gaps_sizes) if positions.any() else None
        bounds = np.concatenate(([0], np.cumsum(counts)))
        return FieldPostings(
            terms,
            bounds,
            Postings(ids.astype(np.int32), weights, None if gaps is None else gaps.astype(np.uint32)),
        )

    def _array(self, at: int, count: int, size: int, kind: str) -> tuple[np.ndarray, int]:
        """`count` numbers of `size` bytes from `at` (after alignment), and where they end."""
        at += -at % size
        end = at + count * size
        return self._data[at:end].view(f"<{kind}{size}"), end


def read_tables(searcher: Searcher) -> None:
    """Reads the table of every segment's arrays file: a segment without one, or with a
    damaged one, fails here rather than in the middle of a search."""
    for leaf, _ in searcher.leaf_searchers():
        reader = leaf.reader()
        if isinstance(reader, SegmentReader):  # not Whoosh's stand-in for an empty index
            SegmentArrays.of(reader._storage, reader.segment())


def _read_table(data: np.ndarray) -> Table:
    (table_offset,) = _FOOTER.unpack(bytes(data[-_FOOTER.size :]))
    return pickle.loads(bytes(data[table_offset : -_FOOTER.size]))


# Where each term's arrays are, by segment, up to about 64 MB: a term takes about 250 bytes
# (2.4 MB for the 11,000 terms of the 50,000-article benchmark index).
_tables: SegmentCache[Table] = SegmentCache(
    64_000_000, size=lambda table: 250 * sum(map(len, table.values()))
)
