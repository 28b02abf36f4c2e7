"""Query text -> Whoosh query -> results as plain data.

`search()` returns the one result shape every interface prints or renders (see DESIGN.md, plus
`relaxed` and `expansions`). The query is parsed (`indexer.query.language`), normalised and segmented
with the same analysis as the documents, interpreted (`indexer.query.interpret`: Telex/VNI,
abbreviations, typos, restored marks) and turned into Whoosh queries (`indexer.query.ranking`).
"""

from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
from whoosh import query as q
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.ingest.dates import to_iso
from indexer.ingest.read import web_link
from indexer.query.facets import date_keys, facet_counts, facet_values
from indexer.query.highlight import Highlight, WrittenIn, body_spans
from indexer.query.interpret import Alternative, Expansion, restore_marks, typed_as, units_of
from indexer.query.language import ParsedQuery, QueryError, parse_date_range, parse_query
from indexer.query.ranking import Analysed, Bonus, Occurrences, QueryBuilder, WholeRun, analyse
from indexer.query.scoring import Matches, match_scores
from indexer.query.snippets import make_snippet
from indexer.store.language_model import LanguageModel
from indexer.store.schema import FACET_FIELDS
from indexer.text.analysis import fold_term
from indexer.text.normalize import canonical, has_marks, is_syllable
from indexer.text.segment import plain_syllables, segment

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_SYLLABLES = 64
FILTERS = (*FACET_FIELDS, "date")
FACET_LIMIT = 20  # values shown per facet (selected ones always are)


def search(
    searcher: Searcher,
    query: str,
    *,
    page: int = 1,
    per_page: int = 10,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
) -> dict[str, Any]:
    """Run a query; return the result dict. Raises `QueryError` for what cannot be run."""
    check_options(page, per_page, sort, filters or {})
    # No words but facets chosen: browse those articles.
    parsed = parse_query(query) if query.strip() or not filters else ParsedQuery()
    with closing(LanguageModel.of(searcher)) as lm:
        groups, expansions, builder = read_query(parsed, bool(filters), searcher.reader(), lm)
        use_marks, restored = builder.use_marks, builder.restored

        run = _Runner(
            searcher,
            builder.exclusions(parsed.excluded),
            sort,
            builder.bonus(groups),
            _names_as_typed(groups),
        )
        filters = canonical_filters(filters or {})
        allowed = run.docs(filter_query(parsed, filters))
        matched = run.matches(builder.required(groups))
        if sort == "relevance":
            matched = run.raised_by(matched, builder.whole_runs(groups))
        results = run.page(matched, allowed, page, per_page)
        relaxed = False
        if results.total == 0 and sum(len(a.units) or 1 for group in groups for a in group) > 1:
            fallback = run.matches(builder.relaxed(groups))
            fallback_results = run.page(fallback, allowed, page, per_page)
            if fallback_results.total:
                relaxed, matched, results = True, fallback, fallback_results
        suggestion = _suggestion(
            groups, restored if not use_marks else (_restored(groups, lm) if not results.total else {})
        )

    units = builder.highlight_units(groups)
    return {
        "query": query.encode("utf-8", "replace").decode("utf-8"),  # lone surrogates out
        "total": results.total,
        "page": results.page,
        "per_page": per_page,
        "hits": [_hit(run.stored(docnum), score, units, sort) for docnum, score in results.hits],
        "facets": _facets(run, parsed, filters, results, matched),
        "suggestion": suggestion,
        "relaxed": relaxed,
        "expansions": [e.as_dict() for e in expansions],
    }


def read_query(
    parsed: ParsedQuery, filtered: bool, reader: IndexReader, lm: LanguageModel
) -> tuple[list[list[Analysed]], list[Expansion], QueryBuilder]:
    """A parsed query as vnsearch reads it: its clauses analysed, the expansions made, and the
    builder of its queries. `filtered`: facets are chosen (a query of no words browses them)."""
    groups, expansions = _interpret(parsed, reader, lm)
    if not groups and not parsed.has_filters and not filtered:
        raise QueryError(
            "The query has no words to search for (only punctuation or symbols).",
            "Câu tìm kiếm không có từ nào để tìm (chỉ có dấu câu hoặc ký hiệu).",
        )
    if sum(len(a.syllables) for group in groups for a in group) > MAX_SYLLABLES:
        raise QueryError(
            f"The query has too many words (the limit is {MAX_SYLLABLES}).",
            f"Câu tìm kiếm có quá nhiều từ (tối đa {MAX_SYLLABLES}).",
        )
    use_marks = any(has_marks(a.clause.text) for group in groups for a in group)
    restored = _restored(groups, lm) if not use_marks else {}
    return groups, expansions, QueryBuilder(use_marks, restored)


