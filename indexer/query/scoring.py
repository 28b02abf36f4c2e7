"""Every match of a query and its score, computed over whole arrays of postings.

Whoosh matches and scores one document at a time, through a tree of Python matcher objects
calling each other. A query of common syllables matches half the articles, and it must be
matched in full to count results and facets, so that was most of a search's time. The
queries vnsearch builds are terms and phrases joined by Or and And: here the matches of a
query are two arrays over the documents (matched or not, and the score), a term's postings
are scored as arrays (numpy), Or adds and And intersects them, and a phrase compares its
words' positions as sorted arrays (document << 32 | position) among the documents that hold
them all. The BM25F formula and parameters are Whoosh's, so the scores are the ones Whoosh
gives. Anything else is handed to Whoosh's own matcher.

The searched text fields' postings are read from each segment's arrays file
(`indexer.store.postings`); the others' from what Whoosh keeps private, the blocks of a term's
postings (`W3LeafMatcher`). `tests/test_scoring.py` checks the scores against Whoosh's on
every kind of query vnsearch builds, so a Whoosh change that breaks this fails the tests.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from whoosh import query as q
from whoosh.matching import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from indexer.store.cache import SegmentCache
from indexer.store.postings import Postings, has_arrays, keeps_positions, sums_within, term_postings


@dataclass
class Matches:
    """What a query matches among a searcher's (or a segment's) documents: whether each
    document number matched, and its score (0 where it did not)."""

    found: np.ndarray  # bool, one per document number
    scores: np.ndarray  # float64, one per document number

    @classmethod
    def none(cls, size: int) -> Matches:
        return cls(np.zeros(size, dtype=bool), np.zeros(size))

    def docnums(self) -> np.ndarray:
        return np.flatnonzero(self.found)

    def within(self, allowed: np.ndarray | None) -> Matches:
        """Only the documents `allowed` (a bool array; None: all of them)."""
        if allowed is None:
            return self
        found = self.found & allowed
        return Matches(found, np.where(found, self.scores, 0.0))

    def raised_by(self, extra: Matches) -> Matches:
        """These matches, each scored higher by what `extra` scores it (nothing more found)."""
        return Matches(self.found, self.scores + np.where(self.found, extra.scores, 0.0))

    def as_dict(self) -> dict[int, float]:
        docnums = self.docnums()
        return dict(zip(docnums.tolist(), self.scores[docnums].tolist()))


def match_scores(searcher: Searcher, query: q.Query) -> Matches:
    """Every document `query` matches, and its score, over the document numbers of
    `searcher` (which may span several segments), deleted documents left out."""
    statistics = _Statistics(searcher)
    parts = []
    for leaf, _ in searcher.leaf_searchers():
        found = _Segment(statistics, leaf).matches(query)
        reader = leaf.reader()
        if reader.has_deletions():
            deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
            found.found[deleted] = False
            found.scores[deleted] = 0.0
        parts.append(found)
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return Matches.none(0)
    return Matches(np.concatenate([p.found for p in parts]), np.concatenate([p.scores for p in parts]))


class _Statistics:
    """What BM25F needs of the whole index (a term's rarity, a field's average length), as
    Whoosh computes it: summed over every segment, so worked out once per search."""

    def __init__(self, searcher: Searcher) -> None:
        weighting = searcher.weighting
        if type(weighting) is not BM25F:
            raise TypeError(f"only BM25F scores can be computed in bulk, not {type(weighting).__name__}")
        self.weighting = weighting
        self.searcher = searcher
        self._idf: dict[tuple[str, str], float] = {}
        self._average: dict[str, float] = {}

    def idf(self, field: str, text: str) -> float:
        if (field, text) not in self._idf:
            self._idf[field, text] = self.searcher.idf(field, text)
        return self._idf[field, text]

    def average_length(self, field: str) -> float:
        if field not in self._average:
            self._average[field] = self.searcher.avg_field_length(field) or 1
        return self._average[field]


class _Segment:
    """One segment's matches, scored with the statistics of the whole index."""

    def __init__(self, statistics: _Statistics, leaf: Searcher) -> None:
        self.statistics = statistics
        self.leaf = leaf
        self.reader: SegmentReader = leaf.reader()
        self.size = self.reader.doc_count_all()

    def matches(self, query: q.Query) -> Matches:
        if isinstance(query, q.Term):
            return self._term(query)
        if isinstance(query, q.Every) and not query.fieldname:  # browsing: every article
            return Matches(np.ones(self.size, dtype=bool), np.ones(self.size))
        if isinstance(query, q.And):
            found = self._all(query.subqueries)
        elif isinstance(query, q.Or) and not query.minmatch and not query.scale:
            found = self._any(query.subqueries)
        elif isinstance(query, q.Phrase) and query.slop == 1 and self._keeps_positions(query.fieldname):
            return self._phrase(query)
        else:
            return self._whoosh(query)
        # Whoosh applies a compound query's boost only when it has two parts or more.
        if query.boost != 1.0 and len(query.subqueries) > 1:
            found.scores *= query.boost
        return found

    def _keeps_positions(self, field: str) -> bool:
        return field in self.reader.schema and keeps_positions(self.reader.schema[field])

    def _all(self, queries: list[q.Query]) -> Matches:
        # The rarest part first: when it matches nothing, the others are not read.
        ordered = sorted(queries, key=lambda query: query.estimate_size(self.reader))
        matched = self.matches(ordered[0]) if ordered else Matches.none(self.size)
        found, scores = matched.found.copy(), matched.scores.copy()
        for query in ordered[1:]:
            if not found.any():
                break
            part = self.matches(query)
            found &= part.found
            scores += part.scores
        return Matches(found, np.where(found, scores, 0.0))

    def _any(self, queries: list[q.Query]) -> Matches:
        found, scores = np.zeros(self.size, dtype=bool), np.zeros(self.size)
        for query in queries:
            part = self.matches(query)
            found |= part.found
            scores += part.scores
        return Matches(found, scores)

    def _term(self, term: q.Term) -> Matches:
        field = term.fieldname
        matched = Matches.none(self.size)
        if field not in self.reader.schema or (field, term.text) not in self.reader:
            return matched
        found = postings(self.reader, field, term.text)
        ids, weights = found.ids, found.weights
        matched.found[ids] = True
        if not self.reader.schema[field].scorable:  # an ID or facet field: matched, not ranked
            matched.scores[ids] = weights * term.boost
            return matched
        weighting, statistics = self.statistics.weighting, self.statistics
        b = weighting._field_B.get(field, weighting.B)
        k1 = weighting.K1
        idf = statistics.idf(field, term.text) * term.boost
        lengths = field_lengths(self.leaf, field)[ids]
        # bm25(idf, tf, fl, avgfl, B, K1) of whoosh.scoring
        tf = weights.astype(np.float64)
        per_length = k1 * b / statistics.average_length(field)
        matched.scores[ids] = idf * tf * (k1 + 1) / (tf + k1 * (1 - b) + per_length * lengths)
        return matched

    def _phrase(self, phrase: q.Phrase) -> Matches:
        """The documents with every word, where the words stand one after the other. Whoosh
        scores a phrase as the sum of its words' scores."""
        candidates = self._all([q.Term(phrase.fieldname, word) for word in phrase.words])
        if len(phrase.words) > 1 and candidates.found.any():
            wanted = candidates.docnums()
            # Where the phrase may start (a key: document << DOC_SHIFT | position): where its
            # rarest word stands, less its place in the phrase; then only where each other
            # word stands as far after. Each word's positions are read only in the documents
            # still in the running: a common word's, in the few that have the rare ones.
            field = phrase.fieldname
            order = sorted(enumerate(phrase.words), key=lambda placed: self._frequency(field, placed[1]))
            starts = np.zeros(0, dtype=np.int64)
            for step, (number, word) in enumerate(order):
                keys = occurrences(self.reader, field, word, wanted) - number
                starts = keys if step == 0 else starts[contains(keys, starts)]
                wanted = _distinct(starts >> DOC_SHIFT)
            kept = np.zeros(self.size, dtype=bool)
            kept[starts >> DOC_SHIFT] = True
            candidates = candidates.within(kept)
        if phrase.boost != 1.0:
            candidates.scores *= phrase.boost
        return candidates

    def _frequency(self, field: str, text: str) -> int:
        """How many documents of this segment have the term."""
        return self.reader.doc_frequency(field, text) if (field, text) in self.reader else 0

    def _whoosh(self, query: q.Query) -> Matches:
        """Whoosh's own matcher, one document at a time (whatever vnsearch does not build)."""
        matched = Matches.none(self.size)
        matcher = query.matcher(self.leaf)
        while matcher.is_active():
            matched.found[matcher.id()] = True
            matched.scores[matcher.id()] = matcher.score()
            matcher.next()
        return matched


