"""Every match of a query and its score, computed a block of postings at a time.

Whoosh matches and scores one document at a time, through a tree of Python matcher objects
calling each other. A query of common syllables matches half the articles, and it must be
matched in full to count results and facets, so that was most of a search's time. The
queries vnsearch builds are terms and phrases joined by Or and And: here a term's postings are
read a block at a time into a dict {docnum: score}, Or adds dicts and And intersects them
(rarest part first), and a phrase reads positions only for the documents that hold all its
words. The BM25F formula and parameters are Whoosh's, so the scores are the ones Whoosh
gives. Anything else is handed to Whoosh's own matcher.

This reads what Whoosh keeps private: the blocks of a term's postings (`W3LeafMatcher`) and
their encoding of positions. `tests/test_scoring.py` checks the scores against Whoosh's on
every kind of query vnsearch builds, so a Whoosh change that breaks this fails the tests.
"""

from __future__ import annotations

import struct
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh import query as q
from whoosh.formats import Positions
from whoosh.matching import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from indexer.cache import SegmentCache

Scores = dict[int, float]


def match_scores(searcher: Searcher, query: q.Query) -> Scores:
    """{document number: score} for every document `query` matches (document numbers of
    `searcher`, which may span several segments)."""
    scores: Scores = {}
    averages: dict[str, float] = {}  # field -> average length over the whole index
    for leaf, offset in searcher.leaf_searchers():
        found = _Segment(searcher, leaf, averages).scores(query)
        scores.update(found if not offset else {docnum + offset: score for docnum, score in found.items()})
    return scores


class _Segment:
    """One segment's matches, with the statistics (document frequencies, average lengths) of
    the whole index, as Whoosh scores them."""

    def __init__(self, top: Searcher, leaf: Searcher, averages: dict[str, float]) -> None:
        self.top = top
        self.leaf = leaf
        self.averages = averages
        self.reader: SegmentReader = leaf.reader()
        weighting = top.weighting
        if type(weighting) is not BM25F:
            raise TypeError(f"only BM25F scores can be computed in bulk, not {type(weighting).__name__}")
        self.weighting = weighting

    def scores(self, query: q.Query, within: Scores | None = None) -> Scores:
        """Matches of `query` (only among `within`'s documents, if given) and their scores."""
        if isinstance(query, q.Term):
            found = self._term(query, within)
        elif isinstance(query, q.Every) and not query.fieldname:  # browsing: every article
            deleted = self.reader.deleted_docs_set if self.reader.has_deletions() else set()
            found = {
                d: 1.0 for d in range(self.reader.doc_count_all())
                if d not in deleted and (within is None or d in within)
            }
        elif isinstance(query, q.And):
            found = self._all(query.subqueries, within)
        elif isinstance(query, q.Or) and not query.minmatch and not query.scale:
            found = self._any(query.subqueries, within)
        elif isinstance(query, q.Phrase) and query.slop == 1:
            return self._phrase(query, within)
        else:
            return self._whoosh(query, within)
        # A term's boost is applied in _term; Whoosh applies a compound query's boost only when
        # it has two parts or more.
        if query.boost != 1.0 and isinstance(query, q.CompoundQuery) and len(query.subqueries) > 1:
            found = {docnum: score * query.boost for docnum, score in found.items()}
        return found

    def _all(self, queries: list[q.Query], within: Scores | None) -> Scores:
        # Each part is only scored where every part before it matched, so the rarest part
        # goes first and bounds the work for the others.
        found: Scores | None = within
        matched: Scores = {}
        for position, query in enumerate(sorted(queries, key=lambda query: query.estimate_size(self.reader))):
            part = self.scores(query, found)
            matched = part if position == 0 else {d: matched[d] + s for d, s in part.items() if d in matched}
            found = matched
            if not matched:
                break
        return matched

    def _any(self, queries: list[q.Query], within: Scores | None) -> Scores:
        matched: Scores = {}
        for query in queries:
            for docnum, score in self.scores(query, within).items():
                matched[docnum] = matched.get(docnum, 0.0) + score
        return matched

    def _term(self, term: q.Term, within: Scores | None) -> Scores:
        field = term.fieldname
        if field not in self.reader.schema or (field, term.text) not in self.reader:
            return {}
        if not self.reader.schema[field].scorable:  # an ID or facet field: matched, not ranked
            return {d: tf * term.boost for d, tf in self._postings(field, term.text) if within is None or d in within}
        top = self.top
        b = self.weighting._field_B.get(field, self.weighting.B)
        k1 = self.weighting.K1
        idf = top.idf(field, term.text) * term.boost
        if field not in self.averages:  # Whoosh sums it over every segment each time
            self.averages[field] = top.avg_field_length(field) or 1
        average = self.averages[field]
        lengths = field_lengths(self.leaf, field)
        # bm25(idf, tf, fl, avgfl, B, K1) of whoosh.scoring, with its constant parts taken out
        fixed, per_length = k1 * (1 - b), k1 * b / average
        return {
            docnum: idf * tf * (k1 + 1) / (tf + fixed + per_length * lengths[docnum])
            for docnum, tf in self._postings(field, term.text)
            if within is None or docnum in within
        }

    def _postings(self, field: str, text: str) -> Iterable[tuple[int, float]]:
        """(document number, weight) of a term's postings, deleted documents left out."""
        ids, weights = postings(self.reader, field, text)
        deleted = self.reader.deleted_docs_set if self.reader.has_deletions() else None
        pairs = zip(ids, weights)
        return [pair for pair in pairs if pair[0] not in deleted] if deleted else pairs

    def _phrase(self, phrase: q.Phrase, within: Scores | None) -> Scores:
        """The documents with every word, where the words stand one after the other. Whoosh
        scores a phrase as the sum of its words' scores."""
        words = [q.Term(phrase.fieldname, word) for word in phrase.words]
        candidates = self._all(words, within)
        starts: dict[int, set[int]] | None = None  # where the phrase may start, in each document
        for number, word in enumerate(phrase.words if len(words) > 1 else ()):
            here = term_positions(self.reader, phrase.fieldname, word, candidates if starts is None else starts, back=number)
            starts = here if starts is None else {d: at & here[d] for d, at in starts.items() if d in here and at & here[d]}
            if not starts:
                break
        if starts is not None:
            candidates = {d: score for d, score in candidates.items() if d in starts}
        return {d: score * phrase.boost for d, score in candidates.items()} if phrase.boost != 1.0 else candidates

    def _whoosh(self, query: q.Query, within: Scores | None) -> Scores:
        """Whoosh's own matcher, one document at a time (whatever vnsearch does not build)."""
        matcher = query.matcher(self.leaf)
        found: Scores = {}
        while matcher.is_active():
            docnum = matcher.id()
            if within is None or docnum in within:
                found[docnum] = matcher.score()
            matcher.next()
        return found