def _interpret(
    parsed: ParsedQuery, reader: IndexReader, lm: LanguageModel
) -> tuple[list[list[Analysed]], list[Expansion]]:
    """Segment every clause and work out what its words mean (see `indexer.query.interpret`)."""
    groups: list[list[Analysed]] = []
    expansions: list[Expansion] = []
    for group in parsed.groups:
        analysed = []
        for clause in group:
            words = segment(clause.text)
            syllables = [s.text for word in words for s in word.syllables]
            if not syllables:
                continue
            if clause.phrase:  # quoted: taken literally
                analysed.append(Analysed(clause, words, tuple((Alternative((s,)),) for s in syllables)))
                continue
            readings = typed_as(syllables, lm)
            meant = [r.meant if r and r.replaces else s for s, r in zip(syllables, readings)]
            alternatives = {i: r.meant for i, r in enumerate(readings) if r and not r.replaces}
            expansions += [Expansion(r.kind, r.syllable, r.meant) for r in readings if r]
            if meant != syllables:
                clause = replace(clause, text=" ".join(meant))
                words = segment(clause.text)
            units, found, corrected = units_of(meant, reader, lm, alternatives)
            expansions += found
            analysed.append(Analysed(clause, words, tuple(units), tuple(corrected)))
        if analysed:
            groups.append(analysed)
    return groups, expansions


def _restored(groups: list[list[Analysed]], lm: LanguageModel) -> dict[str, str]:
    """Clause text -> its syllables with their most likely marks, for clauses typed without."""
    restored = {}
    for a in (a for group in groups for a in group if not a.clause.phrase):
        marked = restore_marks(a.syllables, lm)
        if marked != a.syllables:
            restored[a.clause.text] = " ".join(marked)
    return restored


def _suggestion(groups: list[list[Analysed]], restored: dict[str, str]) -> str | None:
    """ "Có phải bạn muốn tìm": the query with marks restored, when it is made of plain words."""
    if not restored or any(a.clause.phrase or a.clause.field for group in groups for a in group):
        return None
    return " OR ".join(
        " ".join(restored.get(a.clause.text, a.clause.text) for a in group) for group in groups
    )


def query_units(query: str) -> list[Highlight]:
    """What to mark for `query` in an article's body (an unusable query marks nothing)."""
    try:
        parsed = parse_query(query)
    except QueryError:
        return []
    groups = [[a for a in map(analyse, group) if a.syllables] for group in parsed.groups]
    use_marks = any(has_marks(a.clause.text) for group in groups for a in group)
    return QueryBuilder(use_marks).highlight_units(groups)


def _names_as_typed(groups: list[list[Analysed]]) -> list[str]:
    """The clauses that hold a name, a word of another language or a code (`Hari Won`,
    `92C-046`, `karaoke`, `U23`), and the codes in them whose words punctuation joins
    (`92C-046` of `xe 92C-046`): results that hold them as typed rank first (WRITTEN_FIRST)."""
    written: dict[str, None] = {}
    for text in (a.clause.text for group in groups for a in group):
        tokens = _TOKEN.findall(text)
        if any(map(_is_name, tokens)):
            written[text] = None
            written.update((token, None) for token in tokens if len(_WORD.findall(token)) > 1)
    # A long clause is no name, and looking for it would take time in proportion to its words.
    return [text for text in written if len(_WORD.findall(text)) <= MAX_NAME_WORDS]


def _is_name(token: str) -> bool:
    """Letters and digits mixed, words joined by punctuation, or a word that is not a
    Vietnamese syllable (`Won`, `karaoke`, `UBND`)."""
    words = _WORD.findall(token)
    return len(words) > 1 or any(c.isdigit() for c in token) or not all(is_syllable(w.lower()) for w in words)


_TOKEN = re.compile(r"[^\W_]+(?:[^\w\s]+[^\W_]+)*")  # words joined by punctuation (`92C-046`) are one
_WORD = re.compile(r"[^\W_]+")


def check_options(page: int, per_page: int, sort: str, filters: dict[str, list[str]]) -> None:
    if page < 1:
        raise QueryError("The page number must be 1 or more.", "Số trang phải từ 1 trở lên.")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(
            f"Results per page must be between 1 and {MAX_PER_PAGE}.",
            f"Số kết quả mỗi trang phải từ 1 đến {MAX_PER_PAGE}.",
        )
    if sort not in SORTS:
        raise QueryError(
            f"Unknown sort order {sort!r}; use one of: {', '.join(SORTS)}.",
            f"Không có cách sắp xếp {sort!r}; hãy dùng: {', '.join(SORTS)}.",
        )
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise QueryError(
            f"Unknown filter {unknown[0]!r}; use one of: {', '.join(FILTERS)}.",
            f"Không có bộ lọc {unknown[0]!r}; hãy dùng: {', '.join(FILTERS)}.",
        )


