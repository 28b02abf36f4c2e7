"""Scores and facet counts computed in bulk (`indexer.scoring`, `indexer.facets`) must be the
ones Whoosh computes one document at a time, on an index of several segments with deletions."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as q
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.formats import Positions
from whoosh.searching import Searcher

from indexer.build import index_paths, open_index, shipped_corpus
from indexer.cache import SegmentCache
from indexer.facets import date_keys, facet_counts
from indexer.query import Clause
from indexer.ranking import Occurrences, QueryBuilder, analyse
from indexer.schema import FACET_FIELDS, LIST_FACETS, split_list
from indexer.scoring import (
    DOC_SHIFT, _parse_positions, _position_counts, _unpickle_positions, match_scores, occurrences,
)
from indexer.storage import MappedStorage

from .conftest import FIXTURE_ARTICLES, write_articles


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """The corpus and the fixture articles in two segments, and an article of the first
    deleted: vnsearch's own commits merge small segments, so this is put together by hand."""
    corpus_dir, fixtures_dir = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("fixtures")
    index_paths([shipped_corpus()], corpus_dir, quiet=True)
    index_paths([write_articles(tmp_path_factory.mktemp("articles"), FIXTURE_ARTICLES)], fixtures_dir, quiet=True)
    ix = open_index(corpus_dir)
    with open_index(fixtures_dir).reader() as fixtures:
        writer = ix.writer()
        writer.add_reader(fixtures)
        writer.delete_document(1)
        writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 2 and searcher.reader().has_deletions()
        yield searcher


def built(text: str, *, phrase: bool = False, field: str | None = None) -> q.Query:
    analysed = analyse(Clause(text, phrase=phrase, field=field))
    return QueryBuilder(use_marks=text != text.lower() or any(ord(c) > 127 for c in text)).required([[analysed]])