def by_segment(searcher: Searcher, docnums: Collection[int]) -> Iterator[tuple[Searcher, int, list[int]]]:
    """Each segment's searcher and first document number, with the given documents in it
    (as the segment's own numbers, in order)."""
    ordered = sorted(docnums)
    for leaf, offset in searcher.leaf_searchers():
        start, end = bisect_left(ordered, offset), bisect_left(ordered, offset + leaf.doc_count_all())
        if end > start:
            yield leaf, offset, [docnum - offset for docnum in ordered[start:end]] if offset else ordered[start:end]


def postings(reader: SegmentReader, field: str, text: str) -> tuple[array, array]:
    """The document numbers and weights of a term in one segment, deleted documents included.

    Reading a block of postings unpickles its positions too, which is most of
    the cost, so the postings read last are kept."""
    return _postings.get((reader.segment().segment_id(), field, text), lambda: _read_postings(reader, field, text))


def _read_postings(reader: SegmentReader, field: str, text: str) -> tuple[array, array]:
    matcher: Any = reader.postings(field, text)
    if isinstance(matcher, FilterMatcher):  # hides deleted documents; the caller does that
        matcher = matcher.child
    ids, weights = array("I"), array("f")
    if hasattr(matcher, "_read_ids"):  # postings on disk: whole blocks at once
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:  # a few postings kept inline with the term
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return ids, weights


def term_positions(
    reader: SegmentReader, field: str, text: str, docnums: Collection[int], back: int = 0
) -> dict[int, set[int]]:
    """Where a term stands (minus `back`) in each of `docnums` (of one segment) that has it.
    Only the blocks of postings that hold one of them are read."""
    wanted = docnums if isinstance(docnums, (set, frozenset, dict)) else set(docnums)
    if not wanted or (field, text) not in reader:
        return {}
    matcher: Any = reader.postings(field, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    found: dict[int, set[int]] = {}
    if not hasattr(matcher, "_read_ids"):  # a few postings kept inline with the term
        while matcher.is_active():
            if matcher.id() in wanted:
                found[matcher.id()] = {p - back for p in matcher.value_as("positions")}
            matcher.next()
        return found
    decode = _decode_positions if type(matcher.format) is Positions else matcher.format.decoder("positions")
    lowest = min(wanted)
    while matcher.is_active():
        if matcher.block_max_id() >= lowest:
            matcher._read_ids()
            hits = [i for i, docnum in enumerate(matcher._ids) if docnum in wanted]
            if hits:
                matcher._read_values()
                for i in hits:
                    at = decode(matcher._values[i])
                    found[matcher._ids[i]] = {p - back for p in at} if back else set(at)
        matcher._next_block()
    return found


def _decode_positions(value: bytes) -> Iterable[int]:
    """whoosh.formats.Positions.decode_positions, with the running sum done in C: the value
    is a count, then the pickled gaps between positions (the pickle's final "." cut off)."""
    return accumulate(loads(value[_COUNT_SIZE:] if value.endswith(b".") else value[_COUNT_SIZE:] + b"."))


_COUNT_SIZE = struct.calcsize("!i")


def field_lengths(leaf: Searcher, field: str) -> array:
    """The length of `field` in each document of a segment, as Whoosh scores it."""
    def read() -> array:
        return array("I", (leaf.doc_field_length(docnum, field, 1) or 1 for docnum in range(leaf.doc_count_all())))

    return _lengths.get((leaf.reader().segment().segment_id(), field), read)


# 8 bytes a posting: at most 64 MB of postings.
_postings: SegmentCache[tuple[array, array]] = SegmentCache(8_000_000, size=lambda pair: len(pair[0]))
# 4 bytes a document: a 50,000-article segment's four scored fields take 800 kB.
_lengths: SegmentCache[array] = SegmentCache(512)
