"""Marks given back to syllables written without them: `thanh uy hai phong` -> `thành ủy hải
phòng` (pure functions, no I/O).

Each folded syllable has a few written forms (`dang`: `đang`, `Đảng`, `đăng`, `dạng` ...). The
most likely run of forms is found with Viterbi over counts of forms and of pairs of forms
standing side by side. The counts come from a `Lexicon`: the index's language model
(`indexer.store.language_model`) for queries, or one article's own text with the segmentation
model's word list (`TextLexicon`) for a title made from a URL's slug.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

from indexer.text.analysis import fold_term
from indexer.text.normalize import normalize
from indexer.text.segment import syllable_lines
from indexer.text.segmenter import dictionary

Lattice = list[list[tuple[str, int]]]  # per position: (written form, count)


class Lexicon(Protocol):
    """Counts of written syllables and of pairs of them."""

    total: int  # all syllables counted

    def forms(self, folded: str) -> list[tuple[str, int]]:
        """The written forms of a folded syllable with their counts, most frequent first."""

    def pair_counts(self, lattice: Lattice) -> dict[tuple[str, str], int]:
        """How often each form of one position stands before each form of the next."""


def restore(folded: list[str], lexicon: Lexicon) -> list[str]:
    """The most likely written form of a run of folded syllables (Viterbi over pairs, with
    single counts to fall back on). A syllable the lexicon has never seen stays as it is."""
    if not folded:
        return []
    lattice = [lexicon.forms(f) or [(f, 0)] for f in folded]
    pairs = lexicon.pair_counts(lattice)
    # best[i][form] = (log probability of the best path ending in form, previous form)
    best = [{form: (log_unigram(n, lexicon.total), "") for form, n in lattice[0]}]
    for position in range(1, len(lattice)):
        previous_counts = dict(lattice[position - 1])
        column = {}
        for form, n in lattice[position]:
            column[form] = max(
                (
                    score
                    + log_bigram(pairs.get((previous, form), 0), previous_counts[previous], n, lexicon.total),
                    previous,
                )
                for previous, (score, _) in best[-1].items()
            )
        best.append(column)
    form = max(best[-1], key=lambda f: best[-1][f][0])
    path = [form]
    for column in reversed(best[1:]):
        form = column[form][1]
        path.append(form)
    return path[::-1]


def log_unigram(count: int, total: int) -> float:
    return math.log((count + 0.5) / (total + 1))


def log_bigram(pair: int, first: int, second: int, total: int) -> float:
    # Interpolated: the pair's share of the first syllable's uses, backed off to how common
    # the second syllable is on its own.
    unigram = (second + 0.5) / (total + 1)
    return math.log((pair + 2.0 * unigram) / (first + 2.0))


class CountedLexicon:
    """A lexicon of counts held in memory."""

    def __init__(self, forms: dict[str, Counter[str]], pairs: Counter[tuple[str, str]]) -> None:
        self._forms = forms
        self._pairs = pairs
        self.total = sum(sum(counts.values()) for counts in forms.values())

    @classmethod
    def of(cls, lines: Iterable[list[str]], weight: int = 1) -> CountedLexicon:
        """Counts of the syllables (lowercase, canonical) of these lines, each `weight` times."""
        forms: dict[str, Counter[str]] = {}
        pairs: Counter[tuple[str, str]] = Counter()
        for line in lines:
            for syllable in line:
                forms.setdefault(fold_term(syllable), Counter())[syllable] += weight
            for pair in zip(line, line[1:]):
                pairs[pair] += weight
        return cls(forms, pairs)

    def forms(self, folded: str) -> list[tuple[str, int]]:
        return self._forms.get(folded, Counter()).most_common()

    def pair_counts(self, lattice: Lattice) -> dict[tuple[str, str], int]:
        return {
            (first, second): self._pairs[first, second]
            for before, after in zip(lattice, lattice[1:])
            for first, _ in before
            for second, _ in after
            if (first, second) in self._pairs
        }


class TextLexicon:
    """One text's syllables, counted TEXT_WEIGHT times each, over the words of the
    segmentation model's word list counted once: a text names its own people and subjects
    (`Demi Rose`, `nâng ngực`), the word list knows the language's common compounds."""

    TEXT_WEIGHT = 5  # measured on real titles (docs/benchmarks.md): 5 restores more than 1 or 20

    def __init__(self, text: str) -> None:
        self._text = CountedLexicon.of(syllable_lines(text), self.TEXT_WEIGHT)
        self._words = _dictionary_lexicon()
        self.total = self._text.total + self._words.total

    def forms(self, folded: str) -> list[tuple[str, int]]:
        counts = Counter(dict(self._words.forms(folded)))
        counts.update(dict(self._text.forms(folded)))
        return counts.most_common()

    def pair_counts(self, lattice: Lattice) -> dict[tuple[str, str], int]:
        counts = Counter(self._words.pair_counts(lattice))
        counts.update(self._text.pair_counts(lattice))
        return dict(counts)


@lru_cache(maxsize=1)
def _dictionary_lexicon() -> CountedLexicon:
    """Every word of the segmentation model's list, as syllables, once (loaded on first use)."""
    return CountedLexicon.of(normalize(word).split() for word in dictionary())
