"""A query as vnsearch reads it, written in OpenSearch's (and Elasticsearch's) query DSL, for an
index loaded from `vnsearch export --format opensearch` (docs/scaling.md).

The reading stays vnsearch's (marks restored, Telex and VNI, abbreviations, typos: what
`indexer.query.search.read_query` works out with the index's language model); the engine only
matches and scores. What must match goes in `query` (the words, the filters, the words left
out); what ranks the best results higher (a clause's words side by side, as typed, with the
marks meant) goes in a `rescore` of the best RERANK, as vnsearch re-ranks its own. Scores are
BM25 with the engine's statistics, so the order can differ from vnsearch's in the details.
Not yet tried against a live cluster.
"""

from __future__ import annotations

from contextlib import closing
from typing import Any

from whoosh import query as q
from whoosh.searching import Searcher

from indexer.query.language import QueryError, parse_query
from indexer.query.ranking import Bonus, WholeRun
from indexer.query.search import RERANK, canonical_filters, check_options, filter_query, read_query
from indexer.store.language_model import LanguageModel
from indexer.store.schema import MARKED
from indexer.text.analysis import fold_term

Dsl = dict[str, Any]
RESULT_WINDOW = 10_000  # the engines' `index.max_result_window`: from + size may not pass it


def request(
    searcher: Searcher,
    text: str,
    filters: dict[str, list[str]] | None = None,
    size: int = 10,
    page: int = 1,
    sort: str = "relevance",
) -> Dsl:
    """The body of a `_search` request for a query typed into vnsearch (`QueryError` for one
    vnsearch would refuse), with the arguments of `indexer.query.search.search`. `searcher`
    reads the vnsearch index the export was made from: its language model reads the query."""
    check_options(page, size, sort, filters or {})
    if page * size > RESULT_WINDOW:
        raise QueryError(
            f"OpenSearch gives no results past the first {RESULT_WINDOW:,}: ask for an earlier page.",
            f"OpenSearch không trả kết quả sau {RESULT_WINDOW:,} kết quả đầu: hãy chọn trang trước đó.",
        )
    parsed = parse_query(text)
    with closing(LanguageModel.of(searcher)) as lm:
        groups, _, builder = read_query(parsed, bool(filters), searcher.reader(), lm)
    must = [translate(builder.required(groups))]
    filtered = filter_query(parsed, canonical_filters(filters or {}))
    excluded = builder.exclusions(parsed.excluded)
    body: Dsl = {
        "size": size,
        "from": (page - 1) * size,
        "query": {
            "bool": {
                "must": must,
                "filter": [translate(filtered)] if filtered is not None else [],
                "must_not": [translate(excluded)] if excluded is not None else [],
            }
        },
    }
    if sort != "relevance":  # newest or oldest first; articles without a date last
        body["sort"] = [{"date": {"order": "desc" if sort == "newest" else "asc", "missing": "_last"}}]
        return body  # the engine takes no rescore with a sort
    ranks = [*map(_whole_run, builder.whole_runs(groups)), *map(_bonus, builder.bonus(groups))]
    if ranks:
        body["rescore"] = {
            "window_size": RERANK,
            "query": {"rescore_query": {"bool": {"should": ranks}}},  # added to the score it had
        }
    return body


def translate(query: q.Query) -> Dsl:
    """One Whoosh query of the kinds vnsearch builds, in the DSL."""
    boost = getattr(query, "boost", 1.0)
    if isinstance(query, q.Every):
        return {"match_all": {}}
    if isinstance(query, q.Term):
        return {"term": {query.fieldname: {"value": query.text, "boost": boost}}}
    if isinstance(query, q.Phrase):
        return _phrase(query.fieldname, query.words, boost, query.slop - 1)
    if isinstance(query, q.DateRange):
        bounds = {"gte": query.startdate.isoformat()} if query.startdate else {}
        if query.enddate:
            bounds["lt" if query.endexcl else "lte"] = query.enddate.isoformat()
        return {"range": {query.fieldname: bounds}}
    if isinstance(query, (q.And, q.Or)):
        parts = [translate(part) for part in query.subqueries]
        if len(parts) == 1 and boost == 1.0:  # a group of one says nothing more
            return parts[0]
        if isinstance(query, q.And):
            return {"bool": {"must": parts, "boost": boost}}
        return {"bool": {"should": parts, "minimum_should_match": 1, "boost": boost}}
    raise TypeError(f"no translation for {type(query).__name__}")


def _phrase(field: str, words: list[str] | tuple[str, ...], boost: float, slop: int = 0) -> Dsl:
    return {"match_phrase": {field: {"query": " ".join(words), "slop": slop, "boost": boost}}}


def _whole_run(run: WholeRun) -> Dsl:
    phrase = _phrase(run.phrase.fieldname, run.phrase.words, run.weight)
    if not run.marks:
        return phrase
    # The marked syllables have no positions: the folded phrase, and each of them somewhere.
    return {"bool": {"must": [phrase, *map(translate, run.marks)]}}


def _bonus(bonus: Bonus) -> Dsl:
    if len(bonus.terms) == 1:
        return {"term": {bonus.field: {"value": bonus.terms[0], "boost": bonus.weight}}}
    if bonus.field in MARKED:  # as `_whole_run`: the run folded, each marked syllable in the text
        folded = WholeRun(q.Phrase(MARKED[bonus.field], [fold_term(t) for t in bonus.terms]), bonus.weight)
        marks = (translate(q.Term(bonus.field, term)) for term in bonus.terms)
        return {"bool": {"must": [_whole_run(folded), *marks]}}
    return _phrase(bonus.field, bonus.terms, bonus.weight)
