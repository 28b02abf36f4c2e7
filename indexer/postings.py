"""A term's postings as plain arrays, in a file of each segment beside Whoosh's.

Whoosh keeps a term's postings in blocks of 128 documents, pickled and compressed together:
document numbers, weights and, for phrases, every position. Finding which documents hold a
syllable meant decompressing and unpickling all of it, and at 50,000 articles that was most of
a plain query's time (docs/benchmarks.md). For the searched text fields (`CountedTerms`),
`ArraysCodec` also writes each term's postings to the segment's arrays file (`.arr`) as arrays
that are mapped and read in place: the document numbers, their weights (how often the term
occurs, which BM25F needs) and the positions, document after document, as 16-bit numbers where
they fit. Whoosh's own postings keep the numbers and weights (its lexicon, statistics and
matchers still work) but no positions.

Deleted documents stay in both until a merge. Merging segments (`indexer.writer`) hands the
merged segments' postings back to the codec, so the arrays always match Whoosh's postings.
"""

from __future__ import annotations

import pickle
import struct
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.analysis import Analyzer
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter
from whoosh.formats import Format, tokens
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher

from indexer.cache import SegmentCache
from indexer.storage import MappedFile

ARRAYS_EXT = ".arr"
# Where each term's arrays are in a segment's file: field -> term -> (offset, postings,
# positions, bytes per position).
Table = dict[str, dict[bytes, tuple[int, int, int, int]]]


