"""Known-item relevance: does a query made from one article find that article first?

    python benchmarks/relevance.py [--count 2000] [--seed 42] [--targets 200] [--json]
    python benchmarks/relevance.py --articles DIR [--index IDX] [--seed 42] [--targets 300] [--json]

Two modes: synthetic text (below, first) and real news (`--articles`, after it).

## Synthetic text (without --articles)

The corpus is the synthetic one of benchmarks/make_corpus.py (`--count` articles) plus the
articles shipped in corpus/. vnsearch indexes it (`indexer.store.build.index_paths`, into a temporary
folder); the title and body it extracted are read back from its index and given, NFC, to two
baselines, so that all three see the same cleaned text:

- FTS5: SQLite, `tokenize='unicode61 remove_diacritics 2'`, top 10 by bm25, every query token
  quoted (so no punctuation or word is read as an operator);
- Whoosh default: Whoosh's `StandardAnalyzer` (TEXT fields) over title and body, queries parsed
  by a `MultifieldParser` over both (all words required, Whoosh's default).

For `--targets` articles drawn at random (seeded), one query of each type is made from the
article's own text (types with nothing to make a query from are skipped for that article):

- accented: 2 to 4 consecutive syllables of the body (no punctuation between them), typed as
  written. The window is chosen to identify the article: among windows of real words (every
  syllable in >= MIN_DF articles, so a one-off token cannot do all the work) with at least one
  marked syllable, of the CANDIDATES with the highest sum of IDF, the one whose syllables are
  all found (anywhere, marks folded) in the fewest articles. Document frequencies are counted
  here, on folded syllables (unidecode, lowercase), so the same window serves the variants
  typed without marks;
- unaccented: the same, folded with unidecode and lowercased (`đ` -> `d`);
- tone placement: a window chosen the same way among those holding an oa/oe/uy syllable whose
  tone placement varies, typed in the other style (`hòa` <-> `hoà`, `thủy` <-> `thuỷ`);
- abbreviation: for articles with an expansion from `indexer.text.abbreviations.BUILT_IN`
  (`Ủy ban nhân dân`...), its abbreviation (`UBND`) and the 1 or 2 most distinctive real
  words (syllables, as written) of the article;
- typo: the accented query with one edit (insert, delete or substitute a letter) in one
  syllable of 4+ letters, such that the misspelt syllable (folded) is in no article;
- telex: the accented query typed in Telex with the input method off (`tổ chức` -> `toor chuwcs`);
- one syllable: the title's syllable with the highest IDF (a hard type: one syllable rarely
  identifies one article).

The synthetic articles are runs of consecutive sentences from one stream of about 400,000
characters, so at 2,000 articles every sentence is in some 17 articles: no 2 to 4 syllables of
a body can single out one of them. A query is therefore judged found when the system returns
the target or one of its copies: an article that holds the words the query was made from
verbatim (with their marks; case, Unicode form, tone placement and i/y aside; in the title for
the one-syllable type; the expansion and every word for the abbreviation type). The report
also gives the target-alone figures, where copies count as misses: they mostly measure how
ties between identical texts are broken.

Metrics per type and system: MRR@10 (1/rank of the first relevant article, 0 past 10) and
recall@10 (one in the top 10). A query a system rejects counts as a miss. Deterministic for a
given seed (and sources).

## Real news (--articles DIR)

DIR is a folder of real articles in any format vnsearch reads (such as a half written by
benchmarks/real_news.py: never commit those texts). vnsearch indexes DIR alone (or reuses
`--index`); the title and body it extracted, read back from its index (NFC), go to two
baselines:

- FTS5: SQLite, `tokenize='unicode61 remove_diacritics 2'` (which keeps `đ`), bm25;
- Tantivy (tantivy-py, the `bench` extra): title and body analysed by its simple tokenizer,
  lowercase and ASCII folding (`Đảng` -> `dang`), BM25 summed over both fields, no boost.

Both get every whitespace-separated query token quoted (so nothing is an operator; a token
such as `COVID-19` is a phrase of its terms), all tokens required; when no article holds them
all, any token (OR), as vnsearch itself falls back to the articles holding some of the words.

`--targets` articles (default 300) are drawn at random with the seed from the articles sorted
by id. For each, from its title (only when real_news.py's truth file, given by `--truth` or
found in DIR or its parent, does not say the file lacks its headline) and from its body:

- a window: 3 to 5 consecutive syllables (the size drawn at random, the other sizes tried
  next in a random order) with only single spaces between them (so within one clause: no
  punctuation, digit or symbol inside), no `OR`/`AND`/`NOT`, at least one syllable with marks,
  every syllable (folded: unidecode, lowercase) in at least 2 articles (in 1 only when no
  window qualifies), holding a rare word: one of the words of that title or body (underthesea's
  `word_tokenize`, line by line, words of letters only) lies wholly inside the window and
  under 1% of the articles hold it verbatim (marks kept; case, tone placement and i/y aside;
  under 2 articles in a corpus of under 200). A body window must not also stand in the title.
  The windows of a size are taken in a random order, and the first that qualifies and that at
  most MAX_RELEVANT (5) articles hold verbatim (the target included) is the one. From it, one
  query each:
  - accented: as written;
  - unaccented: every syllable folded (unidecode: marks dropped, `đ` -> `d`; lowercase);
  - Telex, IME off: typed in Telex with the input method off (`tổ chức` -> `toor chuwcs`);
  - one typo: one edit (insert, delete or substitute a letter) in one syllable of 4+ letters,
    giving a syllable (folded) that no article holds; skipped when 50 tries find none;
- other tone placement: another window chosen the same way among those holding an open
  oa/oe/uy syllable whose tone placement varies, typed in the other style (`hòa` <-> `hoà`,
  `thủy` <-> `thuỷ`); none where the article has no such window;
- names/codes, from title and body: a window of 1 to 3 tokens (runs of letters and digits,
  hyphens inside: `COVID-19`, `Jong-un`; one space apart, so within one clause; no
  `OR`/`AND`/`NOT`) holding at least one name token (`is_name_token`) found as a token in at
  least 2 articles (1 when no window qualifies) and in under 1% of them (so that the name, not
  a neighbour, does the identifying: not `camera`, `Facebook`). A name token has 2+ characters, letters among
  them, no Vietnamese marks, is not a Roman numeral nor a built-in abbreviation's syllable
  (`UBND`, `TP`, `HCM`), and is either a letter-digit code that starts with a letter or has
  capital letters only (`U23`, `A92`, `COVID-19`, `37B-016`, `80B`; not quantities with their
  unit: `7km`, `2h45`), or letters only with a vowel (not `Ch`), at least 2 vowels when all
  capitals (`NATO`, `FIFA`; not initialisms such as `PV`, `TBT`), with a part that is not a
  Vietnamese syllable once lowercased (`indexer.text.normalize.is_syllable`: `Hari`, `Won`,
  `iPhone`, `Toyota`, `internet`). The fewest tokens first: the windows of 1 token, then 2,
  then 3, each size in a random order; the first that at most MAX_RELEVANT articles hold
  verbatim is the one. Typed as written (`names/codes: as written`) and lowercase (skipped
  when that is the same text).

Relevant = the target and every article holding the window verbatim: for syllable windows as
in the synthetic mode (marks kept; case, Unicode form, tone placement and i/y aside; title or
body); for name windows the same, on whole tokens, punctuation inside kept. Metrics as in the
synthetic mode, per type and system. Targets, printed met or MISSED: MRR@10 >= 0.98 on every
title type, >= 0.95 on every body type but one typo (>= 0.92), >= 0.97 on names/codes; and
vnsearch's MRR@10 at least the better baseline's on every type.

For the names/codes types the report also counts the queries where vnsearch read a typed
word (which the index holds: it comes from the target) as Telex, VNI or a typo (an
`expansions` entry of that kind), and of all name queries those that lost the literal
reading: vnsearch fell back to some of the words (`relaxed`), or its total is smaller than its
total for the same words each quoted (which it takes literally: keeping the literal reading
beside another one can only add articles), or, for a query with such a reading, its results
(paged through, up to SCAN) do not hold the target, which holds every word as typed.
The JSON (`--json`, `--out`) lists every query where vnsearch is not first or is below a
baseline, with its expansions and vnsearch's top 3.
"""

