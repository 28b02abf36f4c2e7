"""Scores and facet counts computed in bulk (`indexer.query.scoring`, `indexer.query.facets`) must be the
ones Whoosh computes one document at a time, on an index of several segments with deletions.

Whoosh cannot match phrases in fields whose positions are kept apart (`indexer.store.postings`):
there the expected matches come from the analyser run again over the stored text, and the
expected score is Whoosh's for the phrase's words (Whoosh scores a phrase as their sum)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import query as q
from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.searching import Searcher

import indexer.store.writer
from indexer.query.facets import date_keys, facet_counts
from indexer.query.language import Clause
from indexer.query.ranking import Occurrences, QueryBuilder, analyse
from indexer.query.scoring import match_scores, occurrences
from indexer.store.build import MIN_PARALLEL_FILES, index_paths, open_index, shipped_corpus
from indexer.store.cache import SegmentCache
from indexer.store.postings import (
    CountedTerms,
    SegmentArrays,
    _TermsReader,
    has_arrays,
    keeps_positions,
    term_postings,
)
from indexer.store.postings import analyse as postings_analyse
from indexer.store.schema import FACET_FIELDS, LIST_FACETS, split_list
from indexer.store.storage import MappedStorage
from indexer.store.writer import ArraysIndex

from .conftest import FIXTURE_ARTICLES, searcher_of, write_articles


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """The corpus and the fixture articles in two segments, and an article of the first
    deleted: vnsearch's own commits merge small segments, so this is put together by hand."""
    corpus_dir, fixtures_dir = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("fixtures")
    index_paths([shipped_corpus()], corpus_dir, quiet=True)
    index_paths(
        [write_articles(tmp_path_factory.mktemp("articles"), FIXTURE_ARTICLES)], fixtures_dir, quiet=True
    )
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
    return QueryBuilder(use_marks=text != text.lower() or any(ord(c) > 127 for c in text)).required(
        [[analysed]]
    )


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
    "boosted parts": q.And(
        [
            q.Term("body_fold", "hoi", boost=3.0),
            q.Or([q.Term("title_fold", "nghi"), q.Term("body_fold", "nghi")], boost=0.5),
        ]
    ),
    "an unknown term": built("zzzqqq"),
    "a facet value": q.Term("source", "Báo Mẫu"),
    "a date range": q.DateRange("date", datetime(2022, 1, 1), datetime(2024, 1, 1)),
    "every article": q.Every(),
}


# The stored text each searched field is analysed from.
SOURCES = {
    "title_syl": "title",
    "title_fold": "title",
    "body_syl": "body",
    "body_fold": "body",
    "source_fold": "source",
    "author_fold": "author",
    "body": "body",
    "title": "title",
}


def analysed_positions(searcher: Searcher, field: str, docnum: int) -> dict[str, list[int]]:
    """{term: positions} of a document's field, from its stored text analysed again."""
    text = searcher.stored_fields(docnum).get(SOURCES[field]) or ""
    found: dict[str, list[int]] = {}
    for token in searcher.schema[field].analyzer(text, positions=True):
        found.setdefault(token.text, []).append(token.pos)
    return found


def expected_scores(searcher: Searcher, query: q.Query) -> dict[int, float]:
    """Whoosh's scores; a phrase in a field that keeps its positions apart is matched in the
    analysed stored text and scored as Whoosh scores its words."""
    if isinstance(query, q.Phrase) and keeps_positions(searcher.schema[query.fieldname]):
        words = q.And([q.Term(query.fieldname, word, boost=query.boost) for word in query.words])
        found = {}
        for hit in searcher.search(words, limit=None):
            at = analysed_positions(searcher, query.fieldname, hit.docnum)
            starts = at.get(query.words[0], [])
            if any(
                all(p + step in at.get(word, []) for step, word in enumerate(query.words)) for p in starts
            ):
                found[hit.docnum] = hit.score
        return found
    if isinstance(query, (q.And, q.Or)) and _has_phrase(query):
        parts = [expected_scores(searcher, part) for part in query.subqueries]
        docnums = set.intersection(*map(set, parts)) if isinstance(query, q.And) else set().union(*parts)
        boost = query.boost if len(parts) > 1 else 1.0  # as Whoosh boosts compound queries
        return {d: boost * sum(part.get(d, 0.0) for part in parts) for d in docnums}
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


