"""Where each syllable stands, kept beside Whoosh's postings as plain arrays.

Whoosh keeps a term's positions inside its postings: blocks of 128 documents, pickled and
compressed together with the document numbers. Finding which documents hold a syllable then
means decompressing and unpickling every position of it, and at 50,000 articles that was most
of a plain query's time (docs/benchmarks.md). Here Whoosh keeps only how often a term occurs
in each document (the posting's weight, which BM25F needs), and the positions go to a file of
their own in each segment (`.pos`): per term, every position of it, document after document in
the order of Whoosh's postings (deleted documents included), as 16-bit numbers where they fit.
A document's positions are found by summing the weights before it.

`CountedTerms` is the field format, `PositionsCodec` writes the file when Whoosh writes a
segment's postings, and `term_positions` reads it. Merging segments (`indexer.writer`) hands the
positions of the merged segments back to the codec, so the file always matches the postings.
"""

from __future__ import annotations

import pickle
import struct
from array import array
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.analysis import Analyzer
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter
from whoosh.formats import Format, tokens
from whoosh.reading import SegmentReader

from indexer.cache import SegmentCache
from indexer.storage import MappedFile

POSITIONS_EXT = ".pos"


class CountedTerms(Format):
    """A field format: Whoosh stores each posting's weight (how often the term occurs) and no
    value. With `positions`, the positions are handed to `PositionsCodec` as the value, which
    writes them to the segment's positions file instead of Whoosh's postings."""

    posting_size = 0  # Whoosh's postings hold no value at all
    __inittypes__ = dict(field_boost=float, positions=bool)

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


def keeps_positions(field: Any) -> bool:
    """Whether a schema field keeps its positions in the positions file."""
    return isinstance(field.format, CountedTerms) and field.format.positions


def encode(positions: list[int]) -> bytes:
    """A document's positions as they travel through Whoosh's posting pool to the codec."""
    return array("I", positions).tobytes()


class PositionsCodec(W3Codec):
    """Whoosh's codec; the positions of `CountedTerms(positions=True)` fields go to the
    segment's positions file."""

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return _FieldWriter(self, storage, segment)


class _FieldWriter(W3FieldWriter):
    """Writes the postings as Whoosh does, and each term's positions (the postings' values) to
    the positions file: aligned to 4 bytes, then a table of where each term's are, then that
    table's offset (8 bytes)."""

    def __init__(self, codec: W3Codec, storage: Any, segment: Any) -> None:
        super().__init__(codec, storage, segment)
        self._positions_file = self._create_file(POSITIONS_EXT)
        # field -> term -> (offset, count, bytes per position)
        self._table: dict[str, dict[bytes, tuple[int, int, int]]] = {}
        self._keeps_positions = False
        self._term: list[bytes] = []  # the current term's values

    def start_field(self, fieldname: str, fieldobj: Any) -> None:
        super().start_field(fieldname, fieldobj)
        self._keeps_positions = keeps_positions(fieldobj)
        if self._keeps_positions:
            self._table[fieldname] = {}

    def start_term(self, btext: bytes) -> None:
        super().start_term(btext)
        self._term = []

    def add(self, docnum: int, weight: float, vbytes: bytes, length: int) -> None:
        if self._keeps_positions:
            self._term.append(vbytes)
            vbytes = b""
        super().add(docnum, weight, vbytes, length)

    def finish_term(self) -> None:
        super().finish_term()
        if self._keeps_positions:
            positions = np.frombuffer(b"".join(self._term), dtype=np.uint32)
            if positions.max(initial=0) < 2**16:
                positions = positions.astype(np.uint16)
            file = self._positions_file
            file.write(bytes(-file.tell() % 4))
            self._table[self._fieldname][self._btext] = (file.tell(), len(positions), positions.itemsize)
            file.write(positions.astype(positions.dtype.newbyteorder("<")).tobytes())

    def close(self) -> None:
        file = self._positions_file
        table_offset = file.tell()
        file.write(pickle.dumps(self._table, protocol=pickle.HIGHEST_PROTOCOL))
        file.write(_FOOTER.pack(table_offset))
        file.close()
        super().close()


_FOOTER = struct.Struct("<Q")


def term_positions(reader: SegmentReader, field: str, btext: bytes) -> np.ndarray:
    """Every position of a term in one segment: those of its first posting's document, then
    the next one's, ... (as many as each posting's weight), ascending within a document."""
    return _files.get(reader.segment().segment_id(), lambda: _PositionsFile(reader)).positions(field, btext)


class _PositionsFile:
    """A segment's positions file, mapped: its table is read once, positions are views."""

    def __init__(self, reader: SegmentReader) -> None:
        # The segment's own files (a compound file's parts) are in the reader's storage.
        file = reader.segment().open_file(reader._storage, POSITIONS_EXT)
        data = file.buffer if isinstance(file, MappedFile) else file.read()
        self._data = np.frombuffer(data, dtype=np.uint8)
        (table_offset,) = _FOOTER.unpack(bytes(self._data[-_FOOTER.size :]))
        self._table = pickle.loads(bytes(self._data[table_offset : -_FOOTER.size]))

    def positions(self, field: str, btext: bytes) -> np.ndarray:
        offset, count, size = self._table[field][btext]
        return self._data[offset : offset + count * size].view(f"<u{size}")


# A table is a few hundred kB; the positions themselves are the system's file cache.
_files: SegmentCache[_PositionsFile] = SegmentCache(64)
