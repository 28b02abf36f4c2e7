"""Known-item relevance: does a query made from one article find that article first?

    python benchmarks/relevance.py [--count 2000] [--seed 42] [--targets 200] [--json]

The corpus is the synthetic one of benchmarks/make_corpus.py (`--count` articles) plus the
articles shipped in corpus/. vnsearch indexes it (`indexer.build.index_paths`, into a temporary
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
- abbreviation: for articles with an expansion from `indexer.abbreviations.BUILT_IN`
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
"""

from __future__ import annotations

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
from pathlib import Path
from typing import Any

import click
from unidecode import unidecode

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_SEED, corpus_dir, machine, table, write_json
from benchmarks.make_corpus import retone

TYPES = ("accented", "unaccented", "tone", "abbreviation", "typo", "telex", "syllable")
LABELS = {"accented": "accented", "unaccented": "unaccented", "tone": "other tone placement",
          "abbreviation": "abbreviation", "typo": "one typo", "telex": "Telex, IME off",
          "syllable": "one title syllable"}
SYSTEMS = ("vnsearch", "fts5", "whoosh")
SYSTEM_LABELS = {"vnsearch": "vnsearch", "fts5": "FTS5", "whoosh": "Whoosh default"}
GOALS = {"accented": 0.95, "unaccented": 0.95, "typo": 0.85, "abbreviation": 0.85}  # MRR@10
DEPTH = 10
MIN_DF = 2  # every syllable of a window is in at least this many articles
CANDIDATES = 50  # windows with the highest IDF sums whose articles are counted
EXAMPLES = 3
_RUN = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")  # syllables separated by single spaces only
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
    from indexer.normalize import normalize

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
        from indexer.normalize import canonical_iy

        folded = fold(stream(syllable).strip())  # i/y made one: `y`
        other = folded[:-1] + "i"
        spellings = {folded, other} if canonical_iy(other) == folded else {folded}
        return set().union(*(self.postings.get(s, set()) for s in spellings))


def load_docs(index_dir: Path) -> list[Doc]:
    """Every article's id, title and body as vnsearch extracted them (NFC), sorted by id."""
    from indexer.build import open_index

    with open_index(index_dir).searcher() as searcher:
        docs = [Doc(f["id"], nfc(f.get("title") or ""), nfc(f.get("body") or "")) for f in searcher.all_stored_fields()]
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
        return (not _OPERATORS & set(window) and any(map(has_marks, window))
                and all(stats.df(s) >= min_df for s in window) and keep(window))

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
    from indexer.abbreviations import BUILT_IN

    table: dict[str, list[str]] = {}
    for abbreviation, expansion in BUILT_IN.items():
        table.setdefault(expansion, []).append(abbreviation)
    return table


def distinctive_syllables(doc: Doc, stats: Stats, exclude: set[str]) -> list[str]:
    """The article's real words (in >= MIN_DF articles) by IDF, highest first, as written."""
    seen: dict[str, str] = {}
    for syllable in _SYLLABLE.findall(doc.title + "\n" + doc.body):
        key = fold(syllable)
        if (key not in seen and key not in exclude and len(syllable) > 1 and syllable.isalpha()
                and syllable not in _OPERATORS
                and stats.df(syllable) >= MIN_DF):
            seen[key] = syllable
    return sorted(seen.values(), key=lambda s: -stats.idf(s))  # stable: first written first


def make_queries(docs: list[Doc], stats: Stats, targets: int, seed: int) -> tuple[list[Query], dict[str, int]]:
    """One query of each type per target (where the target allows it), and coverage counts."""
    rng = random.Random(seed)
    chosen = rng.sample(range(len(docs)), min(targets, len(docs)))
    expansions = _abbreviations()
    queries: list[Query] = []
    coverage = {"targets": len(chosen), "with_tone_variant": 0, "with_abbreviation": 0,
                "abbreviation_also_written": 0, "typo_skipped": 0}
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
        connection.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
                           "tokenize='unicode61 remove_diacritics 2')")
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


