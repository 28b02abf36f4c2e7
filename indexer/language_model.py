"""Counts learned from the indexed text, kept beside the index: syllables, pairs of syllables
next to each other, and abbreviations the articles define.

They give back the marks of a query typed without them (`thanh uy hai phong` -> `thành ủy hải
phòng`, decoded with Viterbi over each syllable's written forms), judge whether a word typed in
Telex or VNI means Vietnamese, and expand abbreviations. The counts are only added to when
articles are indexed (a removed article's counts stay until `vnsearch index --rebuild`): they
are statistics, a little drift does not matter.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from contextlib import closing
from collections.abc import Iterable
from pathlib import Path

from whoosh.searching import Searcher

from indexer.abbreviations import defined_pairs
from indexer.analysis import fold_term
from indexer.segment import segment

FILENAME = "vnsearch-language.sqlite"
CANDIDATES = 8  # written forms considered for each folded syllable
_SCHEMA = """
CREATE TABLE IF NOT EXISTS syllables (syllable TEXT PRIMARY KEY, folded TEXT NOT NULL, count INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS syllables_by_fold ON syllables (folded, count DESC);
CREATE TABLE IF NOT EXISTS pairs (first TEXT, second TEXT, count INTEGER NOT NULL, PRIMARY KEY (first, second));
CREATE TABLE IF NOT EXISTS abbreviations (abbreviation TEXT, expansion TEXT, count INTEGER NOT NULL,
                                          PRIMARY KEY (abbreviation, expansion));
"""


class Counts:
    """Counts gathered in memory during an indexing run, written with each commit."""

    def __init__(self) -> None:
        self.syllables: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.abbreviations: Counter[tuple[str, str]] = Counter()

    def add(self, *texts: str) -> None:
        for text in texts:
            for line in _syllable_lines(text):
                self.syllables.update(line)
                self.pairs.update(zip(line, line[1:]))
            self.abbreviations.update(defined_pairs(text))

    def merge(self, other: Counts) -> None:
        self.syllables.update(other.syllables)
        self.pairs.update(other.pairs)
        self.abbreviations.update(other.abbreviations)

    def save(self, folder: Path, replace: bool = False) -> None:
        """Add these counts to the store in `folder` (or replace it) and start again."""
        with closing(_connect(folder)) as db, db:  # close, and commit as one transaction
            if replace:
                db.executescript("DELETE FROM syllables; DELETE FROM pairs; DELETE FROM abbreviations;")
            db.executemany(
                "INSERT INTO syllables VALUES (?, ?, ?) ON CONFLICT (syllable) DO UPDATE SET count = count + excluded.count",
                [(s, fold_term(s), n) for s, n in self.syllables.items()],
            )
            db.executemany(
                "INSERT INTO pairs VALUES (?, ?, ?) ON CONFLICT (first, second) DO UPDATE SET count = count + excluded.count",
                [(a, b, n) for (a, b), n in self.pairs.items()],
            )
            db.executemany(
                "INSERT INTO abbreviations VALUES (?, ?, ?) "
                "ON CONFLICT (abbreviation, expansion) DO UPDATE SET count = count + excluded.count",
                [(a, e, n) for (a, e), n in self.abbreviations.items()],
            )
        self.syllables.clear()
        self.pairs.clear()
        self.abbreviations.clear()


class LanguageModel:
    """Read access to the counts of one index."""

    @classmethod
    def of(cls, searcher: Searcher) -> LanguageModel:
        """The counts of the index a searcher reads."""
        return cls(index_folder(searcher))

    def __init__(self, folder: Path) -> None:
        self._db = _connect(folder) if (folder / FILENAME).exists() else None
        self._total = 0
        if self._db is not None:
            self._total = self._db.execute("SELECT COALESCE(SUM(count), 0) FROM syllables").fetchone()[0]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    def count(self, syllable: str) -> int:
        row = self._query("SELECT count FROM syllables WHERE syllable = ?", syllable)
        return row[0][0] if row else 0

    def folded_count(self, folded: str) -> int:
        row = self._query("SELECT COALESCE(SUM(count), 0) FROM syllables WHERE folded = ?", folded)
        return row[0][0] if row else 0

    def forms(self, folded: str) -> list[tuple[str, int]]:
        """The written forms of a folded syllable, most frequent first."""
        return self._query(
            "SELECT syllable, count FROM syllables WHERE folded = ? ORDER BY count DESC LIMIT ?", folded, CANDIDATES
        )

    def restore(self, folded: list[str]) -> list[str]:
        """The most likely written form of a run of folded syllables (Viterbi over syllable
        pairs, with the single-syllable counts to fall back on). A syllable the index has
        never seen stays as it is."""
        if not folded:
            return []
        lattice = [self.forms(f) or [(f, 0)] for f in folded]
        pair_counts = self._pair_counts(lattice)
        # best[i][form] = (log probability of the best path ending in form, previous form)
        best = [{form: (self._log_unigram(n), "") for form, n in lattice[0]}]
        for position in range(1, len(lattice)):
            previous_counts = dict(lattice[position - 1])
            column = {}
            for form, n in lattice[position]:
                column[form] = max(
                    (score + self._log_bigram(pair_counts.get((previous, form), 0), previous_counts[previous], n), previous)
                    for previous, (score, _) in best[-1].items()
                )
            best.append(column)
        form = max(best[-1], key=lambda f: best[-1][f][0])
        path = [form]
        for column in reversed(best[1:]):
            form = column[form][1]
            path.append(form)
        return path[::-1]

    def score(self, syllables: list[str]) -> float:
        """Log probability of a run of written syllables (to compare two readings)."""
        counts = [self.count(s) for s in syllables]
        pairs = self._pair_counts([[(s, c)] for s, c in zip(syllables, counts)])
        total = self._log_unigram(counts[0]) if counts else 0.0
        for i in range(1, len(syllables)):
            total += self._log_bigram(pairs.get((syllables[i - 1], syllables[i]), 0), counts[i - 1], counts[i])
        return total

    def expansions(self, abbreviation: str) -> list[str]:
        """Expansions the articles give for an abbreviation, most frequent first."""
        rows = self._query(
            "SELECT expansion FROM abbreviations WHERE abbreviation = ? ORDER BY count DESC LIMIT 3", abbreviation
        )
        return [row[0] for row in rows]

    def defined_abbreviations(self) -> list[tuple[str, str]]:
        return self._query("SELECT abbreviation, expansion FROM abbreviations WHERE count >= 1")

    def _pair_counts(self, lattice: list[list[tuple[str, int]]]) -> dict[tuple[str, str], int]:
        firsts = sorted({f for column in lattice[:-1] for f, _ in column})
        seconds = sorted({f for column in lattice[1:] for f, _ in column})
        if not firsts or not seconds:
            return {}
        rows = self._query(
            f"SELECT first, second, count FROM pairs WHERE first IN ({','.join('?' * len(firsts))}) "
            f"AND second IN ({','.join('?' * len(seconds))})",
            *firsts, *seconds,
        )
        return {(a, b): n for a, b, n in rows}

    def _log_unigram(self, count: int) -> float:
        return math.log((count + 0.5) / (self._total + 1))

    def _log_bigram(self, pair: int, first: int, second: int) -> float:
        # Interpolated: the pair's share of the first syllable's uses, backed off to how
        # common the second syllable is on its own.
        unigram = (second + 0.5) / (self._total + 1)
        return math.log((pair + 2.0 * unigram) / (first + 2.0))

    def _query(self, sql: str, *parameters: object) -> list:
        return self._db.execute(sql, parameters).fetchall() if self._db is not None else []


def index_folder(searcher: Searcher) -> Path:
    """The folder of the index a searcher reads (Whoosh keeps the index as `_ix`)."""
    return Path(searcher._ix.storage.folder)  # noqa: SLF001


def _connect(folder: Path) -> sqlite3.Connection:
    db = sqlite3.connect(folder / FILENAME, check_same_thread=False)
    db.executescript(_SCHEMA)
    return db


def _syllable_lines(text: str) -> Iterable[list[str]]:
    """The syllables of each line of text (pairs never span a line break)."""
    line: list[str] = []
    previous_end = None
    for word in segment(text):
        if previous_end is not None and "\n" in text[previous_end : word.start]:
            yield line
            line = []
        line.extend(s.text for s in word.syllables)
        previous_end = word.end
    if line:
        yield line