def _has_phrase(query: q.Query) -> bool:
    return isinstance(query, q.Phrase) or any(_has_phrase(child) for child in query.children())


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_bulk_scores_are_whooshs(segmented: Searcher, query: q.Query) -> None:
    expected = expected_scores(segmented, query)
    scores = match_scores(segmented, query).as_dict()
    assert scores.keys() == expected.keys()
    if not isinstance(query, q.Every):  # browsing ranks nothing: any equal score will do
        assert scores == pytest.approx(expected, rel=1e-6)
    assert scores or query in (
        QUERIES["an unknown term"],
        QUERIES["a phrase whose words are apart"],
        QUERIES["a phrase of one word twice"],
    )


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
        values = (
            [v for value in stored if value for v in split_list(value)] if name in LIST_FACETS else stored
        )
        without_empty = Counter({value: count for value, count in counts[name].items() if value})
        assert all(count > 0 for _, count in counts[name].items())
        assert without_empty == Counter(v for v in values if v), name
    assert counts["places"]  # the corpus names places


def test_date_keys_order_like_the_stored_dates(segmented: Searcher) -> None:
    keys = date_keys(segmented)

    def date(docnum: int) -> int:
        return int(keys[docnum])

    dated = sorted(
        (d for d in segmented.reader().all_doc_ids() if segmented.stored_fields(d).get("date")),
        key=lambda d: segmented.stored_fields(d)["date"],
    )
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


@pytest.mark.parametrize("field", ["body_fold", "title_fold", "source_fold", "author_fold"])
def test_positions_are_where_the_analyser_puts_the_terms(segmented: Searcher, field: str) -> None:
    for leaf, offset in segmented.leaf_searchers():
        reader = leaf.reader()
        terms = [text.decode("utf-8") for text, _ in reader.iter_field(field)]
        for docnum in range(leaf.doc_count_all()):  # a deleted document's stored text is there too
            expected = analysed_positions(segmented, field, docnum + offset)
            found = {term: occurrences(reader, field, term, np.array([docnum])) for term in terms}
            assert {
                term: (keys & 0xFFFFFFFF).tolist() for term, keys in found.items() if len(keys)
            } == expected


@pytest.mark.parametrize("term", ["cua", "xay", "tin"])
def test_occurrences_in_many_documents_are_each_documents(segmented: Searcher, term: str) -> None:
    for leaf, offset in segmented.leaf_searchers():
        everything = np.arange(leaf.doc_count_all())
        one_by_one = {
            d: occurrences(leaf.reader(), "body_fold", term, np.array([d])).tolist() for d in everything
        }
        for wanted in (everything, everything[::3], everything[-1:]):
            keys = occurrences(leaf.reader(), "body_fold", term, wanted)
            assert (np.diff(keys) > 0).all()  # ascending, as `contains` needs
            assert keys.tolist() == [key for d in wanted for key in one_by_one[d]]


def test_runs_of_terms_side_by_side_are_counted_where_the_analyser_puts_them(segmented: Searcher) -> None:
    live = list(segmented.reader().all_doc_ids())
    for terms in (("xay", "dung"), ("xay", "dung", "dang")):
        expected = {}
        for d in live:
            at = analysed_positions(segmented, "body_fold", d)
            expected[d] = sum(
                1 for p in at.get(terms[0], []) if all(p + i in at.get(t, []) for i, t in enumerate(terms))
            )
        found = Occurrences(segmented, live).consecutive("body_fold", terms)
        assert found == {d: n for d, n in expected.items() if n} and found


