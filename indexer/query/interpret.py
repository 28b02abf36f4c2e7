"""What a query means, beyond its letters: words typed in Telex or VNI, abbreviations, typos,
and the marks of a query typed without them.

A clause's syllables become units; a unit is matched when any of its alternatives is found
(an alternative of several syllables as a phrase): `UBND` is `ubnd` or `ủy ban nhân dân`; a
rare `thanhf` is `thanhf`, or at a lower weight `thanh` (near spellings in the order that fits
the neighbouring syllables best).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from whoosh.reading import IndexReader, SegmentReader

from indexer.store.cache import SegmentCache
from indexer.store.language_model import LanguageModel
from indexer.text.abbreviations import BUILT_IN, key
from indexer.text.analysis import fold_term
from indexer.text.input_methods import decode
from indexer.text.normalize import canonical_iy, has_marks, is_syllable, normalize
from indexer.text.segment import plain_syllables

TYPO_WEIGHT = 0.3  # a near spelling counts, well below the word as typed
READING_WEIGHT = 0.5  # a Telex or VNI reading of a word the index holds as typed counts less
TYPO_MIN_LETTERS = 4
UNKNOWN_MIN_LETTERS = 3  # a syllable the index has never seen is corrected from 3 letters
NEAR_SPELLINGS = 5  # near spellings searched: those that fit the neighbouring syllables best
NEAR_CANDIDATES = 12  # ... of the most frequent ones (`qay`: `quay` is not among the first 5)
RARE = 2  # a syllable in fewer documents than this "finds little"
_EDIT_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Alternative:
    syllables: tuple[str, ...]
    weight: float = 1.0


Unit = tuple[Alternative, ...]


@dataclass
class Expansion:
    kind: str  # "telex", "vni", "abbreviation" or "typo"
    typed: str
    meant: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "from": self.typed, "to": self.meant}


@dataclass(frozen=True)
class Reading:
    """What a query syllable typed without an input method most likely means."""

    syllable: str  # as typed (`toor`, `hari`)
    meant: str  # the Vietnamese syllable it spells (`tổ`, `hải`)
    kind: str  # "telex" or "vni"
    replaces: bool  # True: the index does not hold the syllable as typed, so only `meant` is searched


def typed_as(syllables: list[str], lm: LanguageModel) -> list[Reading | None]:
    """For each syllable, its reading if it spells Vietnamese in Telex or VNI (`toor chuwcs`
    -> `tổ chức`) and reads more plausibly so than as typed, else None. A syllable the index
    holds as typed (`Hari` in `Hari Won`) is a word of the articles, not a typing accident:
    its reading is only an alternative, and the word as typed ranks above it (the literal
    bonus, `ranking.QueryBuilder`); any other is replaced by its reading."""
    readings: list[Reading | None] = []
    for syllable in syllables:
        decoded = decode(syllable) if not has_marks(syllable) else None
        literal = lm.folded_count(fold_term(syllable)) if decoded else 0
        # In the i/y form the index writes and counts (`six` -> `sĩ`, indexed as `sỹ`).
        meant = canonical_iy(decoded[0]) if decoded else ""
        if decoded and lm.count(meant) > literal:
            readings.append(Reading(syllable, meant, decoded[1], replaces=literal == 0))
        else:
            readings.append(None)
    return readings


def units_of(
    syllables: list[str], reader: IndexReader, lm: LanguageModel, readings: dict[int, str] | None = None
) -> tuple[list[Unit], list[Expansion], list[str]]:
    """The units of a run of plain words: abbreviations and their expansions both ways,
    near spellings of rare long syllables, other readings of the syllables at `readings`'
    positions (Telex or VNI), the other syllables as they are. Also the syllables as most
    likely meant: each other reading taken, each typo replaced by the near spelling that best
    fits its neighbours (to rank the words standing side by side as meant)."""
    folded = [fold_term(s) for s in syllables]
    known = _abbreviations(lm)
    readings = readings or {}
    units: list[Unit] = []
    expansions: list[Expansion] = []
    corrected = list(syllables)
    position = 0
    while position < len(syllables):
        match = _longest_match(folded, position, known)
        if match:
            size, forms, written = match
            units.append(tuple(Alternative(form) for form in forms))
            typed = " ".join(syllables[position : position + size])
            expansions.append(Expansion("abbreviation", typed, written))
            position += size
            continue
        syllable = syllables[position]
        near = [
            _written_like(syllable, n, lm)
            for n in _in_context(_near_spellings(folded[position], reader), folded, position, lm)
        ]
        other = [Alternative((readings[position],), READING_WEIGHT)] if position in readings else []
        units.append((Alternative((syllable,)), *other, *(Alternative((n,), TYPO_WEIGHT) for n in near)))
        expansions += [Expansion("typo", syllable, n) for n in near]
        corrected[position] = readings.get(position) or (near[0] if near else syllable)
        position += 1
    return units, expansions, corrected


def restore_marks(syllables: list[str], lm: LanguageModel) -> list[str]:
    """The most likely written form of syllables typed without marks."""
    return lm.restore([fold_term(s) for s in syllables])


def _written_like(typed: str, folded: str, lm: LanguageModel) -> str:
    """The written form of a folded syllable that a typo most likely meant: the one most like
    what was typed, marks included (`họpp` -> `họp`, though `hợp` is more frequent); typed
    without marks, the most frequent (`chucc` -> `chức`)."""
    forms = [form for form, _ in lm.forms(folded)]  # most frequent first
    if not forms:
        return folded
    if not has_marks(typed):
        return forms[0]
    return max(forms, key=lambda form: SequenceMatcher(None, typed, form).ratio())  # first of equals


Abbreviations = dict[tuple[str, ...], tuple[list[tuple[str, ...]], str]]
_known: dict[object, Abbreviations] = {}  # the table of the language model read last


def _abbreviations(lm: LanguageModel) -> Abbreviations:
    """folded syllables -> (every form of the same thing as written syllables, how to show it).
    Worked out once per state of the language model: real news defines thousands."""
    table = _known.get(lm.version)
    if table is None:
        table = _abbreviation_table(lm.defined_abbreviations())
        _known.clear()
        _known[lm.version] = table
    return table


def _abbreviation_table(defined: list[tuple[str, str]]) -> Abbreviations:
    # An abbreviation an article defined that reads as a syllable (`(CA)` for `Công an`,
    # `(BA)` for `British Airways`) would turn every `cả` or `bà` typed into it: left out.
    defined = [
        (abbreviation, expansion)
        for abbreviation, expansion in defined
        if not _reads_as_a_syllable(abbreviation)
    ]
    groups: dict[str, list[str]] = {}
    for abbreviation, expansion in [*BUILT_IN.items(), *defined]:
        groups.setdefault(normalize(expansion), [expansion]).append(abbreviation)
    table: Abbreviations = {}
    for expansion_key, (expansion, *abbreviations) in groups.items():
        forms = list(dict.fromkeys(_written(text) for text in [expansion, *abbreviations]))
        for text in [expansion, *abbreviations]:
            shown = expansion if text in abbreviations else " / ".join(abbreviations[:2])
            table.setdefault(key(text), (forms, shown))
    return table


def _reads_as_a_syllable(abbreviation: str) -> bool:
    return any(is_syllable(fold_term(s.text)) for s in plain_syllables(abbreviation))


def _written(text: str) -> tuple[str, ...]:
    return tuple(s.text for s in plain_syllables(text))


def _longest_match(
    folded: list[str], position: int, known: dict[tuple[str, ...], Any]
) -> tuple[int, list[tuple[str, ...]], str] | None:
    for size in range(min(6, len(folded) - position), 0, -1):
        found = known.get(tuple(folded[position : position + size]))
        if found:
            return size, *found
    return None


def _near_spellings(folded: str, reader: IndexReader) -> list[str]:
    """Syllables one edit away that the index knows well, for a long one it hardly knows (or
    a shorter one it does not know at all)."""
    frequency = _frequency(reader, folded)
    if frequency >= RARE or len(folded) < (TYPO_MIN_LETTERS if frequency else UNKNOWN_MIN_LETTERS):
        return []
    vocabularies = _folded_vocabularies(reader)
    candidates = {
        variant
        for variant in _one_edit(folded)
        if variant != folded
        and any(variant in vocabulary for vocabulary in vocabularies)
        and _frequency(reader, variant) >= RARE
    }
    # Equal frequencies in the order of the spellings, not of the set: the same every run.
    return sorted(candidates, key=lambda c: (-_frequency(reader, c), c))[:NEAR_CANDIDATES]


def _folded_vocabularies(reader: IndexReader) -> list[frozenset[str]]:
    """The folded syllables of each segment's titles and bodies: hundreds of edits of a word
    are looked up in them, not each in the lexicon (a few milliseconds a word)."""

    def read(leaf: IndexReader) -> frozenset[str]:
        fields = [field for field in ("body_fold", "title_fold") if field in leaf.schema]
        return frozenset(term.decode("utf-8") for field in fields for term in leaf.lexicon(field))

    return [
        _vocabularies.get(leaf.segment().segment_id(), lambda leaf=leaf: read(leaf))
        for leaf, _ in reader.leaf_readers()
        if isinstance(leaf, SegmentReader)
    ]


# Each segment's folded syllables, for the segments of the last searches (about 60,000 words,
# 4 MB, for 35,000 articles of real news).
_vocabularies: SegmentCache[frozenset[str]] = SegmentCache(64)


def _in_context(near: list[str], folded: list[str], position: int, lm: LanguageModel) -> list[str]:
    """The near spellings of the syllable at `position`, the one most likely between its
    neighbours first (`kế hoạchh` -> `hoạch`, not the more frequent `hoạt`)."""
    if len(near) < 2 or len(folded) < 2:
        return near[:NEAR_SPELLINGS]

    def fit(candidate: str) -> float:
        window = [*folded[max(0, position - 1) : position], candidate, *folded[position + 1 : position + 2]]
        return lm.score(lm.restore(window))

    return sorted(near, key=fit, reverse=True)[:NEAR_SPELLINGS]  # stable: equal fits by frequency


def _frequency(reader: IndexReader, folded: str) -> int:
    return sum(reader.doc_frequency(field, folded) for field in ("body_fold", "title_fold"))


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in _EDIT_ALPHABET}
        | {a + c + b for a, b in splits for c in _EDIT_ALPHABET}
    )