class CountedTerms(Format):
    """A field format: Whoosh stores each posting's weight (how often the term occurs) and no
    value. With `positions`, a posting's value on its way to `ArraysCodec` is the positions.
    Every index's schema pickles this class by its module path: moved or renamed, it would
    leave those indexes unreadable."""

    posting_size = 0  # Whoosh's postings hold no value at all

    def __init__(self, field_boost: float = 1.0, positions: bool = False) -> None:
        super().__init__(field_boost)
        self.positions = positions

    def word_values(self, value: Any, analyzer: Analyzer, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        kwargs["positions"] = True
        found: dict[str, list[int]] = defaultdict(list)
        for token in tokens(value, analyzer, kwargs):
            found[token.text].append(token.pos)
        for text, at in found.items():
            yield text, len(at), len(at) * self.field_boost, encode(at) if self.positions else b""


def has_arrays(field: Any) -> bool:
    """Whether a schema field's postings are in the arrays file."""
    return isinstance(field.format, CountedTerms)


def keeps_positions(field: Any) -> bool:
    return has_arrays(field) and field.format.positions


def encode(positions: list[int]) -> bytes:
    """A document's positions as they travel through Whoosh's posting pool to the codec."""
    return array("I", positions).tobytes()


@dataclass(frozen=True)
class Postings:
    """A term's postings in one segment, deleted documents included: the document numbers
    (ascending), their weights and, where the field keeps them, the positions: the first
    document's (as many as its weight, ascending), then the next one's, and so on."""

    ids: np.ndarray  # int32
    weights: np.ndarray  # float32
    positions: np.ndarray | None = None

    @property
    def size(self) -> int:
        """Bytes held, about."""
        return self.ids.nbytes + self.weights.nbytes

    def position_bounds(self) -> np.ndarray:
        """Where each document's positions start in `positions`, then where the last ones end:
        document i's are positions[bounds[i]:bounds[i + 1]] (as many as its weight)."""
        return np.concatenate(([0], np.cumsum(self.weights.astype(np.int64))))

    def having(self, docnums: np.ndarray) -> np.ndarray:
        """Where those of `docnums` (ascending) that have the term are, in `ids`."""
        at = np.searchsorted(self.ids, docnums)
        inside = at < len(self.ids)
        return at[inside][self.ids[at[inside]] == docnums[inside]]


class ArraysCodec(W3Codec):
    """Whoosh's codec; the postings of `CountedTerms` fields also go to the arrays file."""

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return _FieldWriter(self, storage, segment)


class _FieldWriter(W3FieldWriter):
    """Writes the postings as Whoosh does, without values, and each term's postings to the
    arrays file: aligned to 4 bytes, its document numbers (int32), weights (float32) and
    positions (uint16 or uint32). Then a table of where each term's are, and that table's
    offset (8 bytes)."""

    def __init__(self, codec: W3Codec, storage: Any, segment: Any) -> None:
        super().__init__(codec, storage, segment)
        self._arrays = self._create_file(ARRAYS_EXT)
        self._table: Table = {}
        self._in_arrays = False  # whether the current field's postings go to the arrays file
        self._with_positions = False
        self._ids: list[int] = []  # the current term's postings
        self._weights: list[float] = []
        self._values: list[bytes] = []

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        # Whoosh looks up the document's field length for every posting it writes (about a
        # quarter of writing a segment); here each field's lengths are read once.
        super().add_postings(schema, lengths and _Lengths(lengths), items)

    def start_field(self, fieldname: str, fieldobj: Any) -> None:
        super().start_field(fieldname, fieldobj)
        self._in_arrays = has_arrays(fieldobj)
        self._with_positions = keeps_positions(fieldobj)
        if self._in_arrays:
            self._table[fieldname] = {}

    def start_term(self, btext: bytes) -> None:
        super().start_term(btext)
        self._ids, self._weights, self._values = [], [], []

    def add(self, docnum: int, weight: float, vbytes: bytes, length: int) -> None:
        if self._with_positions and len(vbytes) != 4 * weight:
            # Readers find a document's positions by counting the weights before it.
            raise ValueError(f"{self._fieldname}: a weight must be the number of positions (no boosts)")
        if self._in_arrays:
            self._ids.append(docnum)
            self._weights.append(weight)
            self._values.append(vbytes)
            vbytes = b""
        super().add(docnum, weight, vbytes, length)

    def finish_term(self) -> None:
        super().finish_term()
        if self._in_arrays:
            self._table[self._fieldname][self._btext] = self._write_term()

    def _write_term(self) -> tuple[int, int, int, int]:
        positions = np.frombuffer(b"".join(self._values), dtype=np.uint32)  # none: the field keeps none
        if positions.max(initial=0) < 2**16:
            positions = positions.astype(np.uint16)
        file = self._arrays
        file.write(bytes(-file.tell() % 4))
        offset = file.tell()
        for part in (np.array(self._ids, dtype="<i4"), np.array(self._weights, dtype="<f4"), positions):
            file.write(part.astype(part.dtype.newbyteorder("<")).tobytes())
        return offset, len(self._ids), len(positions), positions.itemsize

    def close(self) -> None:
        file = self._arrays
        table_offset = file.tell()
        file.write(pickle.dumps(self._table, protocol=pickle.HIGHEST_PROTOCOL))
        file.write(_FOOTER.pack(table_offset))
        file.close()
        super().close()


_FOOTER = struct.Struct("<Q")


class _Lengths:
    """A segment's field lengths as Whoosh's per-document reader gives them, each field's read
    for every document at once."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._by_field: dict[str, list[int | None]] = {}

    def doc_field_length(self, docnum: int, fieldname: str) -> int | None:
        if fieldname not in self._by_field:
            documents = range(self._reader.doc_count_all())
            self._by_field[fieldname] = [self._reader.doc_field_length(d, fieldname) for d in documents]
        return self._by_field[fieldname][docnum]


def term_postings(reader: SegmentReader, field: str, btext: bytes) -> Postings:
    """A term's postings in one segment, from the arrays file: views of the reader's map of the
    segment, not copies (so they never keep a merged-away segment's file alive for longer
    than the reader does)."""
    data = _arrays_file(reader)
    entry = _table(reader, data)[field].get(btext)
    if entry is None:  # not in this segment
        return Postings(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
    offset, count, positions, size = entry
    ids_end, weights_end = offset + 4 * count, offset + 8 * count
    return Postings(
        data[offset:ids_end].view("<i4"),
        data[ids_end:weights_end].view("<f4"),
        data[weights_end : weights_end + positions * size].view(f"<u{size}") if positions else None,
    )


def _arrays_file(reader: SegmentReader) -> np.ndarray:
    # The segment's own files (a compound file's parts) are in the reader's storage.
    file = reader.segment().open_file(reader._storage, ARRAYS_EXT)
    return np.frombuffer(file.buffer if isinstance(file, MappedFile) else file.read(), dtype=np.uint8)


def read_tables(searcher: Searcher) -> None:
    """Reads the table of every segment's arrays file: a segment without one, or with a
    damaged one, fails here rather than in the middle of a search."""
    for leaf, _ in searcher.leaf_searchers():
        reader = leaf.reader()
        if isinstance(reader, SegmentReader):  # not Whoosh's stand-in for an empty index
            _table(reader, _arrays_file(reader))


def _table(reader: SegmentReader, data: np.ndarray) -> Table:
    return _tables.get(reader.segment().segment_id(), lambda: _read_table(data))


def _read_table(data: np.ndarray) -> Table:
    (table_offset,) = _FOOTER.unpack(bytes(data[-_FOOTER.size :]))
    return pickle.loads(bytes(data[table_offset : -_FOOTER.size]))


# Where each term's arrays are, by segment, up to about 64 MB: a term takes about 250 bytes
# (2.4 MB for the 11,000 terms of the 50,000-article benchmark index).
_tables: SegmentCache[Table] = SegmentCache(64_000_000, size=lambda table: 250 * sum(map(len, table.values())))