from __future__ import annotations

import json
import math
import random
import re
import sqlite3
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import click
from unidecode import unidecode

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_SEED, corpus_dir, machine, table, write_json
from benchmarks.make_corpus import retone

TYPES = ("accented", "unaccented", "tone", "abbreviation", "typo", "telex", "syllable")
LABELS = {
    "accented": "accented",
    "unaccented": "unaccented",
    "tone": "other tone placement",
    "abbreviation": "abbreviation",
    "typo": "one typo",
    "telex": "Telex, IME off",
    "syllable": "one title syllable",
}
SYSTEMS = ("vnsearch", "fts5", "whoosh")
SYSTEM_LABELS = {"vnsearch": "vnsearch", "fts5": "FTS5", "whoosh": "Whoosh default", "tantivy": "Tantivy"}
GOALS = {"accented": 0.95, "unaccented": 0.95, "typo": 0.85, "abbreviation": 0.85}  # MRR@10
DEPTH = 10
MIN_DF = 2  # every syllable of a window is in at least this many articles
CANDIDATES = 50  # windows with the highest IDF sums whose articles are counted
EXAMPLES = 3
# Syllables separated by single spaces only, and whole: not the `m` of `10m`, the `vn` of
# `vn-express` or the `O` of `O'Neil`.
_RUN = re.compile(r"(?<![\w'-])[^\W\d_]+(?: [^\W\d_]+)*(?![\w'-])")
_SYLLABLE = re.compile(r"[^\W\d_]+")
_OPERATORS = {"OR", "AND", "NOT"}  # vnsearch's (and Whoosh's) operators, not words
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_NOT_SYLLABLE = re.compile(r"[^\w ]|[\d_]")


# --- the articles and their statistics ------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    body: str


def fold(syllable: str) -> str:
    return unidecode(syllable).lower()


def has_marks(text: str) -> bool:
    return fold(text) != text.lower()


def stream(text: str) -> str:
    """The text's syllables, normalised (lowercase, NFC, one tone placement, i/y as one), one
    space apart, with ` | ` wherever anything but a space separated them; padded with spaces,
    so that ` tổ chức ` in it means those syllables next to each other."""
    from indexer.text.normalize import normalize

    return " " + " ".join(_NOT_SYLLABLE.sub(" | ", normalize(text)).split()) + " "


class Stats:
    """Document frequencies of folded syllables, which articles hold each, and every article's
    syllable stream (to find the articles that hold a query's source words verbatim)."""

    def __init__(self, docs: list[Doc]) -> None:
        self.n = len(docs)
        self.ids = [doc.id for doc in docs]
        self.postings: dict[str, set[int]] = {}
        for number, doc in enumerate(docs):
            for syllable in {fold(s) for s in _SYLLABLE.findall(doc.title + "\n" + doc.body)}:
                self.postings.setdefault(syllable, set()).add(number)
        self.streams = [stream(doc.title + "\n" + doc.body) for doc in docs]
        self.title_streams = [stream(doc.title) for doc in docs]

    def df(self, syllable: str) -> int:
        return len(self.postings.get(fold(syllable), ()))

    def idf(self, syllable: str) -> float:
        return math.log(self.n / max(1, self.df(syllable)))

    def holding(self, syllables: Iterable[str]) -> set[int]:
        """The articles that hold every one of these syllables (folded, anywhere)."""
        sets = sorted((self.postings.get(fold(s), set()) for s in syllables), key=len)
        return set.intersection(*sets) if sets else set()

    def verbatim(self, phrases: list[str], title_only: bool = False) -> frozenset[str]:
        """Ids of the articles that hold each of these phrases verbatim (marks included; case,
        Unicode form, tone placement and i/y aside), in the title or the body (or the title)."""
        keys = [stream(phrase) for phrase in phrases]
        streams = self.title_streams if title_only else self.streams
        syllables = [s for p in phrases for s in _SYLLABLE.findall(p)]
        candidates = set.intersection(*map(self._holding_either_iy, syllables)) if syllables else set()
        return frozenset(self.ids[d] for d in candidates if all(key in streams[d] for key in keys))

    def _holding_either_iy(self, syllable: str) -> set[int]:
        """The articles that hold the syllable folded, in either i/y spelling (`sĩ` for `sỹ`):
        the streams make the two one, their folds (`si`, `sy`) do not."""
        from indexer.text.normalize import canonical_iy

        folded = fold(stream(syllable).strip())  # i/y made one: `y`
        other = folded[:-1] + "i"
        spellings = {folded, other} if canonical_iy(other) == folded else {folded}
        return set().union(*(self.postings.get(s, set()) for s in spellings))


def load_docs(index_dir: Path) -> list[Doc]:
    """Every article's id, title and body as vnsearch extracted them (NFC), sorted by id."""
    from indexer.store.build import open_index

    with open_index(index_dir).searcher() as searcher:
        docs = [
            Doc(f["id"], nfc(f.get("title") or ""), nfc(f.get("body") or ""))
            for f in searcher.all_stored_fields()
        ]
    return sorted(docs, key=lambda d: d.id)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    type: str
    text: str
    target: str
    # The target and its copies: the articles that hold the words the query was made from
    # verbatim (the synthetic articles share their sentences, see the module docstring).
    relevant: frozenset[str]


def windows(text: str, size: int) -> list[tuple[int, tuple[str, ...]]]:
    """(position, syllables) of every run of `size` syllables with only a space between them."""
    found = []
    for run in _RUN.finditer(text):
        syllables = run.group().split(" ")
        for i in range(len(syllables) - size + 1):
            window = tuple(syllables[i : i + size])
            if all(map(str.isalpha, window)):  # `⅔` is \w but not a digit for `re`
                found.append((run.start() + i, window))
    return found


def best_window(
    doc: Doc, size: int, stats: Stats, keep: Callable[[tuple[str, ...]], bool] = lambda w: True
) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """The body window of `size` syllables that best identifies the article, and the articles
    that hold it verbatim (see the module docstring): among the CANDIDATES windows with the
    highest IDF sum, the one whose syllables are all found in the fewest articles (copies of
    the window or not), then with the fewest copies, then with the highest IDF sum."""

    def usable(window: tuple[str, ...], min_df: int) -> bool:
        return (
            not _OPERATORS & set(window)
            and any(map(has_marks, window))
            and all(stats.df(s) >= min_df for s in window)
            and keep(window)
        )

    for min_df in (MIN_DF, 1):  # one-off syllables only when there is nothing else
        scored: dict[tuple[str, ...], tuple[float, int]] = {}
        for position, window in windows(doc.body, size):
            if window not in scored and usable(window, min_df):
                scored[window] = (-sum(map(stats.idf, window)), position)
        if scored:
            top = sorted(scored, key=scored.__getitem__)[:CANDIDATES]
            copies = {w: stats.verbatim([" ".join(w)]) for w in top}
            best = min(top, key=lambda w: (len(stats.holding(w)), len(copies[w]), scored[w]))
            return best, copies[best] | {doc.id}
    return None


def flip_tone(syllable: str) -> str:
    """The other tone placement of an open oa/oe/uy syllable (`hòa` <-> `hoà`), else itself."""
    for new in (True, False):
        flipped = retone(syllable, new)
        if flipped != syllable:
            return flipped
    return syllable


def typo(syllables: tuple[str, ...], stats: Stats, rng: random.Random) -> tuple[str, ...] | None:
    """One edit in one syllable of 4+ letters, giving a syllable no article holds."""
    long = [i for i, s in enumerate(syllables) if len(s) >= 4]
    if not long:
        return None
    for _ in range(50):
        i = rng.choice(long)
        word = syllables[i]
        at = rng.randrange(len(word))
        edit = rng.choice(("insert", "delete", "substitute"))
        if edit == "insert":
            changed = word[:at] + rng.choice(_LETTERS) + word[at:]
        elif edit == "delete":
            changed = word[:at] + word[at + 1 :]
        else:
            changed = word[:at] + rng.choice(_LETTERS.replace(word[at].lower(), "")) + word[at + 1 :]
        if fold(changed) not in stats.postings:
            return syllables[:i] + (changed,) + syllables[i + 1 :]
    return None


