"""Counts learned from the indexed text, kept beside the index: syllables, pairs of syllables
next to each other, and abbreviations the articles define.

They give back the marks of a query typed without them (`thanh uy hai phong` -> `thành ủy hải
phòng`, decoded with Viterbi over each syllable's written forms), judge whether a word typed in
Telex or VNI means Vietnamese, and expand abbreviations. The counts are only added to when
articles are indexed (a removed article's counts stay until `vnsearch index --rebuild`): they
are statistics, a little drift does not matter.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

from whoosh.searching import Searcher

from indexer.text.abbreviations import defined_pairs
from indexer.text.analysis import fold_term
from indexer.text.marks import Lattice, log_bigram, log_unigram, restore
from indexer.text.segment import syllable_lines

FILENAME = "vnsearch-language.sqlite"
CANDIDATES = 8  # written forms considered for each folded syllable
WRITE_CACHE_KIB = 64 * 1024  # SQLite's page cache while counts are added
STARTS = 20  # syllables whose pairs complete a word begun (`indexer.query.suggest`)
# Pairs are most of the counts (2 million at 35,000 real articles): each is kept as two
# syllable numbers in a table without row ids, about 10 bytes, not as two strings and an index
# of them (45 bytes). The view `pairs` shows them as strings.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS syllables (id INTEGER PRIMARY KEY, syllable TEXT NOT NULL UNIQUE,
                                      folded TEXT NOT NULL, count INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS syllables_by_fold ON syllables (folded, count DESC);
CREATE TABLE IF NOT EXISTS pair_counts (first INTEGER, second INTEGER, count INTEGER NOT NULL,
                                        PRIMARY KEY (first, second)) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS pairs AS
    SELECT a.syllable AS first, b.syllable AS second, p.count AS count
    FROM pair_counts p JOIN syllables a ON a.id = p.first JOIN syllables b ON b.id = p.second;
CREATE TABLE IF NOT EXISTS abbreviations (abbreviation TEXT, expansion TEXT, count INTEGER NOT NULL,
                                          PRIMARY KEY (abbreviation, expansion));
"""
_TABLES = ("syllables", "pair_counts", "abbreviations")
_totals: dict[object, int] = {}  # all syllables counted, by state of the counts (`version`)
_reported: set[str] = set()  # damaged files already reported by this process


class Counts:
    """Counts gathered in memory during an indexing run, written with each commit."""

    def __init__(self) -> None:
        self.syllables: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.abbreviations: Counter[tuple[str, str]] = Counter()

    def add(self, *texts: str) -> None:
        for text in texts:
            for line in syllable_lines(text):
                self.syllables.update(line)
                self.pairs.update(zip(line, line[1:]))
            self.abbreviations.update(defined_pairs(text))

    def merge(self, other: Counts) -> None:
        self.syllables.update(other.syllables)
        self.pairs.update(other.pairs)
        self.abbreviations.update(other.abbreviations)

    def save(self, folder: Path, replace: bool = False) -> None:
        """Add these counts to the store in `folder`, or replace it (at once: searches read the
        old counts until then), and start again."""
        path = folder / FILENAME
        if replace:
            path = folder / f"{FILENAME}.new"
            path.unlink(missing_ok=True)  # what a run stopped before the end left
        with closing(_connect(path, writing=True)) as db, db:  # one transaction
            db.executemany(
                "INSERT INTO syllables (syllable, folded, count) VALUES (?, ?, ?) "
                "ON CONFLICT (syllable) DO UPDATE SET count = count + excluded.count",
                [(s, fold_term(s), n) for s, n in self.syllables.items()],
            )
            ids = _syllable_ids(db, {s for pair in self.pairs for s in pair})
            db.executemany(
                "INSERT INTO pair_counts VALUES (?, ?, ?) "
                "ON CONFLICT (first, second) DO UPDATE SET count = count + excluded.count",
                [(ids[a], ids[b], n) for (a, b), n in self.pairs.items()],
            )
            db.executemany(
                "INSERT INTO abbreviations VALUES (?, ?, ?) "
                "ON CONFLICT (abbreviation, expansion) DO UPDATE SET count = count + excluded.count",
                [(a, e, n) for (a, e), n in self.abbreviations.items()],
            )
        if replace:
            os.replace(path, folder / FILENAME)
        self.syllables.clear()
        self.pairs.clear()
        self.abbreviations.clear()