def canonical_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """Facet values are indexed in canonical form (`Thủy`, not `Thuỷ`); so are the filters."""
    return {name: [v if name == "date" else canonical(v) for v in values] for name, values in filters.items()}


def filter_query(parsed: ParsedQuery, filters: dict[str, list[str]]) -> q.Query | None:
    """Facet selections (OR within one field, AND across fields), `source:`/`author:` and
    `date:` from the query. They restrict the results without changing their scores."""
    parts: list[q.Query] = []
    for name, values in filters.items():
        if name == "date":
            parts.append(q.Or([_date_query(parse_date_range(v)) for v in values]))
        elif values:
            parts.append(q.Or([q.Term(name, value) for value in values]))
    for name, text in parsed.metadata:
        folded = [fold_term(s.text) for s in plain_syllables(text)]
        if not folded:
            raise QueryError(
                f'"{name}:{text}" has no words to match.', f'"{name}:{text}" không có từ nào để tìm.'
            )
        parts.append(
            q.Phrase(f"{name}_fold", folded) if len(folded) > 1 else q.Term(f"{name}_fold", folded[0])
        )
    parts += [_date_query(dates) for dates in parsed.dates]
    return q.And(parts) if parts else None


def _date_query(dates: Any) -> q.Query:
    return q.DateRange("date", dates.start, dates.end, endexcl=True)


# Whoosh gives articles without a date the largest key; both orders put them last.
_NO_DATE = np.uint64(2**64 - 1)
RERANK = 100  # the best results by their words alone, re-scored with the bonuses (200 ranked no better)
# Among this many best results, those that hold a name or code as typed come first: the
# index keeps its words, not the punctuation between them, so `92C - 046` matches `92C-046`
# as well as `92C-046` does. The texts of the first page are read for it, no more.
WRITTEN_FIRST = 10
WRITTEN_FIRST_SHARE = 0.5  # ... if their score is at least this share of the best one's
MAX_NAME_WORDS = 10


@dataclass
class _Page:
    total: int
    page: int
    hits: list[tuple[int, float | None]]  # (document number, score) on the page
    found: np.ndarray  # every result (filters applied), as a bool array over document numbers