def by_segment(searcher: Searcher, docnums: Collection[int]) -> Iterator[tuple[Searcher, int, list[int]]]:
    """Each segment's searcher and first document number, with the given documents in it
    (as the segment's own numbers, in order)."""
    ordered = sorted(docnums)
    for leaf, offset in searcher.leaf_searchers():
        start, end = bisect_left(ordered, offset), bisect_left(ordered, offset + leaf.doc_count_all())
        if end > start:
            yield (
                leaf,
                offset,
                [docnum - offset for docnum in ordered[start:end]] if offset else ordered[start:end],
            )


def postings(reader: SegmentReader, field: str, text: str) -> Postings:
    """A term's postings in one segment: from the arrays file for the searched text fields
    (`indexer.store.postings`); for the others, from Whoosh's blocks, which must be decompressed and
    unpickled whole, so a term is read once, every block, and kept (`indexer.store.cache`)."""
    schema_field = reader.schema[field]
    if has_arrays(schema_field):
        return term_postings(reader, field, schema_field.to_bytes(text))
    return _postings.get(
        (reader.segment().segment_id(), field, text), lambda: _read_postings(reader, field, text)
    )


def _read_postings(reader: SegmentReader, field: str, text: str) -> Postings:
    """A term's postings in one segment, read from Whoosh's blocks (not kept)."""
    matcher: Any = reader.postings(field, text)
    if isinstance(matcher, FilterMatcher):  # hides deleted documents; the caller does that
        # The filter has already stepped its child past the deleted documents at the start:
        # back to the first block, or those documents would be missing from what is cached.
        matcher = matcher.child
        matcher.reset()
    ids: list[Any] = []  # each block's, as stored: the gaps between document numbers
    counts: list[int] = []  # postings in each block
    weights: list[float] = []
    if hasattr(matcher, "_read_data"):
        while matcher.is_active():  # whole blocks at once
            matcher._read_data()
            block_ids, block_weights, _ = matcher._data
            ids.append(block_ids)
            counts.append(matcher._blocklength)
            # No weights: every one is 1; one number: every weight is that number.
            if block_weights is None or isinstance(block_weights, float):
                weights += [block_weights or 1.0] * matcher._blocklength
            else:
                weights += block_weights
            matcher._next_block()
        gaps = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=sum(counts))
        numbers = sums_within(gaps, counts)
    else:  # postings kept inline with the term (Whoosh 2.7 writes none), or any other matcher
        listed = []
        while matcher.is_active():
            listed.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        numbers = np.array(listed, dtype=np.int64)
    # No postings at all: a term of the lexicon whose documents are all deleted.
    return Postings(numbers.astype(np.int32), np.array(weights, dtype=np.float32))


