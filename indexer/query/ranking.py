"""Analysed query clauses -> Whoosh queries, and the bonuses that rank results.

Every syllable must be found, in the title or the body, in its folded form (`to` finds `tổ`);
when the query carries marks, a syllable found with the same marks scores more (`Đảng` above
`đang`). Bonuses then rank the query's syllables standing side by side (a compound such as
`tổ chức` whole), the whole query standing as typed, each word as typed above its other
readings, and the marks most likely meant, above the same syllables scattered through a text.
Before that, each clause's whole run of syllables lifts every result that holds it
(`WholeRun`), so that the results the bonuses rank include the texts holding the words together.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from whoosh import query as q
from whoosh.searching import Searcher

from indexer.query.highlight import Highlight
from indexer.query.interpret import Alternative, Unit
from indexer.query.language import Clause
from indexer.query.scoring import DOC_SHIFT, Matches, by_segment, contains, occurrences, postings
from indexer.store.schema import MARKED, TEXT_FIELDS
from indexer.text.analysis import fold_term
from indexer.text.normalize import has_marks
from indexer.text.segment import Word, segment

TITLE_BOOST = 2.0  # a word in the headline says more than the same word in the story
EXACT_BOOST = 2.0  # added on top of the folded match when the marks are the ones typed
FOLDED_WHEN_MARKED = 0.5  # a query typed with marks: a match of other marks counts for less
# Two query syllables found next to each other, as typed. It outweighs the title, the marks
# and term frequency together: an article that holds the words as written is nearly always the
# one meant (measured in docs/relevance.md: 2 -> 16 took accented queries from 0.94 to 0.975).
ADJACENT_BOOST = 16.0
# The whole clause standing together, over every result, before the best are ranked with the
# bonuses: times the rarity of the run in that field. On the tune half of real news, body
# windows accented / unaccented / one typo, MRR@10: 16 gave 0.928 / 0.845 / 0.873, 32 gave
# 0.968 / 0.950 / 0.902, 64 gave 0.984 / 0.978 / 0.917, titles at 0.99-1.00 throughout.
WHOLE_RUN_BOOST = 64.0
WHOLE_RUNS = 6  # runs tried per clause: as meant, as typed, then one other reading at a time


@dataclass(frozen=True)
class Analysed:
    """A clause after segmentation and interpretation: its words, and the units to find (each
    unit one syllable, or alternatives such as an abbreviation and its expansion)."""

    clause: Clause
    words: tuple[Word, ...]
    units: tuple[Unit, ...] = ()
    corrected: tuple[str, ...] = ()  # the syllables as most likely meant (`indexer.query.interpret.units_of`)

    @property
    def syllables(self) -> list[str]:
        return [s.text for word in self.words for s in word.syllables]

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.clause.field,) if self.clause.field else TEXT_FIELDS


def analyse(clause: Clause) -> Analysed:
    return Analysed(clause, segment(clause.text))


class QueryBuilder:
    """Whoosh queries for analysed clauses. `use_marks`: the person typed marks, so a match
    with the same marks is worth more than a folded one. `restored`: the marks most likely
    meant for clauses typed without them; a match with those marks ranks higher."""

    def __init__(self, use_marks: bool, restored: dict[str, str] | None = None) -> None:
        self.use_marks = use_marks
        self.restored = restored or {}

    def required(self, groups: list[list[Analysed]]) -> q.Query:
        """What a result must match: every unit of a group, in any of the groups."""
        if not groups:
            return q.Every()
        return q.Or([q.And([self._clause(a) for a in group]) for group in groups])

    def bonus(self, groups: list[list[Analysed]]) -> list[Bonus]:
        """What ranks a result higher: adjacent syllables, words as typed, restored marks."""
        return [bonus for group in groups for a in group for bonus in self._bonuses(a)]

    def whole_runs(self, groups: list[list[Analysed]]) -> list[WholeRun]:
        """Each clause's syllables standing together, in the title or the body: a text that
        holds the query's words side by side must reach the results that are ranked with the
        bonuses (`Bonus`), however often other texts use the words apart (a headline with two
        of them, say). With marks typed, a run with the same marks counts more."""
        runs: dict[WholeRun, None] = {}  # each once: two readings may fold alike
        for a in (a for group in groups for a in group if not a.clause.phrase):
            units = _units(a)
            # Not across an abbreviation and its expansion, which take other places.
            if len(units) < 2 or any(len(alt.syllables) != 1 for unit in units for alt in unit):
                continue
            distinct: dict[tuple[str, ...], tuple[str, ...]] = {}  # without marks typed, by folded form
            for run in _readings(a, units):
                distinct.setdefault(run if self.use_marks else tuple(map(fold_term, run)), run)
                if len(distinct) == WHOLE_RUNS:
                    break
            for run in distinct.values():
                for f in a.fields:
                    phrase, weight = (
                        q.Phrase(f"{f}_fold", [fold_term(s) for s in run]),
                        _weight(f) * WHOLE_RUN_BOOST,
                    )
                    if self.use_marks:
                        runs[WholeRun(phrase, weight * FOLDED_WHEN_MARKED)] = None
                        runs[WholeRun(phrase, weight, tuple(q.Term(f"{f}_syl", s) for s in run))] = None
                    else:
                        runs[WholeRun(phrase, weight)] = None
        return list(runs)

    def relaxed(self, groups: list[list[Analysed]]) -> q.Query:
        """Any word instead of all words: the fallback when all words find nothing. With marks,
        a word is a segmented compound (all its syllables); without, segmentation is not
        trusted and a word is a syllable (or a unit: an abbreviation and its expansion)."""
        analysed = [a for group in groups for a in group]
        alternatives = []
        for a in analysed:
            if a.clause.phrase:
                alternatives.append(self._clause(a))
            elif self.use_marks and all(len(unit) == 1 for unit in _units(a)):
                alternatives += [
                    q.And([self._syllable(s.text, a.fields) for s in w.syllables]) for w in a.words
                ]
            else:
                alternatives += [self._unit(unit, a.fields) for unit in _units(a)]
        return q.Or(alternatives)

    def exclusions(self, clauses: list[Clause]) -> q.Query | None:
        analysed = [a for a in map(analyse, clauses) if a.syllables]
        if not analysed:
            return None
        # An exclusion typed with marks leaves out that word only (`-đang` keeps `Đảng`).
        return q.Or([self._clause(a, exact_only=has_marks(a.clause.text)) for a in analysed])

    def highlight_units(self, groups: list[list[Analysed]]) -> list[Highlight]:
        """What to mark in bodies: every syllable (and every alternative of a unit), and
        quoted phrases as wholes."""
        marks = []
        for a in (a for group in groups for a in group if "body" in a.fields):
            if a.clause.phrase:
                marks.append(Highlight.of(a.syllables, self.use_marks))
            else:
                marks += [
                    Highlight.of(list(alt.syllables), self.use_marks) for unit in _units(a) for alt in unit
                ]
        return list(dict.fromkeys(marks))

    def _clause(self, analysed: Analysed, exact_only: bool = False) -> q.Query:
        if analysed.clause.phrase and len(analysed.syllables) > 1:
            return self._phrase(analysed.syllables, analysed.fields, exact_only=exact_only)
        if exact_only:
            return q.And([self._syllable(s, analysed.fields, exact_only) for s in analysed.syllables])
        return q.And([self._unit(unit, analysed.fields) for unit in _units(analysed)])

    def _unit(self, unit: Unit, fields: tuple[str, ...]) -> q.Query:
        """Any alternative of the unit: one syllable, or several as a phrase."""
        return q.Or(
            [
                self._syllable(alt.syllables[0], fields, weight=alt.weight)
                if len(alt.syllables) == 1
                else self._phrase(list(alt.syllables), fields, boost=alt.weight)
                for alt in unit
            ]
        )

    def _syllable(
        self, syllable: str, fields: tuple[str, ...], exact_only: bool = False, weight: float = 1.0
    ) -> q.Query:
        folded = FOLDED_WHEN_MARKED if self.use_marks else 1.0
        terms = (
            []
            if exact_only
            else [
                q.Term(f"{f}_fold", fold_term(syllable), boost=_weight(f) * weight * folded) for f in fields
            ]
        )
        if self.use_marks or exact_only:
            terms += [q.Term(f"{f}_syl", syllable, boost=_weight(f) * EXACT_BOOST * weight) for f in fields]
        return q.Or(terms)

    def _phrase(
        self, syllables: list[str], fields: tuple[str, ...], boost: float = 1.0, exact_only: bool = False
    ) -> q.Query:
        folded = [fold_term(s) for s in syllables]
        phrases = (
            [] if exact_only else [q.Phrase(f"{f}_fold", folded, boost=_weight(f) * boost) for f in fields]
        )
        if self.use_marks or exact_only:
            # The syllables with their marks, side by side: the index keeps positions of the
            # folded syllables only, so the folded phrase (which scores nothing here) and each
            # syllable with its marks somewhere in the text (which score as the phrase would).
            phrases += [
                q.And(
                    [q.Phrase(f"{f}_fold", folded, boost=0.0), *(q.Term(f"{f}_syl", s) for s in syllables)],
                    boost=_weight(f) * boost * EXACT_BOOST,
                )
                for f in fields
            ]
        return q.Or(phrases)

    def _bonuses(self, analysed: Analysed) -> list[Bonus]:
        if analysed.clause.phrase:
            return []
        syllables = analysed.syllables
        # Each pair of neighbours and the whole clause, as typed and with typos corrected.
        runs = list(dict.fromkeys(_runs(syllables) + _runs(list(analysed.corrected))))
        # A syllable searched with other readings (Telex, a near spelling) is found as typed
        # first: `Hari` above `hải`, however much more often an article says `hải`.
        literals = [unit[0].syllables for unit in _units(analysed) if any(alt.weight < 1 for alt in unit[1:])]
        bonuses = []
        for f in analysed.fields:
            bonuses += [
                Bonus(f"{f}_fold", tuple(map(fold_term, literal)), _weight(f) * ADJACENT_BOOST)
                for literal in literals
            ]
            for run in runs:
                # A run counts as many times as it has neighbours: four syllables standing
                # together say more than any pair of them.
                weight = _weight(f) * ADJACENT_BOOST * (len(run) - 1)
                bonuses.append(Bonus(f"{f}_fold", tuple(map(fold_term, run)), weight))
                if self.use_marks:
                    bonuses.append(Bonus(f"{f}_syl", run, weight * EXACT_BOOST))
            restored = self.restored.get(analysed.clause.text)
            # The marks most likely meant; not for a lone syllable, whose marks are a guess.
            if restored and len(syllables) > 1:
                marked = restored.split()
                bonuses += [Bonus(f"{f}_syl", (syllable,), _weight(f) * EXACT_BOOST) for syllable in marked]
                bonuses += [
                    Bonus(f"{f}_syl", pair, _weight(f) * ADJACENT_BOOST * EXACT_BOOST)
                    for pair in zip(marked, marked[1:])
                ]
        return bonuses


@dataclass(frozen=True)
class WholeRun:
    """A clause's syllables side by side in one field (`phrase`, folded), with these marks
    (`marks`: each marked syllable found in the field) if any, which adds to the score of every
    result holding it by how rare the whole run is (as if it were one term): the words of a
    known article's sentence are often common one by one, never together."""

    phrase: q.Phrase
    weight: float
    marks: tuple[q.Term, ...] = ()

    def scores(self, found: np.ndarray, documents: int) -> Matches:
        """The bonus for the documents that hold the run (`found`, a bool array over all of
        them), among `documents` live ones."""
        rarity = math.log(1 + documents / max(1, int(found.sum())))
        return Matches(found, np.where(found, self.weight * rarity, 0.0))