class _Runner:
    """Runs queries with the same exclusions, sort order and bonuses.

    Every result is matched and counted for the facets, and raised by the clauses' whole runs
    it holds (one phrase each, over every result), but only the best RERANK are scored with the
    bonuses: their many checks over every matching article would cost far more than they
    change the first pages. Of those, the best WRITTEN_FIRST are read to see which hold the
    query's names and codes as typed."""

    def __init__(
        self, searcher: Searcher, mask: q.Query | None, sort: str, bonus: list[Bonus], written: list[str]
    ) -> None:
        self.searcher = searcher
        excluded = self.docs(mask)
        self.kept = None if excluded is None else ~excluded
        self.sort = sort
        self.bonus = bonus if sort == "relevance" else []
        self.written = written
        self._stored: dict[int, dict[str, Any]] = {}

    def matches(self, required: q.Query) -> Matches:
        """Every article the query's words match, exclusions left out, with its score."""
        return match_scores(self.searcher, required).within(self.kept)

    def raised_by(self, matched: Matches, runs: list[WholeRun]) -> Matches:
        """The matches, each scored higher for the clauses' runs of words it holds whole."""
        found: dict[q.Query, np.ndarray] = {}  # a run's phrase serves it with and without marks

        def holding(query: q.Query) -> np.ndarray:
            if query not in found:
                found[query] = self.docs(query)
            return found[query]

        for whole in runs:
            holders = np.logical_and.reduce([holding(whole.phrase), *map(holding, whole.marks)])
            matched = matched.raised_by(whole.scores(holders, self.searcher.doc_count()))
        return matched

    def docs(self, query: q.Query | None) -> np.ndarray | None:
        """The articles a query matches (a filter, a whole run), as a bool array (None: no query)."""
        return None if query is None else match_scores(self.searcher, query).found

    def page(self, matched: Matches, allowed: np.ndarray | None, page: int, per_page: int) -> _Page:
        matched = matched.within(allowed)
        docnums = matched.docnums()
        total = len(docnums)
        page = min(page, max(1, -(-total // per_page)))
        wanted = page * per_page
        ranked: list[tuple[int, float | None]]
        if self.sort == "relevance":
            best = _best(docnums, matched.scores[docnums], max(wanted, RERANK))
            ranked = self._reranked(best) if self.bonus else best
            ranked = self._written_first(ranked) if self.written else ranked
        else:
            ranked = [(docnum, None) for docnum in self._by_date(docnums)[:wanted]]
        return _Page(total, page, ranked[(page - 1) * per_page : wanted], matched.found)

    def _reranked(self, best: list[tuple[int, float]]) -> list[tuple[int, float]]:
        top, rest = best[:RERANK], best[RERANK:]
        extra = self._bonus_scores([docnum for docnum, _ in top])
        rescored = [(docnum, score + extra.get(docnum, 0.0)) for docnum, score in top]
        return sorted(rescored, key=lambda item: (-item[1], item[0])) + rest

    def _written_first(self, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Of the best WRITTEN_FIRST, those scoring at least WRITTEN_FIRST_SHARE of the best
        score and holding more of the names as typed come first, in their order (a passing
        mention does not lift a weak result). Each name held raises a score by the spread of
        these scores (and a little), so that the scores still descend."""
        top, rest = ranked[:WRITTEN_FIRST], ranked[WRITTEN_FIRST:]
        if not top:
            return ranked
        floor = WRITTEN_FIRST_SHARE * max(score for _, score in top)
        held = [self._names_held(docnum) if score >= floor else 0 for docnum, score in top]
        if len(set(held)) < 2:
            return ranked
        spread = max(score for _, score in top) - min(score for _, score in top) + 1e-4
        lifted = [(docnum, score + count * spread) for (docnum, score), count in zip(top, held)]
        return sorted(lifted, key=lambda item: (-item[1], item[0])) + rest

    def stored(self, docnum: int) -> dict[str, Any]:
        """An article's stored fields, read once per search (`_names_held`, then its hit)."""
        if docnum not in self._stored:
            self._stored[docnum] = self.searcher.stored_fields(docnum)
        return self._stored[docnum]

    def _names_held(self, docnum: int) -> int:
        fields = self.stored(docnum)
        texts = [WrittenIn(fields.get("title", "")), WrittenIn(fields.get("body", ""))]
        return sum(any(text.holds(written) for text in texts) for written in self.written)

    def _by_date(self, docnums: np.ndarray) -> list[int]:
        """Newest or oldest first; articles without a date last, ties in index order."""
        if not len(docnums):  # an index without articles has no date column to read
            return []
        dates = date_keys(self.searcher)[docnums]
        undated = dates == _NO_DATE
        if self.sort == "oldest":
            order = np.lexsort((docnums, dates))
        else:  # dates are below 2**63 (Whoosh's datetime ticks), so they can be negated
            order = np.lexsort((docnums, -np.where(undated, 0, dates).astype(np.int64), undated))
        return docnums[order].tolist()

    def _bonus_scores(self, docnums: list[int]) -> dict[int, float]:
        found = Occurrences(self.searcher, docnums)
        scores: dict[int, float] = {}
        for bonus in self.bonus:
            for docnum, score in bonus.scores(found).items():
                scores[docnum] = scores.get(docnum, 0.0) + score
        return scores


def _best(docnums: np.ndarray, scores: np.ndarray, count: int) -> list[tuple[int, float]]:
    """The `count` best (document number, score): best first, equal scores in index order."""
    if len(docnums) > count:  # only the candidates for the first `count` are sorted
        threshold = np.partition(scores, len(scores) - count)[len(scores) - count]
        keep = scores >= threshold
        docnums, scores = docnums[keep], scores[keep]
    order = np.lexsort((docnums, -scores))[:count]
    return list(zip(docnums[order].tolist(), scores[order].tolist()))


def _facets(
    run: _Runner, parsed: ParsedQuery, filters: dict[str, list[str]], results: _Page, unfiltered: Matches
) -> dict[str, list[dict[str, Any]]]:
    """Counts over the whole result set. A facet with selected values is counted without its
    own selection, so its other values still show how many results choosing them would add."""
    searcher = run.searcher
    counts = facet_counts(searcher, results.found, [name for name in FACET_FIELDS if not filters.get(name)])
    for name in FACET_FIELDS:
        if filters.get(name):
            others = run.docs(filter_query(parsed, {k: v for k, v in filters.items() if k != name}))
            source = unfiltered.found if others is None else unfiltered.found & others
            counts.update(facet_counts(searcher, source, [name]))
    return {name: facet_values(counts[name], filters.get(name) or [], FACET_LIMIT) for name in FACET_FIELDS}


def _hit(fields: dict[str, Any], score: float | None, units: list[Highlight], sort: str) -> dict[str, Any]:
    date: datetime | None = fields.get("date")
    spans = body_spans(fields.get("body", ""), units)
    return {
        "id": fields["id"],
        "title": fields.get("title", ""),
        "date": to_iso(date),
        "source": fields.get("source"),
        "author": fields.get("author"),
        "url": web_link(fields.get("url")),  # an index made before ingestion checked it
        "score": round(score, 4) if sort == "relevance" and score is not None else None,
        "snippet": make_snippet(fields.get("body", ""), spans),
    }