# --- postings of many blocks, generated ---------------------------------------------------

WORDS = [f"w{i}" for i in range(30)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """Three segments of generated texts, short and long (postings of many blocks), a
    quarter of the documents deleted and a run of deletions at the start (whole blocks)."""
    rng = random.Random(7)
    schema = Schema(
        id=ID(stored=True, unique=True),
        body=_counted(positions=True),
        title=_counted(positions=True),
        kw=KEYWORD(scorable=False),
        nopos=_counted(positions=False),
        classic=TEXT(phrase=True),
    )
    ix = MappedStorage(str(tmp_path_factory.mktemp("generated"))).create_index(schema, indexclass=ArraysIndex)
    number = 0
    for size in (300, 700, 150):
        writer = ix.writer()
        for _ in range(size):
            body = " ".join(
                rng.choice(WORDS[: rng.randint(2, 30)]) for _ in range(rng.choice([1, 5, 50, 3000]))
            )
            writer.add_document(
                id=str(number),
                body=body,
                title=" ".join(rng.sample(WORDS, 3)),
                kw=rng.choice(WORDS),
                nopos=body[:200],
                classic=body[:300],
            )
            number += 1
        writer.commit(merge=False)
    writer = ix.writer()
    for doc_id in {*rng.sample(range(number), number // 4), *range(200)}:
        writer.delete_by_term("id", str(doc_id))
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3
        yield searcher


def _counted(positions: bool) -> TEXT:
    field = TEXT(stored=True)
    field.format = CountedTerms(positions=positions)
    return field


def test_generated_queries_score_as_whoosh_scores_them(generated: Searcher) -> None:
    rng = random.Random(42)
    for _ in range(120):
        a, b, c = rng.sample(WORDS, 3)
        query = rng.choice(
            [
                q.Term("body", a, boost=rng.choice([1, 2.5])),
                q.Phrase("body", [a, b]),
                q.Phrase("body", [a, b, c], boost=0.7),
                q.Phrase("body", [a, a]),
                q.Term("kw", a, boost=3.0),
                q.Term("nopos", b),
                q.Phrase("classic", [a, b]),
                q.And([q.Term("body", a), q.Or([q.Term("title", b), q.Term("body", c)], boost=0.5)]),
                q.Or([q.Phrase("title", [a, b]), q.Term("body", c)]),
            ]
        )
        assert match_scores(generated, query).as_dict() == pytest.approx(expected_scores(generated, query)), (
            query
        )


def test_a_searcher_opened_before_deletions_still_finds_every_document(tmp_path: Path) -> None:
    # Whoosh hides deleted documents behind a filter that skips them as it is made: read
    # through it, the postings of a newer searcher would be cached without them, and an
    # older searcher that shares the cache would lose live results.
    ix = MappedStorage(str(tmp_path)).create_index(
        Schema(id=ID(stored=True, unique=True), body=TEXT(phrase=True))
    )
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


def test_merged_segments_keep_every_documents_positions(tmp_path: Path) -> None:
    # Merging reads each merged segment's arrays file, leaves deleted documents out and
    # numbers the rest anew, as Whoosh does their postings.
    schema = Schema(
        id=ID(stored=True, unique=True), body=_counted(positions=True), title=_counted(positions=False)
    )
    ix = MappedStorage(str(tmp_path)).create_index(schema, indexclass=ArraysIndex)
    rng = random.Random(3)
    for batch in range(3):
        writer = ix.writer()
        for number in range(batch * 200, batch * 200 + 200):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.choice([1, 40, 400])))
            writer.add_document(id=str(number), body=body, title=body[:20])
        writer.commit(merge=False)
    writer = ix.writer()
    for number in [*range(150), *rng.sample(range(600), 100)]:
        writer.delete_by_term("id", str(number))
    writer.commit(optimize=True)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 1 and not searcher.reader().has_deletions()
        for docnum in searcher.reader().all_doc_ids():
            for term, at in analysed_positions(searcher, "body", docnum).items():
                keys = occurrences(searcher.reader(), "body", term, np.array([docnum]))
                assert (keys & 0xFFFFFFFF).tolist() == at


def test_positions_past_16_bits_are_kept(tmp_path: Path) -> None:
    ix = MappedStorage(str(tmp_path)).create_index(
        Schema(body=_counted(positions=True)), indexclass=ArraysIndex
    )
    writer = ix.writer()
    writer.add_document(body="w1 " * 70_000 + "w2 w3")
    writer.commit()
    with ix.searcher() as searcher:
        assert (occurrences(searcher.reader(), "body", "w3", np.array([0])) & 0xFFFFFFFF).tolist() == [70_001]
        assert match_scores(searcher, q.Phrase("body", ["w2", "w3"])).docnums().tolist() == [0]


def whoosh_writes_every_posting(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, indexes are written as Whoosh writes them, every posting in its own
    postings file (the reference the arrays are compared with), and read so where their
    arrays files hold nothing."""
    monkeypatch.setattr(indexer.store.writer, "has_arrays", lambda field: False)
    arrays_matcher = _TermsReader.matcher

    def matcher(self: _TermsReader, fieldname: str, *args: Any, **kwargs: Any) -> Any:
        in_arrays = fieldname in SegmentArrays.of(*self._segment).table
        return (arrays_matcher if in_arrays else W3TermsReader.matcher)(self, fieldname, *args, **kwargs)

    monkeypatch.setattr(_TermsReader, "matcher", matcher)


def live_postings(reader: Any, field: str, btext: bytes) -> list[tuple[int, float]]:
    matcher, found = reader.postings(field, btext), []  # live documents only
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight()))
        matcher.next()
    return found


def statistics(reader: Any, term: tuple[str, bytes]) -> tuple[Any, ...]:
    info = reader.term_info(*term)
    return info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight()


def assert_arrays_hold_the_postings(searcher: Searcher, whooshs: Searcher) -> None:
    """The same documents in the same segments: in `searcher`, each term's arrays hold the
    postings and statistics Whoosh wrote in `whooshs` (`whoosh_writes_every_posting`), and
    each live document's positions are where the analyser puts them."""
    assert [leaf.doc_count_all() for leaf, _ in searcher.leaf_searchers()] == [
        leaf.doc_count_all() for leaf, _ in whooshs.leaf_searchers()
    ]
    for (leaf, offset), (whooshs_leaf, _) in zip(searcher.leaf_searchers(), whooshs.leaf_searchers()):
        reader, reference = leaf.reader(), whooshs_leaf.reader()
        assert list(reader.all_terms()) == list(reference.all_terms())
        deleted = np.array(sorted(reader.deleted_docs_set), dtype=np.int64)
        positions: dict[tuple[str, int], dict[str, list[int]]] = {}
        for field, btext in reader.all_terms():
            if not has_arrays(reader.schema[field]):
                continue
            found = term_postings(reader, field, btext)
            live = ~np.isin(found.ids, deleted)
            expected = live_postings(reference, field, btext)
            assert list(zip(found.ids[live].tolist(), found.weights[live].tolist())) == expected, (
                field,
                btext,
            )
            assert live_postings(reader, field, btext) == expected  # Whoosh's matchers read the arrays
            assert statistics(reader, (field, btext)) == statistics(reference, (field, btext))
            if keeps_positions(reader.schema[field]):
                ends = np.cumsum(found.weights.astype(np.int64))
                for docnum, end, count in zip(
                    found.ids.tolist(), ends.tolist(), found.weights.astype(int).tolist()
                ):
                    positions.setdefault((field, docnum), {})[btext.decode()] = found.positions[
                        end - count : end
                    ].tolist()
        for docnum in reader.all_doc_ids():
            for field in [name for name in reader.schema.names() if keeps_positions(reader.schema[name])]:
                assert positions.get((field, docnum), {}) == analysed_positions(
                    searcher, field, docnum + offset
                )


@pytest.mark.parametrize("batch", [indexer.store.writer.MERGE_BATCH_NUMBERS, 7])
def test_arrays_hold_the_postings_after_merges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    # The readers Whoosh merges from: another index's, of two segments with deletions (a
    # MultiReader, whose document numbers run on from segment to segment), then each segment
    # of this index, with deletions, as every merge does; the terms merged in batches of a
    # few (a batch ends once it holds 7 postings and positions) as well as all at once.
    monkeypatch.setattr(indexer.store.writer, "MERGE_BATCH_NUMBERS", batch)
    schema = Schema(
        id=ID(stored=True, unique=True), body=_counted(positions=True), title=_counted(positions=False)
    )

    def built(folder: Path) -> Iterator[Any]:
        """The index in `folder`, after each of two rounds of changes."""
        rng = random.Random(5)

        def add(writer: Any, numbers: range) -> None:
            for number in numbers:
                body = " ".join(rng.choice(WORDS) for _ in range(rng.choice([1, 30, 300])))
                writer.add_document(id=str(number), body=body, title=body[:12])

        (folder / "other").mkdir(parents=True)
        other = MappedStorage(str(folder / "other")).create_index(schema, indexclass=ArraysIndex)
        for numbers in (range(1000, 1040), range(1040, 1080)):
            writer = other.writer()
            add(writer, numbers)
            writer.commit(merge=False)
        writer = other.writer()
        for number in [*range(1000, 1005), *range(1050, 1055)]:
            writer.delete_by_term("id", str(number))
        writer.commit(merge=False)
        (folder / "ix").mkdir()
        ix = MappedStorage(str(folder / "ix")).create_index(schema, indexclass=ArraysIndex)
        writer = ix.writer()
        add(writer, range(60))
        writer.commit(merge=False)
        with other.reader() as multi:
            writer = ix.writer()
            add(writer, range(2010, 2015))  # the merged documents come between added ones
            writer.add_reader(multi)
            add(writer, range(2000, 2010))
            writer.commit(merge=False)
        yield ix
        writer = ix.writer()
        add(writer, range(60, 110))
        for number in (*range(0, 60, 7), *range(1010, 1030, 3), 2003):
            writer.delete_by_term("id", str(number))
        writer.commit(optimize=True)
        yield ix

    ours = built(tmp_path / "ours")
    ix = next(ours)
    with monkeypatch.context() as patched:
        whoosh_writes_every_posting(patched)
        whooshs = built(tmp_path / "whooshs")
        reference = next(whooshs)
        with ix.searcher() as searcher, reference.searcher() as expected:
            assert len(searcher.leaf_searchers()) == 2
            assert_arrays_hold_the_postings(searcher, expected)
        reference = next(whooshs)
    ix = next(ours)
    with monkeypatch.context() as patched:
        whoosh_writes_every_posting(patched)
        with ix.searcher() as searcher, reference.searcher() as expected:
            assert len(searcher.leaf_searchers()) == 1
            assert_arrays_hold_the_postings(searcher, expected)


def test_postings_put_aside_when_the_pool_is_full_are_written_with_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = Schema(
        id=ID(stored=True, unique=True), body=_counted(positions=True), title=_counted(positions=False)
    )

    def built(folder: Path) -> Any:
        rng = random.Random(8)
        folder.mkdir()
        ix = MappedStorage(str(folder)).create_index(schema, indexclass=ArraysIndex)
        writer = ix.writer(limitmb=1)
        for number in range(120):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.choice([1, 30, 300])))
            writer.add_document(id=str(number), body=body, title=body[:12])
        put_aside = len(writer.pool._spilled)
        writer.commit()
        return ix, put_aside

    with monkeypatch.context() as patched:
        patched.setattr(indexer.store.writer, "BYTES_PER_LISTED_POSTING", 100_000)  # about 10 postings
        ix, put_aside = built(tmp_path / "ours")
    assert put_aside > 10
    whoosh_writes_every_posting(monkeypatch)
    reference, _ = built(tmp_path / "whooshs")
    with ix.searcher() as searcher, reference.searcher() as expected:
        assert_arrays_hold_the_postings(searcher, expected)