def run_queries(index_dir: Path, database: Path, whoosh_dir: Path, queries: list[Query]) -> dict[str, list[list[str]]]:
    """Each system's top-10 ids for every query (an empty list when it rejects the query)."""
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    from indexer.build import open_index
    from indexer.query import QueryError
    from indexer.search import search

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
                rows = connection.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
                                          (fts5_quote(query.text), DEPTH)).fetchall()
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


# --- the run --------------------------------------------------------------------------------

@dataclass
class Scores:
    reciprocal: list[float] = field(default_factory=list)

    def add(self, rank: int | None) -> None:
        self.reciprocal.append(1 / rank if rank else 0.0)

    def summary(self) -> dict[str, float]:
        n = len(self.reciprocal)
        return {"mrr10": sum(self.reciprocal) / n, "recall10": sum(r > 0 for r in self.reciprocal) / n}


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
            return {"query": query.text, "target": query.target, "target_title": titles[query.target],
                    "copies": len(query.relevant) - 1, "ranks": ranks,
                    "vnsearch_top3": [{"id": hit, "title": titles.get(hit, ""), "relevant": hit in query.relevant}
                                      for hit in results["vnsearch"][i][:3]]}

        ours = 1 / ranks["vnsearch"] if ranks["vnsearch"] else 0.0
        best = max(1 / ranks[s] if ranks[s] else 0.0 for s in SYSTEMS[1:])
        if ours < best and len(below[query.type]) < EXAMPLES:
            below[query.type].append(example())
        if ranks["vnsearch"] != 1 and len(not_first[query.type]) < EXAMPLES:
            not_first[query.type].append(example())

    def table_of(scored: dict[str, dict[str, Scores]]) -> dict[str, Any]:
        return {kind: {"n": len(scored[kind]["vnsearch"].reciprocal),
                       **{system: scored[kind][system].summary() for system in SYSTEMS}}
                for kind in TYPES if scored[kind]["vnsearch"].reciprocal}

    metrics = table_of(scores)
    for kind in metrics:
        metrics[kind]["mean_relevant"] = sum(relevant[kind]) / len(relevant[kind])
    return {"metrics": metrics, "strict": table_of(strict), "goals": goals(metrics),
            "vnsearch_below_a_baseline": {k: v for k, v in below.items() if v},
            "vnsearch_not_first": {k: v for k, v in not_first.items() if v}}


def compare(ours: float, theirs: float) -> str:
    return "above" if ours > theirs else ("tie" if ours == theirs else "below")


def goals(metrics: dict[str, Any]) -> dict[str, Any]:
    """The targets: MRR@10 at least GOALS[type]; above both baselines on every type."""
    floors = {kind: {"mrr10": metrics[kind]["vnsearch"]["mrr10"], "goal": goal,
                     "met": metrics[kind]["vnsearch"]["mrr10"] >= goal}
              for kind, goal in GOALS.items() if kind in metrics}
    versus = {kind: {system: compare(m["vnsearch"]["mrr10"], m[system]["mrr10"]) for system in SYSTEMS[1:]}
              for kind, m in metrics.items()}
    return {"mrr10_floors": floors, "versus_baselines": versus,
            "all_met": all(f["met"] for f in floors.values())
            and all(v == "above" for vs in versus.values() for v in vs.values())}


def prepare_index(folder: Path, index: Path | None, scratch: Path) -> tuple[Path, dict[str, Any]]:
    """Reuse the vnsearch index at `index` if there is one, else build it there (or in
    `scratch`) from the synthetic corpus and corpus/."""
    from indexer.build import index_exists, index_paths, shipped_corpus

    index_dir = index or scratch / "vnsearch"
    if index_exists(index_dir):
        return index_dir, {"reused": True}
    built = index_paths([folder, shipped_corpus()], index_dir, quiet=True)
    return index_dir, {"reused": False, "added": built.added, "duplicates": len(built.duplicates),
                       "skipped": len(built.problems)}


def run(count: int, seed: int, targets: int, corpus: Path | None, index: Path | None, work: Path | None,
        quiet: bool) -> dict[str, Any]:
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
        "sample_queries": {kind: next(({"query": q.text, "target": q.target} for q in queries if q.type == kind), None)
                           for kind in TYPES},
        **evaluate(queries, results, docs),
    }