_TELEX_TONES = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_TELEX_LETTERS = {"â": "aa", "ă": "aw", "ê": "ee", "ô": "oo", "ơ": "ow", "ư": "uw", "đ": "dd"}


def telex(syllable: str) -> str:
    """A syllable as typed in Telex with the input method off: `chức` -> `chuwcs`."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tones = [_TELEX_TONES[c] for c in decomposed if c in _TELEX_TONES]
    bare = nfc("".join(c for c in decomposed if c not in _TELEX_TONES))
    return "".join(_TELEX_LETTERS.get(c, c) for c in bare) + "".join(tones)


def _abbreviations() -> dict[str, list[str]]:
    """Expansion -> its abbreviations, from the built-in table."""
    from indexer.text.abbreviations import BUILT_IN

    table: dict[str, list[str]] = {}
    for abbreviation, expansion in BUILT_IN.items():
        table.setdefault(expansion, []).append(abbreviation)
    return table


def distinctive_syllables(doc: Doc, stats: Stats, exclude: set[str]) -> list[str]:
    """The article's real words (in >= MIN_DF articles) by IDF, highest first, as written."""
    seen: dict[str, str] = {}
    for syllable in _SYLLABLE.findall(doc.title + "\n" + doc.body):
        key = fold(syllable)
        if (
            key not in seen
            and key not in exclude
            and len(syllable) > 1
            and syllable.isalpha()
            and syllable not in _OPERATORS
            and stats.df(syllable) >= MIN_DF
        ):
            seen[key] = syllable
    return sorted(seen.values(), key=lambda s: -stats.idf(s))  # stable: first written first


def make_queries(
    docs: list[Doc], stats: Stats, targets: int, seed: int
) -> tuple[list[Query], dict[str, int]]:
    """One query of each type per target (where the target allows it), and coverage counts."""
    rng = random.Random(seed)
    chosen = rng.sample(range(len(docs)), min(targets, len(docs)))
    expansions = _abbreviations()
    queries: list[Query] = []
    coverage = {
        "targets": len(chosen),
        "with_tone_variant": 0,
        "with_abbreviation": 0,
        "abbreviation_also_written": 0,
        "typo_skipped": 0,
    }
    for number in chosen:
        doc, text = docs[number], stats.streams[number]

        def add(kind: str, words: Iterable[str], relevant: frozenset[str]) -> None:
            queries.append(Query(kind, " ".join(words), doc.id, relevant | {doc.id}))

        size = rng.randint(2, 4)
        found_window = best_window(doc, size, stats)
        if found_window:
            window, copies = found_window
            add("accented", window, copies)
            add("unaccented", (fold(s) for s in window), copies)
            misspelt = typo(window, stats, rng)
            if misspelt:
                add("typo", misspelt, copies)
            else:
                coverage["typo_skipped"] += 1
            add("telex", map(telex, window), copies)
        toned = best_window(doc, size, stats, keep=lambda w: any(flip_tone(s) != s for s in w))
        if toned:
            coverage["with_tone_variant"] += 1
            add("tone", map(flip_tone, toned[0]), toned[1])
        found = [expansion for expansion in expansions if stream(expansion) in text]
        if found:
            coverage["with_abbreviation"] += 1
            expansion = rng.choice(found)
            abbreviation = rng.choice(expansions[expansion])
            coverage["abbreviation_also_written"] += any(stream(a) in text for a in expansions[expansion])
            words = distinctive_syllables(doc, stats, {fold(s) for s in _SYLLABLE.findall(expansion)})
            words = words[: rng.randint(1, 2)]
            add("abbreviation", [abbreviation, *words], stats.verbatim([expansion, *words]))
        title = [s for s in _SYLLABLE.findall(doc.title) if s.isalpha() and s not in _OPERATORS]
        if title:
            syllable = max(title, key=stats.idf)  # max keeps the first of equals
            add("syllable", [syllable], stats.verbatim([syllable], title_only=True))
    return queries, coverage


# --- the three systems ----------------------------------------------------------------------


def build_fts5(database: Path, docs: list[Doc]) -> None:
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        connection.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((d.id, d.title, d.body) for d in docs))


def fts5_quote(query: str) -> str:
    """Every token a quoted string (quotes doubled): implicit AND, no operators."""
    return " ".join('"' + token.replace('"', '""') + '"' for token in query.split())


def build_whoosh(folder: Path, docs: list[Doc]) -> None:
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema

    folder.mkdir(parents=True, exist_ok=True)
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(), body=TEXT())  # StandardAnalyzer
    writer = index.create_in(str(folder), schema).writer(limitmb=256)
    for doc in docs:
        writer.add_document(id=doc.id, title=doc.title, body=doc.body)
    writer.commit()


def rank_of(relevant: frozenset[str], ids: list[str]) -> int | None:
    """The rank of the first relevant id, or None."""
    return next((rank for rank, hit in enumerate(ids, 1) if hit in relevant), None)


def run_queries(
    index_dir: Path, database: Path, whoosh_dir: Path, queries: list[Query]
) -> dict[str, list[list[str]]]:
    """Each system's top-10 ids for every query (an empty list when it rejects the query)."""
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    from indexer.query.language import QueryError
    from indexer.query.search import search
    from indexer.store.build import open_index

    results: dict[str, list[list[str]]] = {system: [] for system in SYSTEMS}
    with open_index(index_dir).searcher() as searcher:
        for query in queries:
            try:
                hits = search(searcher, query.text, per_page=DEPTH)["hits"]
                results["vnsearch"].append([hit["id"] for hit in hits])
            except QueryError:  # a query vnsearch rejects: a miss
                results["vnsearch"].append([])
    with closing(sqlite3.connect(database)) as connection:
        for query in queries:
            try:
                rows = connection.execute(
                    "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
                    (fts5_quote(query.text), DEPTH),
                ).fetchall()
                results["fts5"].append([row[0] for row in rows])
            except sqlite3.Error:
                results["fts5"].append([])
    ix = index.open_dir(str(whoosh_dir))
    parser = MultifieldParser(["title", "body"], ix.schema)
    with ix.searcher() as searcher:
        for query in queries:
            try:
                parsed = parser.parse(query.text)
                results["whoosh"].append([hit["id"] for hit in searcher.search(parsed, limit=DEPTH)])
            except Exception:  # Whoosh raises many types for what it cannot parse: a miss
                results["whoosh"].append([])
    return results


# --- real news (--articles) -----------------------------------------------------------------

FORMS = ("accented", "unaccented", "telex", "typo", "tone")
FORM_LABELS = {
    "accented": "accented",
    "unaccented": "unaccented",
    "telex": "Telex, IME off",
    "typo": "one typo",
    "tone": "other tone placement",
}
NEWS_TYPES = (*(f"title_{form}" for form in FORMS), *(f"body_{form}" for form in FORMS), "name", "name_lower")
NEWS_LABELS = {
    **{
        f"{part}_{form}": f"{part}: {label}"
        for part in ("title", "body")
        for form, label in FORM_LABELS.items()
    },
    "name": "names/codes: as written",
    "name_lower": "names/codes: lowercase",
}
NEWS_SYSTEMS = ("vnsearch", "fts5", "tantivy")
NEWS_GOALS = {
    **{f"title_{form}": 0.98 for form in FORMS},
    **{f"body_{form}": 0.95 for form in FORMS},
    "body_typo": 0.92,
    "name": 0.97,
    "name_lower": 0.97,
}  # MRR@10
NEWS_TARGETS = 300
RARE_SHARE = 0.01  # a window holds a word that fewer than this share of the articles use
WINDOW_SIZES = (3, 4, 5)
NAME_SIZES = (1, 2, 3)
MAX_RELEVANT = 5  # a window held verbatim by more articles than this does not identify one
REWRITES = {"telex", "vni", "typo"}  # expansions that read a typed word as another
SCAN = 3000  # results paged through, at most, to see whether a name query matched its target
_NAME_TOKEN = r"[^\W_]+(?:-[^\W_]+)*"  # letters and digits, hyphens inside: `COVID-19`, `Jong-un`
_NAME_RUN = re.compile(rf"{_NAME_TOKEN}(?: {_NAME_TOKEN})*")  # tokens one space apart
_ALNUM = re.compile(r"[^\W_]+")
_ROMAN = re.compile(r"[IVXLCDM]+")