def test_merging_drops_a_removed_field_and_takes_segments_without_arrays(tmp_path: Path) -> None:
    schema = Schema(
        id=ID(stored=True, unique=True), body=_counted(positions=True), title=_counted(positions=False)
    )
    ix = MappedStorage(str(tmp_path)).create_index(schema, indexclass=ArraysIndex)
    for number in range(2):
        writer = ix.writer()
        writer.add_document(id=str(number), body="alpha beta", title="gamma")
        writer.commit(merge=False)
    plain = RamStorage().create_index(Schema(id=ID(stored=True, unique=True)))  # Whoosh's, no arrays files
    writer = plain.writer()
    writer.add_document(id="plain")
    writer.commit()
    writer = ix.writer()
    writer.remove_field("title")
    with plain.reader() as reader:
        writer.add_reader(reader)
    writer.commit(optimize=True)
    with ix.searcher() as searcher:
        assert "title" not in searcher.schema
        assert {fields["id"] for fields in searcher.all_stored_fields()} == {"0", "1", "plain"}
        found = match_scores(searcher, q.Phrase("body", ["alpha", "beta"])).docnums().tolist()
        assert {searcher.stored_fields(docnum)["id"] for docnum in found} == {"0", "1"}
        assert [t for t in searcher.reader().all_terms() if t[0] == "title"] == []