QUERIES = {
    "accented syllables": built("xây dựng Đảng"),
    "unaccented syllables": built("xay dung dang"),
    "one common syllable": built("của"),
    "a quoted phrase": built("hội nghị", phrase=True),
    "a longer phrase, with marks": built("công tác xây dựng Đảng", phrase=True),
    "a boosted phrase": q.Phrase("body_fold", ["xay", "dung"], boost=2.5),
    "a phrase whose words are apart": q.Phrase("body_fold", ["dung", "xay"]),
    "a phrase of one word twice": q.Phrase("body_fold", ["tin", "tin"]),
    "title only": built("tin", field="title"),
    "either group": q.Or([built("thời tiết"), built("tổ chức")]),
    "boosted parts": q.And([q.Term("body_fold", "hoi", boost=3.0), q.Or([q.Term("title_fold", "nghi"), q.Term("body_fold", "nghi")], boost=0.5)]),
    "an unknown term": built("zzzqqq"),
    "a facet value": q.Term("source", "Báo Mẫu"),
    "a date range": q.DateRange("date", datetime(2022, 1, 1), datetime(2024, 1, 1)),
    "every article": q.Every(),
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_bulk_scores_are_whooshs(segmented: Searcher, query: q.Query) -> None:
    expected = {hit.docnum: hit.score for hit in segmented.search(query, limit=None)}
    scores = match_scores(segmented, query).as_dict()
    assert scores.keys() == expected.keys()
    if not isinstance(query, q.Every):  # browsing ranks nothing: any equal score will do
        assert scores == pytest.approx(expected, rel=1e-6)
    assert scores or query in (QUERIES["an unknown term"], QUERIES["a phrase whose words are apart"],
                               QUERIES["a phrase of one word twice"])


def test_bulk_scores_leave_deleted_articles_out(segmented: Searcher) -> None:
    live = set(segmented.reader().all_doc_ids())
    assert set(match_scores(segmented, q.Every()).docnums().tolist()) == live
    assert set(match_scores(segmented, built("của")).docnums().tolist()) <= live


def test_facet_counts_are_the_stored_values_counted(segmented: Searcher) -> None:
    found = match_scores(segmented, built("của")).found
    docnums = found.nonzero()[0].tolist()
    counts = facet_counts(segmented, found, FACET_FIELDS)
    for name in FACET_FIELDS:
        stored = [segmented.stored_fields(docnum).get(name) for docnum in docnums]
        values = [v for value in stored if value for v in split_list(value)] if name in LIST_FACETS else stored
        without_empty = Counter({value: count for value, count in counts[name].items() if value})
        assert without_empty == Counter(v for v in values if v), name
    assert counts["places"]  # the corpus names places


def test_date_keys_order_like_the_stored_dates(segmented: Searcher) -> None:
    keys = date_keys(segmented)

    def date(docnum: int) -> int:
        return int(keys[docnum])

    dated = sorted((d for d in segmented.reader().all_doc_ids() if segmented.stored_fields(d).get("date")),
                   key=lambda d: segmented.stored_fields(d)["date"])
    assert [date(d) for d in dated] == sorted(date(d) for d in dated)
    undated = [d for d in segmented.reader().all_doc_ids() if not segmented.stored_fields(d).get("date")]
    assert undated and all(date(d) > date(dated[-1]) for d in undated)  # no date sorts last


def test_the_cache_keeps_what_was_used_last_within_its_budget() -> None:
    cache: SegmentCache[list[int]] = SegmentCache(5, size=len)
    made: list[str] = []

    def make(key: str, size: int) -> list[int]:
        made.append(key)
        return [0] * size

    cache.get("a", lambda: make("a", 2))
    cache.get("b", lambda: make("b", 2))
    cache.get("a", lambda: make("a", 2))  # kept: not made again, and now the most recent
    cache.get("c", lambda: make("c", 2))  # over budget: "b", the least recent, goes
    cache.get("a", lambda: make("a", 2))
    cache.get("b", lambda: make("b", 2))
    assert made == ["a", "b", "c", "b"]


def _whoosh_positions(searcher: Searcher, field: str, term: str) -> dict[int, list[int]]:
    """{document number: positions} of a term, as Whoosh's own matcher reads them."""
    found = {}
    for leaf, offset in searcher.leaf_searchers():
        if (field, term) in leaf.reader():
            matcher = leaf.reader().postings(field, term)
            while matcher.is_active():
                found[matcher.id() + offset] = matcher.value_as("positions")
                matcher.next()
    return found


@pytest.mark.parametrize("term", ["cua", "xay", "tin"])
def test_occurrences_are_whooshs_positions(segmented: Searcher, term: str) -> None:
    expected = _whoosh_positions(segmented, "body_fold", term)
    for leaf, offset in segmented.leaf_searchers():
        local = {d - offset: at for d, at in expected.items() if offset <= d < offset + leaf.doc_count_all()}
        everything = np.arange(leaf.doc_count_all())
        for wanted in (everything, everything[::3], everything[-1:]):
            keys = occurrences(leaf.reader(), "body_fold", term, wanted)
            assert (np.diff(keys) > 0).all()  # ascending, as `contains` needs
            read: dict[int, list[int]] = {}
            for key in keys.tolist():  # deleted documents are read too (searches leave them out)
                if not leaf.reader().is_deleted(key >> DOC_SHIFT):
                    read.setdefault(key >> DOC_SHIFT, []).append(key & 0xFFFFFFFF)
            assert read == {d: list(at) for d, at in local.items() if d in wanted}
    assert expected


def test_runs_of_terms_side_by_side_are_counted_as_whooshs_positions_say(segmented: Searcher) -> None:
    for terms in (("xay", "dung"), ("xay", "dung", "dang")):
        at = [_whoosh_positions(segmented, "body_fold", term) for term in terms]
        expected = {
            d: sum(1 for p in at[0][d] if all(p + step in later.get(d, ()) for step, later in enumerate(at[1:], 1)))
            for d in at[0]
        }
        found = Occurrences(segmented, sorted(at[0])).consecutive("body_fold", terms)
        assert found == {d: n for d, n in expected.items() if n} and found


# --- postings of many blocks, generated ---------------------------------------------------

WORDS = [f"w{i}" for i in range(30)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """Three segments of generated texts, short and long (postings of many blocks), a
    quarter of the documents deleted and a run of deletions at the start (whole blocks)."""
    rng = random.Random(7)
    schema = Schema(id=ID(stored=True, unique=True), body=TEXT(phrase=True), title=TEXT(phrase=True),
                    kw=KEYWORD(scorable=False), nopos=TEXT(phrase=False))
    ix = MappedStorage(str(tmp_path_factory.mktemp("generated"))).create_index(schema)
    number = 0
    for size in (300, 700, 150):
        writer = ix.writer()
        for _ in range(size):
            body = " ".join(rng.choice(WORDS[: rng.randint(2, 30)]) for _ in range(rng.choice([1, 5, 50, 3000])))
            writer.add_document(id=str(number), body=body, title=" ".join(rng.sample(WORDS, 3)),
                                kw=rng.choice(WORDS), nopos=body[:200])
            number += 1
        writer.commit(merge=False)
    writer = ix.writer()
    for doc_id in {*rng.sample(range(number), number // 4), *range(200)}:
        writer.delete_by_term("id", str(doc_id))
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3
        yield searcher


def test_generated_queries_score_as_whoosh_scores_them(generated: Searcher) -> None:
    rng = random.Random(42)
    for _ in range(120):
        a, b, c = rng.sample(WORDS, 3)
        query = rng.choice([
            q.Term("body", a, boost=rng.choice([1, 2.5])), q.Phrase("body", [a, b]), q.Phrase("body", [a, b, c], boost=0.7),
            q.Phrase("body", [a, a]), q.Term("kw", a, boost=3.0), q.Term("nopos", b),
            q.And([q.Term("body", a), q.Or([q.Term("title", b), q.Term("body", c)], boost=0.5)]),
            q.Or([q.Phrase("title", [a, b]), q.Term("body", c)]),
        ])
        expected = {hit.docnum: hit.score for hit in generated.search(query, limit=None)}
        assert match_scores(generated, query).as_dict() == pytest.approx(expected), query


def test_a_searcher_opened_before_deletions_still_finds_every_document(tmp_path: Path) -> None:
    # Whoosh hides deleted documents behind a filter that skips them as it is made: read
    # through it, the postings of a newer searcher would be cached without them, and an
    # older searcher that shares the cache would lose live results.
    ix = MappedStorage(str(tmp_path)).create_index(Schema(id=ID(stored=True, unique=True), body=TEXT(phrase=True)))
    writer = ix.writer()
    for number in range(300):
        writer.add_document(id=str(number), body="alpha beta")
    writer.commit()
    with ix.searcher() as older:
        writer = ix.writer()
        for number in range(200):
            writer.delete_by_term("id", str(number))
        writer.commit(merge=False)
        with ix.searcher() as newer:
            assert len(match_scores(newer, q.Term("body", "alpha")).docnums()) == 100
        assert len(match_scores(older, q.Term("body", "alpha")).docnums()) == 300


@pytest.mark.parametrize(("lists", "read"), [
    ([[0], [3, 7, 300], [70000, 70001], list(range(0, 5000, 5))], True),  # gaps of one, two and four bytes
    ([list(range(1200))], False),  # over 1000 gaps: pickled in two batches
    ([[5], [2**31 + 5]], False),  # a number past four bytes: pickled another way
])
def test_positions_read_with_numpy_are_the_unpickled_ones(lists: list[list[int]], read: bool) -> None:
    values = [Positions().encode(at) for at in lists]
    starts = np.cumsum([0] + [len(value) for value in values[:-1]])
    parsed = _parse_positions(b"".join(values), starts, _position_counts(b"".join(values), starts))
    counts, positions = _unpickle_positions(Positions(), values)
    assert counts == [len(at) for at in lists] and positions.tolist() == [p for at in lists for p in at]
    if read:
        assert parsed is not None and parsed[0].tolist() == counts and parsed[1].tolist() == positions.tolist()
    else:
        assert parsed is None  # left to the unpickling


def test_a_value_cut_short_is_left_to_the_unpickling() -> None:
    value = b"\x00\x00\x00\x02\x80\x02]q\x00(J"
    assert _parse_positions(value, np.array([0]), _position_counts(value, np.array([0]))) is None