def _abbreviation_syllables() -> frozenset[str]:
    """The folded syllables of the built-in abbreviations (`ubnd`, `tp`, `hcm`...): Vietnamese
    abbreviations have a query type of their own in the synthetic mode, not a name's."""
    from indexer.text.abbreviations import BUILT_IN, key

    return frozenset(s for abbreviation in BUILT_IN for s in key(abbreviation))


@lru_cache(maxsize=200_000)
def is_name_token(token: str, abbreviations: frozenset[str] = frozenset()) -> bool:
    """A token that is a name, a word of another language or a letter-digit code (see the
    module docstring): `Hari`, `Won`, `iPhone`, `NATO`, `U23`, `A92`, `80B`, `COVID-19`; not
    `Việt`, `UBND`, `PV`, `Ch`, `XIII`, `7km`, `2h45`."""
    from indexer.text.normalize import is_syllable

    parts = token.split("-")
    letters = [c for c in token if c.isalpha()]
    if (
        len(token) < 2
        or not letters
        or has_marks(token)
        or _ROMAN.fullmatch(token)
        or fold(token) in abbreviations
        or any(fold(p) in abbreviations for p in parts)
    ):
        return False
    if any(c.isdigit() for c in token):  # a code, not a quantity with its unit (`7km`, `2h45`)
        return token[0].isalpha() or all(c.isupper() for c in letters)
    vowels = sum(c in "aeiouy" for c in token.lower())
    if vowels == 0 or (token.isupper() and vowels < 2):  # `Ch`; initialisms such as `PV`, `UBKT`
        return False
    return any(not is_syllable(p.lower()) for p in parts)


def name_key(text: str) -> str:
    """What a name window is compared as: normalised (lowercase, NFC, one tone placement, i/y
    as one), spaces collapsed; punctuation kept."""
    from indexer.text.normalize import normalize

    return " ".join(normalize(text).split())


@cache
def _fold_cached(text: str) -> str:
    return fold(text)


class NewsStats(Stats):
    """Stats for real news (the same fields, built faster: every distinct spelling folded once),
    plus what name windows need: folded tokens of letters and digits (`u23`), and every
    article as `name_key` gives it."""

    def __init__(self, docs: list[Doc]) -> None:  # pylint: disable=super-init-not-called
        from indexer.text.normalize import normalize

        self.n = len(docs)
        self.ids = [doc.id for doc in docs]
        self.postings = {}
        self.tokens: dict[str, set[int]] = {}
        self.streams, self.title_streams, self.texts = [], [], []
        for number, doc in enumerate(docs):
            for syllable in {_fold_cached(s) for s in set(_SYLLABLE.findall(doc.title + "\n" + doc.body))}:
                self.postings.setdefault(syllable, set()).add(number)
            # `stream` and `name_key` of the title and the body, each normalised once.
            title, body = normalize(doc.title), normalize(doc.body)
            self.texts.append(" " + " ".join(title.split()) + " | " + " ".join(body.split()) + " ")
            for token in {_fold_cached(t) for t in set(_ALNUM.findall(self.texts[-1]))}:
                self.tokens.setdefault(token, set()).add(number)
            self.streams.append(" " + " ".join(_NOT_SYLLABLE.sub(" | ", title + "\n" + body).split()) + " ")
            self.title_streams.append(" " + " ".join(_NOT_SYLLABLE.sub(" | ", title).split()) + " ")
        self.rare_below = max(RARE_SHARE * self.n, 2)  # `under 1%`, and at least once-only in small corpora
        self.marked: dict[str, int] = {}  # syllable as in the streams (marks kept) -> articles
        for text in self.streams:
            for syllable in set(text.split()):
                self.marked[syllable] = self.marked.get(syllable, 0) + 1
        self._name_holders: dict[str, frozenset[str]] = {}
        self._rare_words: dict[str, bool] = {}

    def is_rare_word(self, key: str) -> bool:
        """Whether fewer than `rare_below` articles hold the word `key` (` tổ chức `, as
        `stream` gives it) verbatim; counted until that many are found."""
        rare = self._rare_words.get(key)
        if rare is None:
            syllables = key.split()
            if len(syllables) == 1:
                rare = self.marked.get(syllables[0], 0) < self.rare_below
            else:
                candidates = sorted(set.intersection(*map(self._holding_either_iy, syllables)))
                found = 0
                for d in candidates:
                    found += key in self.streams[d]
                    if found >= self.rare_below:
                        break
                rare = found < self.rare_below
            self._rare_words[key] = rare
        return rare

    def name_verbatim(self, window: str) -> frozenset[str]:
        """Ids of the articles holding the window as `name_key` gives it, as whole tokens."""
        found = self._name_holders.get(window)
        if found is None:
            key = name_key(window)
            parts = [fold(p) for p in _ALNUM.findall(key)]
            sets = sorted((self.tokens.get(p, set()) for p in parts), key=len)
            candidates = set.intersection(*sets) if sets else set()
            pattern = re.compile(rf"(?<![^\W_])(?<![^\W_]-){re.escape(key)}(?![^\W_])(?!-[^\W_])")
            found = frozenset(self.ids[d] for d in candidates if pattern.search(self.texts[d]))
            self._name_holders[window] = found
        return found


def words_of(text: str) -> list[str]:
    """The distinct words of a text (underthesea's `word_tokenize`, line by line) made only of
    letters, as `stream` gives them (` tổ chức `)."""
    from underthesea import word_tokenize

    words = {}
    for line in text.split("\n"):
        for word in word_tokenize(line) if line.strip() else []:
            if word.replace(" ", "").isalpha():
                words.setdefault(stream(word), None)
    return list(words)


def news_window(
    doc: Doc,
    number: int,
    part: str,
    stats: NewsStats,
    rng: random.Random,
    keep: Callable[[tuple[str, ...]], bool] = lambda w: True,
) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """A window of 3-5 syllables of the title or the body (see the module docstring) and the
    articles that hold it verbatim, target included; None when there is none."""
    text = doc.title if part == "title" else doc.body
    words: list[str] | None = None  # the text's words, segmented when first needed
    sizes = list(WINDOW_SIZES)
    rng.shuffle(sizes)
    for min_df in (MIN_DF, 1):  # one-off syllables only when there is nothing else
        for size in sizes:
            found = list(dict.fromkeys(window for _, window in windows(text, size)))  # distinct, in order
            rng.shuffle(found)
            for window in found:
                if (
                    _OPERATORS & set(window)
                    or not any(map(has_marks, window))
                    or not keep(window)
                    or not all(stats.df(s) >= min_df for s in window)
                ):
                    continue
                key = stream(" ".join(window))
                if part == "body" and key in stats.title_streams[number]:
                    continue
                words = words_of(text) if words is None else words
                if not any(word in key and stats.is_rare_word(word) for word in words):
                    continue
                relevant = stats.verbatim([" ".join(window)]) | {doc.id}
                if len(relevant) <= MAX_RELEVANT:
                    return window, relevant
    return None