def test_a_boosted_posting_is_refused_since_its_positions_would_be_lost(tmp_path: Path) -> None:
    ix = MappedStorage(str(tmp_path)).create_index(
        Schema(body=_counted(positions=True)), indexclass=ArraysIndex
    )
    writer = ix.writer()
    writer.add_document(body="w1 w2", _boost=2.0)
    with pytest.raises(ValueError, match="no boosts"):
        writer.commit()
    # The failed commit closed its files and let the lock go (with either Whoosh): another
    # writer can start, and nothing is left open for the warnings-as-errors run to catch.
    assert writer.is_closed
    ix.writer().cancel()


def test_fields_analysed_in_workers_give_the_postings_whoosh_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers send each field analysed (`postings.Analysed`), and the pool takes a field's
    # postings at once: the same postings, statistics and field lengths as Whoosh's own writing.
    news = tmp_path / "news"
    news.mkdir()
    for path in shipped_corpus().glob("*.txt"):
        (news / path.name).write_bytes(path.read_bytes())
    filler = {
        f"extra/{n:02}": f"Tin thêm số {n}\nHà Nội mưa lớn, giao thông ùn tắc ở {n} tuyến phố.\n"
        for n in range(MIN_PARALLEL_FILES)
    }
    write_articles(news, filler)
    index_paths([news], tmp_path / "ours", quiet=True, workers=2)
    whoosh_writes_every_posting(monkeypatch)
    index_paths([news], tmp_path / "whooshs", quiet=True, workers=1)
    with (
        open_index(tmp_path / "ours").searcher() as ours,
        open_index(tmp_path / "whooshs").searcher() as whooshs,
    ):
        assert ours.doc_count() == len(filler) + 5
        assert_arrays_hold_the_postings(ours, whooshs)
        fields = [name for name in ours.schema.names() if has_arrays(ours.schema[name])]
        for docnum in range(ours.doc_count_all()):
            assert [ours.reader().doc_field_length(docnum, field) for field in fields] == [
                whooshs.reader().doc_field_length(docnum, field) for field in fields
            ]