def score_table(metrics: dict[str, Any], copies: bool) -> str:
    def cell(m: dict[str, float]) -> str:
        return f"{m['mrr10']:.3f} / {m['recall10']:.3f}"

    rows = [[LABELS[kind], metrics[kind]["n"], *([f"{metrics[kind]['mean_relevant']:.1f}"] if copies else []),
             *(cell(metrics[kind][s]) for s in SYSTEMS)] for kind in TYPES if kind in metrics]
    return table(["query type", "n", *(["relevant"] if copies else []),
                  *(f"{SYSTEM_LABELS[s]} MRR@10 / R@10" for s in SYSTEMS)], rows)


def report(results: dict[str, Any]) -> str:
    coverage, g = results["coverage"], results["goals"]
    goal_rows = [[f"{LABELS[kind]}: MRR@10", f"{f['mrr10']:.3f}", f">= {f['goal']}", "ok" if f["met"] else "MISSED"]
                 for kind, f in g["mrr10_floors"].items()]
    goal_rows += [[f"{LABELS[kind]}: vs FTS5, Whoosh", "", "above both",
                   f"{v['fts5']}, {v['whoosh']}" + ("" if set(v.values()) == {"above"} else " MISSED")]
                  for kind, v in g["versus_baselines"].items()]
    head = (f"{results['documents']} articles ({results['count']} synthetic, seed {results['seed']}, + corpus/); "
            f"{coverage['targets']} targets: {coverage['with_tone_variant']} with an oa/oe/uy tone variant, "
            f"{coverage['with_abbreviation']} with a built-in abbreviation's expansion "
            f"({coverage['abbreviation_also_written']} also with the abbreviation written), "
            f"{coverage['typo_skipped']} without a typo query.")
    text = [head, "",
            "Found = the target or one of its copies (articles holding the query's source words verbatim; "
            "`relevant` = their mean number, target included):",
            score_table(results["metrics"], copies=True), "",
            "The target alone (copies count as misses):", score_table(results["strict"], copies=False), "",
            table(["goal (target or copy)", "measured", "target", ""], goal_rows), "",
            f"All goals met: {'yes' if g['all_met'] else 'no'}"]
    for kind, found in results["vnsearch_below_a_baseline"].items():
        text += ["", f"{LABELS[kind]}: vnsearch ranks the target (or a copy) below a baseline, e.g."]
        for e in found:
            top = "; ".join(f"{h['id']}{'*' if h['relevant'] else ''} ({h['title'][:40]})"
                            for h in e["vnsearch_top3"]) or "nothing"
            ranks = ", ".join(f"{SYSTEM_LABELS[s]} {e['ranks'][s] or '-'}" for s in SYSTEMS)
            text.append(f"  {e['query']!r} -> {e['target']} +{e['copies']} copies (ranks: {ranks}); "
                        f"vnsearch top 3 (* relevant): {top}")
    return "\n".join(text)


@click.command()
@click.option("--count", default=2000, show_default=True, type=click.IntRange(min=1), help="Synthetic articles.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int, help="Corpus, target and query seed.")
@click.option("--targets", default=200, show_default=True, type=click.IntRange(min=1), help="Target articles.")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path),
              help="Corpus folder [default: make_corpus's cache, benchmarks/.cache/corpus-COUNT-SEED].")
@click.option("--index", type=click.Path(file_okay=False, path_type=Path),
              help="vnsearch index of this corpus and corpus/ to reuse; built there (and kept) if absent.")
@click.option("--work", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Where the indexes are built, then removed [default: the system's temporary folder].")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the results as JSON to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of tables.")
def main(count: int, seed: int, targets: int, corpus: Path | None, index: Path | None, work: Path | None,
         out: Path | None, as_json: bool) -> None:
    """Known-item relevance of vnsearch against SQLite FTS5 and default Whoosh."""
    results = run(count, seed, targets, corpus, index, work, quiet=as_json)
    write_json(results, out, also_print=as_json)
    if not as_json:
        click.echo(report(results))


if __name__ == "__main__":
    main()