def name_window(
    doc: Doc, stats: NewsStats, rng: random.Random, abbreviations: frozenset[str]
) -> tuple[str, frozenset[str]] | None:
    """A name/code window of 1-3 tokens (see the module docstring) and the articles holding
    it verbatim, target included; None when the article has none."""
    for min_df in (MIN_DF, 1):
        by_size: dict[int, list[str]] = {size: [] for size in NAME_SIZES}
        seen: set[str] = set()
        for text in (doc.title, doc.body):
            for run in _NAME_RUN.finditer(text):
                tokens = run.group().split(" ")
                for size in NAME_SIZES:
                    for i in range(len(tokens) - size + 1):
                        window = tokens[i : i + size]
                        joined = " ".join(window)
                        if joined.lower() in seen or _OPERATORS & set(window):
                            continue
                        seen.add(joined.lower())
                        if any(
                            is_name_token(t, abbreviations)
                            and min_df <= len(stats.name_verbatim(t)) < stats.rare_below
                            for t in window
                        ):
                            by_size[size].append(joined)
        for size in NAME_SIZES:  # the fewest tokens that single out a few articles
            candidates = by_size[size]
            rng.shuffle(candidates)
            for window in candidates:
                relevant = stats.name_verbatim(window) | {doc.id}
                if len(relevant) <= MAX_RELEVANT:
                    return window, relevant
    return None


def read_titles(truth: Path | None) -> dict[str, bool] | None:
    """Article id -> whether the file holds its headline, from real_news.py's truth file."""
    if truth is None:
        return None
    from benchmarks.real_news import Truth

    with truth.open(encoding="utf-8") as handle:
        return {t.id: t.title is not None for t in (Truth(**json.loads(line)) for line in handle)}


def find_truth(articles: Path) -> Path | None:
    """real_news.py's truth file in the articles' folder or its parent (where it writes it)."""
    from benchmarks.real_news import TRUTH

    return next((p for p in (articles / TRUTH, articles.parent / TRUTH) if p.is_file()), None)


def make_news_queries(
    docs: list[Doc], stats: NewsStats, targets: int, seed: int, has_title: dict[str, bool] | None
) -> tuple[list[Query], dict[str, int]]:
    """The queries of every type for `targets` articles drawn with the seed, and coverage."""
    rng = random.Random(seed)
    chosen = rng.sample(range(len(docs)), min(targets, len(docs)))
    abbreviations = _abbreviation_syllables()
    queries: list[Query] = []
    coverage = {
        "targets": len(chosen),
        "not_in_truth": 0,
        "without_headline": 0,
        "without_title_window": 0,
        "without_body_window": 0,
        "title_typo_skipped": 0,
        "body_typo_skipped": 0,
        "with_title_tone": 0,
        "with_body_tone": 0,
        "with_name": 0,
        "name_already_lowercase": 0,
    }
    for number in chosen:
        doc = docs[number]

        def add(kind: str, words: Iterable[str], relevant: frozenset[str]) -> None:
            queries.append(Query(kind, " ".join(words), doc.id, relevant))

        parts = ["body"]
        coverage["not_in_truth"] += has_title is not None and doc.id not in has_title
        if doc.title.strip() and (has_title is None or has_title.get(doc.id, True)):
            parts.insert(0, "title")
        else:
            coverage["without_headline"] += 1
        for part in parts:
            found = news_window(doc, number, part, stats, rng)
            if found is None:
                coverage[f"without_{part}_window"] += 1
                continue
            window, relevant = found
            add(f"{part}_accented", window, relevant)
            add(f"{part}_unaccented", (fold(s) for s in window), relevant)
            add(f"{part}_telex", map(telex, window), relevant)
            misspelt = typo(window, stats, rng)
            if misspelt:
                add(f"{part}_typo", misspelt, relevant)
            else:
                coverage[f"{part}_typo_skipped"] += 1
            toned = news_window(
                doc, number, part, stats, rng, keep=lambda w: any(flip_tone(s) != s for s in w)
            )
            if toned:
                coverage[f"with_{part}_tone"] += 1
                add(f"{part}_tone", map(flip_tone, toned[0]), toned[1])
        named = name_window(doc, stats, rng, abbreviations)
        if named:
            coverage["with_name"] += 1
            window, relevant = named
            add("name", [window], relevant)
            if window.lower() != window:
                add("name_lower", [window.lower()], relevant)
            else:
                coverage["name_already_lowercase"] += 1
    return queries, coverage


def build_tantivy(folder: Path, docs: list[Doc]) -> Any:
    """A Tantivy index of title and body, each with a simple tokenizer, lowercase and ASCII
    folding (`Đảng` -> `dang`), BM25; one writer thread and one commit, for a stable order."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="folded")
    builder.add_text_field("body", tokenizer_name="folded")
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(builder.build(), path=str(folder))
    index.register_tokenizer("folded", tantivy_analyzer())
    writer = index.writer(heap_size=400_000_000, num_threads=1)
    for doc in docs:
        writer.add_document(tantivy.Document(id=doc.id, title=doc.title, body=doc.body))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def tantivy_analyzer() -> Any:
    import tantivy

    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def tantivy_quote(query: str) -> str:
    """Every whitespace-separated token a quoted phrase (backslash and quote escaped), so no
    word or character is read as an operator; Tantivy analyses each into its terms."""
    return " ".join('"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"' for token in query.split())


def literal(query: str) -> str:
    """The query with every word quoted, which vnsearch takes literally (no Telex, VNI,
    abbreviation or typo reading)."""
    return " ".join('"' + token.replace('"', "") + '"' for token in query.split())


def run_news_queries(
    index_dir: Path, database: Path, tantivy_index: Any, queries: list[Query]
) -> tuple[dict[str, list[list[str]]], list[dict[str, Any]]]:
    """Each system's top-10 ids for every query (empty when a system rejects it), and what
    vnsearch says about each (expansions, relaxed, total; for names, the literal total)."""
    from indexer.query.language import QueryError
    from indexer.query.search import search
    from indexer.store.build import open_index

    results: dict[str, list[list[str]]] = {system: [] for system in NEWS_SYSTEMS}
    details: list[dict[str, Any]] = []
    with open_index(index_dir).searcher() as searcher:
        for query in queries:
            detail: dict[str, Any] = {}
            try:
                found = search(searcher, query.text, per_page=DEPTH)
                results["vnsearch"].append([hit["id"] for hit in found["hits"]])
                detail = {
                    "total": found["total"],
                    "relaxed": found["relaxed"],
                    "expansions": found["expansions"],
                    "suggestion": found["suggestion"],
                }
                if query.type.startswith("name"):
                    detail["literal_total"] = search(searcher, literal(query.text), per_page=1)["total"]
                    if any(e["kind"] in REWRITES for e in found["expansions"]):
                        detail["target_matched"] = _matched(searcher, query, found)
            except QueryError as error:  # a query vnsearch rejects: a miss
                results["vnsearch"].append([])
                detail = {"error": str(error)}
            details.append(detail)
    with closing(sqlite3.connect(database)) as connection:
        for query in queries:
            results["fts5"].append(_fts5_top(connection, query.text))
    searcher = tantivy_index.searcher()
    for query in queries:
        results["tantivy"].append(_tantivy_top(tantivy_index, searcher, query.text))
    return results, details


def _matched(searcher: Any, query: Query, found: dict[str, Any]) -> bool | None:
    """Whether vnsearch's results hold the target at all (paging through them, 100 at a
    time, up to SCAN results); None when there are more."""
    from indexer.query.search import MAX_PER_PAGE, search

    if query.target in (hit["id"] for hit in found["hits"]):
        return True
    if found["total"] > SCAN:
        return None
    pages = -(-found["total"] // MAX_PER_PAGE)
    return any(
        query.target
        in (hit["id"] for hit in search(searcher, query.text, page=page, per_page=MAX_PER_PAGE)["hits"])
        for page in range(1, pages + 1)
    )


def _fts5_top(connection: sqlite3.Connection, text: str) -> list[str]:
    """FTS5's top 10: every token required (quoted); if no article has them all, any."""
    quoted = fts5_quote(text)
    sql = "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?"
    try:
        rows = connection.execute(sql, (quoted, DEPTH)).fetchall()
        if not rows and len(quoted.split()) > 1:
            rows = connection.execute(sql, (" OR ".join(quoted.split()), DEPTH)).fetchall()
    except sqlite3.Error:
        return []
    return [row[0] for row in rows]