def test_term_statistics_are_the_ones_whoosh_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The codec works out each arrays term's statistics itself (Whoosh's scoring reads them).
    def statistics_of(index_dir: Path) -> dict[tuple[str, bytes], tuple[Any, ...]]:
        index_paths([shipped_corpus()], index_dir, quiet=True, workers=1)
        with open_index(index_dir).reader() as reader:
            return {term: statistics(reader, term) for term in reader.all_terms()}

    ours = statistics_of(tmp_path / "ours")
    whoosh_writes_every_posting(monkeypatch)
    assert statistics_of(tmp_path / "whooshs") == ours and ours


def test_an_analysed_value_with_a_boost_is_refused(tmp_path: Path) -> None:
    # The pool takes an analysed field's own weights: a boost Whoosh would apply is refused,
    # not dropped without a word.
    schema = Schema(id=ID(stored=True, unique=True), body=_counted(positions=True))
    writer = MappedStorage(str(tmp_path)).create_index(schema, indexclass=ArraysIndex).writer()
    value = postings_analyse(schema["body"], "Hà Nội mưa lớn")
    writer.add_document(id="a", body=value)  # without a boost it is taken
    with pytest.raises(ValueError, match="no boosts"):
        writer.add_document(id="b", body=value, _body_boost=2.0)
    writer.cancel()