def _syllable_ids(db: sqlite3.Connection, syllables: set[str]) -> dict[str, int]:
    """The ids of those of these syllables that the table holds, looked up 900 at a time
    (SQLite takes at most 999 parameters in a statement)."""
    ordered = sorted(syllables)
    ids: dict[str, int] = {}
    for start in range(0, len(ordered), 900):
        chunk = ordered[start : start + 900]
        marks = ",".join("?" * len(chunk))
        ids.update(db.execute(f"SELECT syllable, id FROM syllables WHERE syllable IN ({marks})", chunk))
    return ids


class LanguageModel:
    """Read access to the counts of one index."""

    @classmethod
    def of(cls, searcher: Searcher) -> LanguageModel:
        """The counts of the index a searcher reads."""
        return cls(index_folder(searcher))

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILENAME
        self._db: sqlite3.Connection | None = None
        # Which state of the counts this is: what is worked out from them may be kept until it changes.
        self.version: object = None
        self.total = 0
        try:
            self._open()
        except sqlite3.DatabaseError as error:
            self._give_up(error)

    def _open(self) -> None:
        if not self.path.exists():
            return
        self._db = _connect(self.path)
        status = self.path.stat()
        self.version = (str(self.path), status.st_mtime_ns, status.st_size)
        if not all(_is_table(self._db, name) for name in _TABLES):
            # nothing saved yet, or in another layout (an earlier version's: the index is rebuilt)
            self.close()
            return
        self.total = (
            _totals.get(self.version)
            or next(iter(self._query("SELECT SUM(count) FROM syllables")), [0])[0]
            or 0
        )
        _totals.clear()  # searches read one state of the counts at a time
        _totals[self.version] = self.total

    def _give_up(self, error: sqlite3.DatabaseError) -> None:
        """Search on without the counts, as without the file, and say so once."""
        self.close()
        self.total = 0
        if str(self.path) not in _reported:
            _reported.add(str(self.path))
            logging.getLogger("vnsearch").warning(
                "warning: %s is damaged (%s): searching without it (no marks restored, no suggestions "
                "from it); `vnsearch index --rebuild` builds it again",
                self.path,
                error,
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def count(self, syllable: str) -> int:
        row = self._query("SELECT count FROM syllables WHERE syllable = ?", syllable)
        return row[0][0] if row else 0

    def folded_count(self, folded: str) -> int:
        row = self._query("SELECT COALESCE(SUM(count), 0) FROM syllables WHERE folded = ?", folded)
        return row[0][0] if row else 0

    def forms(self, folded: str) -> list[tuple[str, int]]:
        """The written forms of a folded syllable, most frequent first."""
        return self._query(
            "SELECT syllable, count FROM syllables WHERE folded = ? ORDER BY count DESC LIMIT ?",
            folded,
            CANDIDATES,
        )

    def restore(self, folded: list[str]) -> list[str]:
        """The most likely written form of a run of folded syllables (`indexer.text.marks`)."""
        return restore(folded, self)

    def score(self, syllables: list[str]) -> float:
        """Log probability of a run of written syllables (to compare two readings)."""
        counts = [self.count(s) for s in syllables]
        pairs = self.pair_counts([[(s, c)] for s, c in zip(syllables, counts)])
        score = log_unigram(counts[0], self.total) if counts else 0.0
        for i in range(1, len(syllables)):
            score += log_bigram(
                pairs.get((syllables[i - 1], syllables[i]), 0), counts[i - 1], counts[i], self.total
            )
        return score

    def pairs_after(self, folded: str, prefix: str, limit: int) -> list[tuple[str, str]]:
        """The pairs most written whose first syllable folds to `folded` and whose second
        one's folded form starts with `prefix` (folded)."""
        return self._query(
            "SELECT a.syllable, b.syllable FROM syllables a JOIN pair_counts p ON p.first = a.id "
            "JOIN syllables b ON b.id = p.second WHERE a.folded = ? AND b.folded >= ? AND b.folded < ? "
            "ORDER BY p.count DESC LIMIT ?",
            folded,
            prefix,
            prefix + "\uffff",
            limit,
        )

    def pairs_starting(self, prefix: str, limit: int) -> list[tuple[str, str]]:
        """The pairs most written after the STARTS syllables most written whose folded form
        starts with `prefix`: a bound on the pairs read, however short the prefix."""
        return self._query(
            "WITH firsts AS (SELECT id, syllable FROM syllables WHERE folded >= ? AND folded < ? "
            "ORDER BY count DESC LIMIT ?) "
            "SELECT f.syllable, b.syllable FROM firsts f JOIN pair_counts p ON p.first = f.id "
            "JOIN syllables b ON b.id = p.second ORDER BY p.count DESC LIMIT ?",
            prefix,
            prefix + "\uffff",
            STARTS,
            limit,
        )

    def expansions(self, abbreviation: str) -> list[str]:
        """Expansions the articles give for an abbreviation, most frequent first."""
        rows = self._query(
            "SELECT expansion FROM abbreviations WHERE abbreviation = ? ORDER BY count DESC LIMIT 3",
            abbreviation,
        )
        return [row[0] for row in rows]

    def defined_abbreviations(self) -> list[tuple[str, str]]:
        return self._query("SELECT abbreviation, expansion FROM abbreviations WHERE count >= 1")

    def pair_counts(self, lattice: Lattice) -> dict[tuple[str, str], int]:
        # By syllable number, so the table's key is sought for each first and second syllable
        # (a join on the text read every pair of a common syllable: thousands).
        firsts = {f for column in lattice[:-1] for f, _ in column}
        seconds = {f for column in lattice[1:] for f, _ in column}
        try:
            ids = _syllable_ids(self._db, firsts | seconds) if self._db is not None else {}
        except sqlite3.DatabaseError as error:
            self._give_up(error)
            return {}
        first_ids = sorted(ids[s] for s in firsts if s in ids)
        second_ids = sorted(ids[s] for s in seconds if s in ids)
        if not first_ids or not second_ids:
            return {}
        names = {number: syllable for syllable, number in ids.items()}
        rows = self._query(
            f"SELECT first, second, count FROM pair_counts WHERE first IN ({','.join('?' * len(first_ids))}) "
            f"AND second IN ({','.join('?' * len(second_ids))})",
            *first_ids,
            *second_ids,
        )
        return {(names[a], names[b]): n for a, b, n in rows}

    def _query(self, sql: str, *parameters: object) -> list:
        if self._db is None:
            return []
        try:
            return self._db.execute(sql, parameters).fetchall()
        except sqlite3.DatabaseError as error:  # a damaged page, met only now
            self._give_up(error)
            return []


def damage(folder: Path) -> str | None:
    """What is wrong with the counts file in `folder`, if anything (a missing file is not
    damage: the counts are only not there yet)."""
    path = folder / FILENAME
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
        return None if result == "ok" else result
    except sqlite3.DatabaseError as error:
        return str(error)


def index_folder(searcher: Searcher) -> Path:
    """The folder of the index a searcher reads (Whoosh keeps the index as `_ix`)."""
    return Path(searcher._ix.storage.folder)  # noqa: SLF001


def _connect(path: Path, writing: bool = False) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False)
    if writing:
        # Each commit adds to pairs all over the table: with SQLite's default 2 MB of cache, a
        # third of the time went to reading pages again (19,000 real articles make 19 MB).
        db.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
        db.executescript(f"BEGIN; {_SCHEMA} COMMIT;")  # all of it or none: a kill -9 may come at any time
    return db


def _is_table(db: sqlite3.Connection, name: str) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        is not None
    )