def _tantivy_top(index: Any, searcher: Any, text: str) -> list[str]:
    """Tantivy's top 10 by BM25 over title and body: every token required; if no article has
    them all, any (Tantivy's default disjunction)."""
    quoted = tantivy_quote(text)
    required = " ".join("+" + token for token in quoted.split(" "))  # quoted tokens hold no space
    try:
        hits = searcher.search(index.parse_query(required, ["title", "body"]), DEPTH).hits
        if not hits and len(quoted.split(" ")) > 1:
            hits = searcher.search(index.parse_query(quoted, ["title", "body"]), DEPTH).hits
    except ValueError:
        return []
    return [searcher.doc(address)["id"][0] for _, address in hits]


def evaluate_news(
    queries: list[Query], results: dict[str, list[list[str]]], details: list[dict[str, Any]], docs: list[Doc]
) -> dict[str, Any]:
    """MRR@10 and recall@10 per type and system (target or copy, and target alone), goals,
    every query where vnsearch is not first or is below a baseline, and the name queries
    whose words vnsearch read as something else."""
    titles = {d.id: d.title for d in docs}
    scores = {kind: {system: Scores() for system in NEWS_SYSTEMS} for kind in NEWS_TYPES}
    strict = {kind: {system: Scores() for system in NEWS_SYSTEMS} for kind in NEWS_TYPES}
    relevant: dict[str, list[int]] = {kind: [] for kind in NEWS_TYPES}
    failures: list[dict[str, Any]] = []
    rewritten: dict[str, list[dict[str, Any]]] = {"name": [], "name_lower": []}
    dropped: dict[str, list[dict[str, Any]]] = {"name": [], "name_lower": []}
    for i, query in enumerate(queries):
        ranks = {system: rank_of(query.relevant, results[system][i]) for system in NEWS_SYSTEMS}
        for system in NEWS_SYSTEMS:
            scores[query.type][system].add(ranks[system])
            strict[query.type][system].add(rank_of(frozenset([query.target]), results[system][i]))
        relevant[query.type].append(len(query.relevant))
        detail = details[i]
        record = {
            "type": query.type,
            "query": query.text,
            "target": query.target,
            "target_title": titles[query.target],
            "relevant": sorted(query.relevant),
            "ranks": ranks,
            "vnsearch_top3": [
                {"id": hit, "title": titles.get(hit, ""), "relevant": hit in query.relevant}
                for hit in results["vnsearch"][i][:3]
            ],
            **detail,
        }
        reciprocal = {s: 1 / r if r else 0.0 for s, r in ranks.items()}
        if ranks["vnsearch"] != 1 or reciprocal["vnsearch"] < max(reciprocal["fts5"], reciprocal["tantivy"]):
            failures.append(record)
        if query.type in rewritten:
            rewrites = [e for e in detail.get("expansions", []) if e["kind"] in REWRITES]
            lost = (
                detail.get("relaxed", False)
                or detail.get("total", 0) < detail.get("literal_total", 0)
                or detail.get("target_matched") is False
            )
            if lost:
                dropped[query.type].append({**record, "read_as_another_word": bool(rewrites)})
            if rewrites:
                rewritten[query.type].append({**record, "literal_dropped": lost})

    metrics = metrics_of(scores, relevant, NEWS_SYSTEMS, NEWS_TYPES)
    names = {
        kind: {
            "n": metrics[kind]["n"] if kind in metrics else 0,
            "rewritten": len(rewritten[kind]),
            "rewritten_and_dropped": sum(e["literal_dropped"] for e in rewritten[kind]),
            "literal_dropped": len(dropped[kind]),
            "examples": rewritten[kind],
            "dropped": dropped[kind],
        }
        for kind in rewritten
    }
    return {
        "metrics": metrics,
        "strict": metrics_of(strict, None, NEWS_SYSTEMS, NEWS_TYPES),
        "goals": news_goals(metrics),
        "name_rewrites": names,
        "failures": failures,
    }


def news_goals(metrics: dict[str, Any]) -> dict[str, Any]:
    """MRR@10 at least NEWS_GOALS[type]; and at least the better baseline's on every type."""
    floors = {
        kind: {
            "mrr10": metrics[kind]["vnsearch"]["mrr10"],
            "goal": goal,
            "met": metrics[kind]["vnsearch"]["mrr10"] >= goal,
        }
        for kind, goal in NEWS_GOALS.items()
        if kind in metrics
    }
    versus = {}
    for kind, m in metrics.items():
        best = max(NEWS_SYSTEMS[1:], key=lambda s: m[s]["mrr10"])  # the first of equals
        versus[kind] = {
            "best_baseline": best,
            "mrr10": m[best]["mrr10"],
            "met": m["vnsearch"]["mrr10"] >= m[best]["mrr10"],
        }
    return {
        "mrr10_floors": floors,
        "versus_baselines": versus,
        "all_met": all(f["met"] for f in floors.values()) and all(v["met"] for v in versus.values()),
    }


def prepare_news_index(articles: Path, index: Path | None, scratch: Path) -> tuple[Path, dict[str, Any]]:
    """Reuse the vnsearch index at `index` if there is one, else build it there (or in
    `scratch`) from the articles alone."""
    from indexer.store.build import index_exists, index_paths

    index_dir = index or scratch / "vnsearch"
    if index_exists(index_dir):
        return index_dir, {"reused": True}
    built = index_paths([articles], index_dir, quiet=True)
    return index_dir, {
        "reused": False,
        "added": built.added,
        "duplicates": len(built.duplicates),
        "skipped": len(built.problems),
    }


def run_news(
    articles: Path, seed: int, targets: int, index: Path | None, work: Path | None, truth: Path | None
) -> dict[str, Any]:
    started = machine()
    truth = truth or find_truth(articles)
    with tempfile.TemporaryDirectory(prefix="vnsearch-relevance-", dir=work) as scratch:
        index_dir, index_info = prepare_news_index(articles, index, Path(scratch))
        database = Path(scratch) / "fts5.sqlite"
        docs = load_docs(index_dir)
        build_fts5(database, docs)
        tantivy_index = build_tantivy(Path(scratch) / "tantivy", docs)
        stats = NewsStats(docs)
        queries, coverage = make_news_queries(docs, stats, targets, seed, read_titles(truth))
        results, details = run_news_queries(index_dir, database, tantivy_index, queries)
        del tantivy_index  # its files are closed before the folder goes
    import tantivy

    return {
        "benchmark": "relevance",
        "articles": str(articles),
        "truth": str(truth) if truth else None,
        "seed": seed,
        "machine": started,
        "versions": {
            "tantivy": getattr(tantivy, "__version__", None) or _version("tantivy"),
            "sqlite": sqlite3.sqlite_version,
        },
        "documents": len(docs),
        "index": index_info,
        "coverage": coverage,
        "queries_per_type": {kind: sum(q.type == kind for q in queries) for kind in NEWS_TYPES},
        "sample_queries": {
            kind: next(({"query": q.text, "target": q.target} for q in queries if q.type == kind), None)
            for kind in NEWS_TYPES
        },
        **evaluate_news(queries, results, details, docs),
    }


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def news_table(metrics: dict[str, Any], copies: bool) -> str:
    def cell(m: dict[str, float]) -> str:
        return f"{m['mrr10']:.3f} / {m['recall10']:.3f}"

    rows = [
        [
            NEWS_LABELS[kind],
            metrics[kind]["n"],
            *([f"{metrics[kind]['mean_relevant']:.2f}"] if copies else []),
            *(cell(metrics[kind][s]) for s in NEWS_SYSTEMS),
        ]
        for kind in NEWS_TYPES
        if kind in metrics
    ]
    return table(
        [
            "query type",
            "n",
            *(["relevant"] if copies else []),
            *(f"{SYSTEM_LABELS[s]} MRR@10 / R@10" for s in NEWS_SYSTEMS),
        ],
        rows,
    )