@pytest.mark.parametrize("offsets_stored", [False, True])
def test_stored_fields_read_as_whoosh_reads_them(offsets_stored: bool) -> None:
    # Whoosh stores each document's offset only above 2**15 documents; below, vnsearch sums
    # the lengths itself. Empty values (no stored fields) take no bytes.
    from whoosh.codec.whoosh3 import STORED_COLUMN
    from whoosh.columns import VarBytesColumn

    from indexer.store.postings import _STORED_COLUMN

    values = [None if n % 7 == 0 else {"id": str(n), "body": "chữ " * (n % 50)} for n in range(500)]
    storage = RamStorage()
    with storage.create_file("stored") as column_file:
        writer = STORED_COLUMN.writer(column_file)
        if offsets_stored:  # as Whoosh writes a column of more than 2**15 documents
            writer._child.cutoff = 0
        for docnum, value in enumerate(values):
            if value is not None:
                writer.add(docnum, value)
        writer.finish(len(values))
        length = column_file.tell()
    column_file = storage.open_file("stored")
    whooshs = STORED_COLUMN.reader(column_file, 0, length, len(values))
    ours = _STORED_COLUMN.reader(column_file, 0, length, len(values))
    assert (
        isinstance(whooshs._child, VarBytesColumn.Reader)
        and whooshs._child.had_stored_offsets == offsets_stored
    )
    assert [ours[n] for n in range(len(values))] == [whooshs[n] for n in range(len(values))] == values
    column_file.close()


def test_a_phrase_is_matched_from_its_rarest_word_wherever_it_stands(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Positions are read rarest word first, each word only in the documents still in the
    # running; a word at the very start of a text stands before where the phrase would begin.
    articles = {
        "a": "Tin một\nMưa lớn ở Hà Nội, mưa lớn ở Huế.\n",
        "b": "Tin hai\nLớn mưa ở Hà Nội.\n",
        "c": "Tin ba\nHuế mưa lớn mưa, mưa lớn mưa.\n",
        "d": "Tin bốn\nMưa to ở Huế, lớn.\n",
    }
    with searcher_of(articles, tmp_path_factory) as searcher:
        for words in (
            ["mua", "lon"],
            ["lon", "mua"],
            ["mua", "lon", "mua"],
            ["o", "hue"],
            ["hue", "mua", "lon"],
        ):
            phrase = q.Phrase("body_fold", words)
            found = match_scores(searcher, phrase).as_dict()
            assert found == pytest.approx(expected_scores(searcher, phrase)), words
        assert len(match_scores(searcher, q.Phrase("body_fold", ["lon", "mua"])).as_dict()) == 2  # b, c