def occurrences(reader: SegmentReader, field: str, text: str, docnums: np.ndarray) -> np.ndarray:
    """Where a term stands in those of `docnums` (ascending, of one segment) that have it, as
    ascending keys: document number << DOC_SHIFT | position."""
    if (field, text) not in reader:
        return np.zeros(0, dtype=np.int64)
    found = postings(reader, field, text)
    if found.gaps is None:
        raise ValueError(f"the field {field} keeps no positions")
    at = found.having(docnums)
    positions, counts = found.positions_at(at)
    return (np.repeat(found.ids[at].astype(np.int64), counts) << DOC_SHIFT) | positions


def contains(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each of `wanted`, whether the ascending array `keys` holds it."""
    if not len(keys):
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return keys[at] == wanted


DOC_SHIFT = 32


def _distinct(ascending: np.ndarray) -> np.ndarray:
    """The distinct values of an ascending array (np.unique sorts or hashes them again)."""
    if not len(ascending):
        return ascending
    return ascending[np.concatenate(([True], ascending[1:] != ascending[:-1]))]


def field_lengths(leaf: Searcher, field: str) -> np.ndarray:
    """The length of `field` in each document of a segment, as Whoosh scores it."""

    def read() -> np.ndarray:
        lengths = (leaf.doc_field_length(docnum, field, 1) or 1 for docnum in range(leaf.doc_count_all()))
        return np.fromiter(lengths, dtype=np.float64, count=leaf.doc_count_all())

    return _lengths.get((leaf.reader().segment().segment_id(), field), read)


# Whoosh's postings read last (facet values, identifiers), up to 64 MB: at 50,000 articles,
# a source's take 400 kB.
_postings: SegmentCache[Postings] = SegmentCache(64_000_000, size=lambda found: found.size)
# 8 bytes a document: a 50,000-article segment's four scored fields take 1.6 MB.
_lengths: SegmentCache[np.ndarray] = SegmentCache(512)