def news_report(results: dict[str, Any], examples: int = EXAMPLES) -> str:
    coverage, g = results["coverage"], results["goals"]
    goal_rows = [
        [
            f"{NEWS_LABELS[kind]}: MRR@10",
            f"{f['mrr10']:.3f}",
            f">= {f['goal']}",
            "met" if f["met"] else "MISSED",
        ]
        for kind, f in g["mrr10_floors"].items()
    ]
    goal_rows += [
        [
            f"{NEWS_LABELS[kind]}: vs the better baseline",
            f"{results['metrics'][kind]['vnsearch']['mrr10']:.3f}",
            f">= {v['mrr10']:.3f} ({SYSTEM_LABELS[v['best_baseline']]})",
            "met" if v["met"] else "MISSED",
        ]
        for kind, v in g["versus_baselines"].items()
    ]
    truth = f" (by {results['truth']}; {coverage['not_in_truth']} not in it)" if results["truth"] else ""
    head = (
        f"{results['documents']} articles from {results['articles']} (seed {results['seed']}); "
        f"{coverage['targets']} targets: {coverage['without_headline']} without a headline{truth}, "
        f"{coverage['without_title_window']} without a title window, "
        f"{coverage['without_body_window']} without "
        f"a body window; {coverage['with_title_tone']} title and {coverage['with_body_tone']} body "
        "tone variants; "
        f"{coverage['title_typo_skipped'] + coverage['body_typo_skipped']} typos impossible; "
        f"{coverage['with_name']} with a name or code ({coverage['name_already_lowercase']} already "
        "lowercase)."
    )
    text = [
        head,
        "",
        "Found = the target or an article holding the query's words verbatim (`relevant` = their "
        "mean number, "
        "target included):",
        news_table(results["metrics"], copies=True),
        "",
        "The target alone:",
        news_table(results["strict"], copies=False),
        "",
        table(["goal (target or copy)", "vnsearch", "target", ""], goal_rows),
        "",
        f"All goals met: {'yes' if g['all_met'] else 'no'}",
        "",
    ]
    for kind, n in results["name_rewrites"].items():
        text.append(
            f"{NEWS_LABELS[kind]}: {n['rewritten']} of {n['n']} queries had a typed word read as "
            f"Telex/VNI/a typo, {n['rewritten_and_dropped']} of them losing the literal reading; "
            f"{n['literal_dropped']} in all lost it (relaxed, fewer results than the words quoted "
            "one by one, "
            f"or the target not among the results)."
        )
        for e in n["dropped"][:examples]:
            said = "; ".join(f"{x['kind']} {x['from']}->{x['to']}" for x in e.get("expansions", []))
            text.append(
                f"  {e['query']!r} -> {e['target']}: total {e.get('total')}, quoted {e.get('literal_total')}"
                f"{', relaxed' if e.get('relaxed') else ''}{'; read as ' + said if said else ''}"
            )
    for kind in NEWS_TYPES:
        found = [f for f in results["failures"] if f["type"] == kind]
        if not found:
            continue
        text += [
            "",
            f"{NEWS_LABELS[kind]}: {len(found)} queries with vnsearch not first or below a baseline, e.g.",
        ]
        for f in found[:examples]:
            top = (
                "; ".join(
                    f"{h['id']}{'*' if h['relevant'] else ''} ({h['title'][:40]})" for h in f["vnsearch_top3"]
                )
                or "nothing"
            )
            ranks = ", ".join(f"{SYSTEM_LABELS[s]} {f['ranks'][s] or '-'}" for s in NEWS_SYSTEMS)
            said = "; ".join(f"{e['kind']} {e['from']}->{e['to']}" for e in f.get("expansions", []))
            text.append(
                f"  {f['query']!r} -> {f['target']} (+{len(f['relevant']) - 1} copies; ranks: {ranks})"
                f"{'; read as ' + said if said else ''}{'; relaxed' if f.get('relaxed') else ''}; "
                f"vnsearch top 3 (* relevant): {top}"
            )
    return "\n".join(text)


# --- the run --------------------------------------------------------------------------------


@dataclass
class Scores:
    reciprocal: list[float] = field(default_factory=list)

    def add(self, rank: int | None) -> None:
        self.reciprocal.append(1 / rank if rank else 0.0)

    def summary(self) -> dict[str, float]:
        n = len(self.reciprocal)
        return {"mrr10": sum(self.reciprocal) / n, "recall10": sum(r > 0 for r in self.reciprocal) / n}


def metrics_of(
    scored: dict[str, dict[str, Scores]],
    relevant: dict[str, list[int]] | None,
    systems: tuple[str, ...],
    types: tuple[str, ...],
) -> dict[str, Any]:
    """Each type's number of queries and each system's MRR@10 and recall@10 (types with no
    query left out), with the mean number of relevant articles when `relevant` is given."""
    metrics: dict[str, Any] = {
        kind: {
            "n": len(scored[kind]["vnsearch"].reciprocal),
            **{system: scored[kind][system].summary() for system in systems},
        }
        for kind in types
        if scored[kind]["vnsearch"].reciprocal
    }
    if relevant is not None:
        for kind in metrics:
            metrics[kind]["mean_relevant"] = sum(relevant[kind]) / len(relevant[kind])
    return metrics


def evaluate(queries: list[Query], results: dict[str, list[list[str]]], docs: list[Doc]) -> dict[str, Any]:
    """MRR@10 and recall@10 per type and system, with the target's copies counted as found
    (`metrics`) and with the target alone (`strict`); and examples of vnsearch's failures."""
    titles = {d.id: d.title for d in docs}
    scores = {kind: {system: Scores() for system in SYSTEMS} for kind in TYPES}
    strict = {kind: {system: Scores() for system in SYSTEMS} for kind in TYPES}
    relevant: dict[str, list[int]] = {kind: [] for kind in TYPES}
    below: dict[str, list[dict[str, Any]]] = {kind: [] for kind in TYPES}
    not_first: dict[str, list[dict[str, Any]]] = {kind: [] for kind in TYPES}
    for i, query in enumerate(queries):
        ranks = {system: rank_of(query.relevant, results[system][i]) for system in SYSTEMS}
        for system in SYSTEMS:
            scores[query.type][system].add(ranks[system])
            strict[query.type][system].add(rank_of(frozenset([query.target]), results[system][i]))
        relevant[query.type].append(len(query.relevant))

        def example() -> dict[str, Any]:
            return {
                "query": query.text,
                "target": query.target,
                "target_title": titles[query.target],
                "copies": len(query.relevant) - 1,
                "ranks": ranks,
                "vnsearch_top3": [
                    {"id": hit, "title": titles.get(hit, ""), "relevant": hit in query.relevant}
                    for hit in results["vnsearch"][i][:3]
                ],
            }

        ours = 1 / ranks["vnsearch"] if ranks["vnsearch"] else 0.0
        best = max(1 / ranks[s] if ranks[s] else 0.0 for s in SYSTEMS[1:])
        if ours < best and len(below[query.type]) < EXAMPLES:
            below[query.type].append(example())
        if ranks["vnsearch"] != 1 and len(not_first[query.type]) < EXAMPLES:
            not_first[query.type].append(example())

    metrics = metrics_of(scores, relevant, SYSTEMS, TYPES)
    return {
        "metrics": metrics,
        "strict": metrics_of(strict, None, SYSTEMS, TYPES),
        "goals": goals(metrics),
        "vnsearch_below_a_baseline": {k: v for k, v in below.items() if v},
        "vnsearch_not_first": {k: v for k, v in not_first.items() if v},
    }


def compare(ours: float, theirs: float) -> str:
    return "above" if ours > theirs else ("tie" if ours == theirs else "below")