@dataclass(frozen=True)
class Bonus:
    """A term (or several side by side) that adds to a result's score where it occurs."""

    field: str
    terms: tuple[str, ...]
    weight: float

    def scores(self, found: Occurrences) -> dict[int, float]:
        """The bonus for each document: weighted like BM25, by rarity and saturating count."""
        reader = found.reader
        if any((self.field, term) not in reader for term in self.terms):
            return {}
        # A pair is at least as rare as its rarer term: `XX qua` says as much as `XX`.
        rarity = math.log(
            1 + reader.doc_count() / max(1, min(reader.doc_frequency(self.field, t) for t in self.terms))
        )
        if len(self.terms) == 1:
            counts = found.counts(self.field, self.terms[0])
        else:
            counts = found.consecutive(self.field, self.terms)
        return {
            docnum: self.weight * rarity * count / (count + 1.2) for docnum, count in counts.items() if count
        }


class Occurrences:
    """How often terms, and runs of terms side by side, occur in a few documents (the best
    results): each term read once however many bonuses use it, and only for these documents."""

    def __init__(self, searcher: Searcher, docnums: list[int]) -> None:
        self.reader = searcher.reader()
        self._segments = [
            (leaf.reader(), offset, np.array(local, dtype=np.int64))
            for leaf, offset, local in by_segment(searcher, docnums)
        ]
        self._counts: dict[tuple[str, str], dict[int, int]] = {}
        self._keys: dict[tuple[int, str, str], np.ndarray] = {}

    def counts(self, field: str, term: str) -> dict[int, int]:
        """How often the term occurs in each document that has it."""
        if (field, term) not in self._counts:
            counts: dict[int, int] = {}
            for reader, offset, wanted in self._segments:
                if (field, term) in reader:
                    found = postings(reader, field, term)
                    here = found.having(wanted)
                    counts.update(
                        zip((found.ids[here] + offset).tolist(), found.weights[here].astype(int).tolist())
                    )
            self._counts[field, term] = counts
        return self._counts[field, term]

    def consecutive(self, field: str, terms: tuple[str, ...]) -> dict[int, int]:
        """How often the terms stand next to each other, in order, in each document. For a
        field without positions (syllables with their marks): how often their folded forms do,
        in the documents that hold each of them."""
        if field in MARKED:
            everywhere = self.consecutive(MARKED[field], tuple(map(fold_term, terms)))
            holding = [self.counts(field, term) for term in terms]
            return {docnum: n for docnum, n in everywhere.items() if all(docnum in held for held in holding)}
        counts: dict[int, int] = {}
        for number, (_, offset, _) in enumerate(self._segments):
            starts = self._occurrences(number, field, terms[0])  # of the wanted documents only
            for step, term in enumerate(terms[1:], 1):
                starts = starts[contains(self._occurrences(number, field, term), starts + step)]
            docnums, found = np.unique(starts >> DOC_SHIFT, return_counts=True)
            counts.update(zip((docnums + offset).tolist(), found.tolist()))
        return counts

    def _occurrences(self, segment: int, field: str, term: str) -> np.ndarray:
        if (segment, field, term) not in self._keys:
            reader, _, wanted = self._segments[segment]
            self._keys[segment, field, term] = occurrences(reader, field, term, wanted)
        return self._keys[segment, field, term]


def _readings(a: Analysed, units: tuple[Unit, ...]) -> Iterator[tuple[str, ...]]:
    """A clause's syllables as most likely meant, as typed, then as meant with one syllable at
    a time read otherwise (each reading and near spelling of its unit, in order)."""
    meant = list(a.corrected or a.syllables)
    yield tuple(meant)
    yield tuple(a.syllables)
    for position, unit in enumerate(units):
        for alternative in unit[1:]:
            yield tuple(meant[:position] + [alternative.syllables[0]] + meant[position + 1 :])


def _runs(syllables: list[str]) -> list[tuple[str, ...]]:
    """Each pair of neighbours, and the whole run when it is longer than a pair."""
    return list(zip(syllables, syllables[1:])) + ([tuple(syllables)] if len(syllables) > 2 else [])


def _units(analysed: Analysed) -> tuple[Unit, ...]:
    """The clause's units; without interpretation, one per syllable."""
    return analysed.units or tuple((Alternative((s,)),) for s in analysed.syllables)


def _weight(field: str) -> float:
    return TITLE_BOOST if field == "title" else 1.0