def goals(metrics: dict[str, Any]) -> dict[str, Any]:
    """The targets: MRR@10 at least GOALS[type]; above both baselines on every type."""
    floors = {
        kind: {
            "mrr10": metrics[kind]["vnsearch"]["mrr10"],
            "goal": goal,
            "met": metrics[kind]["vnsearch"]["mrr10"] >= goal,
        }
        for kind, goal in GOALS.items()
        if kind in metrics
    }
    versus = {
        kind: {system: compare(m["vnsearch"]["mrr10"], m[system]["mrr10"]) for system in SYSTEMS[1:]}
        for kind, m in metrics.items()
    }
    return {
        "mrr10_floors": floors,
        "versus_baselines": versus,
        "all_met": all(f["met"] for f in floors.values())
        and all(v == "above" for vs in versus.values() for v in vs.values()),
    }


def prepare_index(folder: Path, index: Path | None, scratch: Path) -> tuple[Path, dict[str, Any]]:
    """Reuse the vnsearch index at `index` if there is one, else build it there (or in
    `scratch`) from the synthetic corpus and corpus/."""
    from indexer.store.build import index_exists, index_paths, shipped_corpus

    index_dir = index or scratch / "vnsearch"
    if index_exists(index_dir):
        return index_dir, {"reused": True}
    built = index_paths([folder, shipped_corpus()], index_dir, quiet=True)
    return index_dir, {
        "reused": False,
        "added": built.added,
        "duplicates": len(built.duplicates),
        "skipped": len(built.problems),
    }


def run(
    count: int,
    seed: int,
    targets: int,
    corpus: Path | None,
    index: Path | None,
    work: Path | None,
    quiet: bool,
) -> dict[str, Any]:
    started = machine()  # before any work of ours: its load average says what else ran
    folder = corpus_dir(count, seed, corpus, quiet=quiet)
    with tempfile.TemporaryDirectory(prefix="vnsearch-relevance-", dir=work) as scratch:
        index_dir, index_info = prepare_index(folder, index, Path(scratch))
        database, whoosh_dir = Path(scratch) / "fts5.sqlite", Path(scratch) / "whoosh"
        docs = load_docs(index_dir)
        build_fts5(database, docs)
        build_whoosh(whoosh_dir, docs)
        stats = Stats(docs)
        queries, coverage = make_queries(docs, stats, targets, seed)
        results = run_queries(index_dir, database, whoosh_dir, queries)
    return {
        "benchmark": "relevance",
        "count": count,
        "seed": seed,
        "corpus": str(folder),
        "machine": started,
        "documents": len(docs),
        "index": index_info,
        "coverage": coverage,
        "queries_per_type": {kind: sum(q.type == kind for q in queries) for kind in TYPES},
        "sample_queries": {
            kind: next(({"query": q.text, "target": q.target} for q in queries if q.type == kind), None)
            for kind in TYPES
        },
        **evaluate(queries, results, docs),
    }


def score_table(metrics: dict[str, Any], copies: bool) -> str:
    def cell(m: dict[str, float]) -> str:
        return f"{m['mrr10']:.3f} / {m['recall10']:.3f}"

    rows = [
        [
            LABELS[kind],
            metrics[kind]["n"],
            *([f"{metrics[kind]['mean_relevant']:.1f}"] if copies else []),
            *(cell(metrics[kind][s]) for s in SYSTEMS),
        ]
        for kind in TYPES
        if kind in metrics
    ]
    return table(
        [
            "query type",
            "n",
            *(["relevant"] if copies else []),
            *(f"{SYSTEM_LABELS[s]} MRR@10 / R@10" for s in SYSTEMS),
        ],
        rows,
    )


def report(results: dict[str, Any]) -> str:
    coverage, g = results["coverage"], results["goals"]
    goal_rows = [
        [f"{LABELS[kind]}: MRR@10", f"{f['mrr10']:.3f}", f">= {f['goal']}", "ok" if f["met"] else "MISSED"]
        for kind, f in g["mrr10_floors"].items()
    ]
    goal_rows += [
        [
            f"{LABELS[kind]}: vs FTS5, Whoosh",
            "",
            "above both",
            f"{v['fts5']}, {v['whoosh']}" + ("" if set(v.values()) == {"above"} else " MISSED"),
        ]
        for kind, v in g["versus_baselines"].items()
    ]
    head = (
        f"{results['documents']} articles ({results['count']} synthetic, seed {results['seed']}, + corpus/); "
        f"{coverage['targets']} targets: {coverage['with_tone_variant']} with an oa/oe/uy tone variant, "
        f"{coverage['with_abbreviation']} with a built-in abbreviation's expansion "
        f"({coverage['abbreviation_also_written']} also with the abbreviation written), "
        f"{coverage['typo_skipped']} without a typo query."
    )
    text = [
        head,
        "",
        "Found = the target or one of its copies (articles holding the query's source words verbatim; "
        "`relevant` = their mean number, target included):",
        score_table(results["metrics"], copies=True),
        "",
        "The target alone (copies count as misses):",
        score_table(results["strict"], copies=False),
        "",
        table(["goal (target or copy)", "measured", "target", ""], goal_rows),
        "",
        f"All goals met: {'yes' if g['all_met'] else 'no'}",
    ]
    for kind, found in results["vnsearch_below_a_baseline"].items():
        text += ["", f"{LABELS[kind]}: vnsearch ranks the target (or a copy) below a baseline, e.g."]
        for e in found:
            top = (
                "; ".join(
                    f"{h['id']}{'*' if h['relevant'] else ''} ({h['title'][:40]})" for h in e["vnsearch_top3"]
                )
                or "nothing"
            )
            ranks = ", ".join(f"{SYSTEM_LABELS[s]} {e['ranks'][s] or '-'}" for s in SYSTEMS)
            text.append(
                f"  {e['query']!r} -> {e['target']} +{e['copies']} copies (ranks: {ranks}); "
                f"vnsearch top 3 (* relevant): {top}"
            )
    return "\n".join(text)


@click.command()
@click.option(
    "--articles",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Real news: a folder of articles vnsearch reads; the queries are made from them "
    "(see the docstring), against FTS5 and Tantivy. Without it: the synthetic corpus.",
)
@click.option(
    "--truth",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --articles: real_news.py's truth file, which says which files hold their headline "
    "[default: the one in the folder or its parent, if any].",
)
@click.option(
    "--count", default=2000, show_default=True, type=click.IntRange(min=1), help="Synthetic articles."
)
@click.option(
    "--seed", default=DEFAULT_SEED, show_default=True, type=int, help="Corpus, target and query seed."
)
@click.option(
    "--targets",
    type=click.IntRange(min=1),
    help=f"Target articles [default: 200; {NEWS_TARGETS} with --articles].",
)
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpus folder [default: make_corpus's cache, benchmarks/.cache/corpus-COUNT-SEED].",
)
@click.option(
    "--index",
    type=click.Path(file_okay=False, path_type=Path),
    help="vnsearch index of this corpus and corpus/ (or of --articles) to reuse; built there (and kept) "
    "if absent.",
)
@click.option(
    "--work",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Where the indexes are built, then removed [default: the system's temporary folder].",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the results as JSON to this file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of tables.")
@click.option(
    "--examples",
    default=EXAMPLES,
    show_default=True,
    type=click.IntRange(min=0),
    help="With --articles: failures printed per query type (--json and --out have them all).",
)
def main(
    articles: Path | None,
    truth: Path | None,
    count: int,
    seed: int,
    targets: int | None,
    corpus: Path | None,
    index: Path | None,
    work: Path | None,
    out: Path | None,
    as_json: bool,
    examples: int,
) -> None:
    """Known-item relevance of vnsearch against SQLite FTS5 and default Whoosh (synthetic
    text), or against SQLite FTS5 and Tantivy (real news, --articles)."""
    if articles is not None:
        results = run_news(articles, seed, targets or NEWS_TARGETS, index, work, truth)
        write_json(results, out, also_print=as_json)
        if not as_json:
            click.echo(news_report(results, examples))
        return
    results = run(count, seed, targets or 200, corpus, index, work, quiet=as_json)
    write_json(results, out, also_print=as_json)
    if not as_json:
        click.echo(report(results))


if __name__ == "__main__":
    main()
