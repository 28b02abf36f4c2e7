"""Query latency and memory, against SQLite FTS5 over the same articles.

    python benchmarks/query_bench.py --count 2000 [--index DIR] [--queries 200] [--json]
    python benchmarks/query_bench.py --articles DIR [--index DIR]

On the synthetic corpus of benchmarks/make_corpus.py (or with `--articles` a folder of real
articles), with a seeded mix of queries drawn from its text (1 to 4 consecutive words, with or
without marks; quoted phrases; a year or source filter; newest first), this measures
p50/p95/p99 latency of:

1. `indexer.query.search.search()` in this process, one searcher reused (after a warm-up);
2. the results page `/search?q=...` of the Flask app and its JSON twin `/api/search?q=...`,
   served by waitress on 127.0.0.1 and fetched over HTTP (a bounded number of requests);
3. SQLite FTS5 (unicode61, remove_diacritics 2): top 10 by bm25 (or date) with snippet().

Every vnsearch search() counts facets over its whole result set (and a query with a facet
selected counts that facet once more without its selection), so the "facet counts" latency
is the facet-filtered queries' latency. FTS5 computes no total and no facet counts: it does
less work than vnsearch for every query, which makes the ratio a conservative one.
"""

from __future__ import annotations

import random
import re
import sqlite3
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import Corpus, corpus_of
from benchmarks.common import (
    DEFAULT_SEED,
    PrivateMemoryPeak,
    check,
    index_doc_count,
    index_size,
    latency_summary,
    machine,
    run_vnsearch_index,
    self_peak_rss_mb,
    table,
    write_json,
)
from benchmarks.make_corpus import SOURCES

KINDS = ("plain", "phrase", "facet", "sorted")
LABELS = {"plain": "plain", "phrase": "phrase", "facet": "facet-filtered", "sorted": "date-sorted (newest)"}
WARM_UP = 20
SAMPLE_ARTICLES = 500  # articles the query words are drawn from (read whole; the rest are not)
YEARS = [str(year) for year in range(2019, 2026)]  # make_corpus's FIRST_DATE..LAST_DATE
TARGETS_MS = {
    "plain_p50": 40,
    "plain_p95": 150,
    "plain_fts5_p95_ratio": 2.5,
    "phrase_p95": 300,
    "facet_p95": 250,
    "web_p95": 250,
    "api_p95": 50,
}
TARGET_MEMORY_MB = 1024
# Letters and digits, as vnsearch and FTS5 both split syllables (`16/11/2023`: 16, 11, 2023).
# Digits count: dropping `1946` from `Hiến pháp năm 1946 là` would make a phrase that is not there.
_WORD = re.compile(r"[^\W_]+")
# Upper-case OR/AND/NOT are operators in vnsearch's query language, not words.
_OPERATORS = {"OR", "AND", "NOT"}


@dataclass(frozen=True)
class Query:
    kind: str
    words: tuple[str, ...]
    phrase: bool = False
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"

    @property
    def text(self) -> str:
        """As a person types it into vnsearch."""
        joined = " ".join(self.words)
        return f'"{joined}"' if self.phrase else joined

    @property
    def fts5(self) -> str:
        """The same query in FTS5's syntax: every word a quoted string (implicit AND), or one
        quoted phrase. Quotes inside are doubled, so no word is read as an operator."""

        def quote(text: str) -> str:
            return '"' + text.replace('"', '""') + '"'

        return quote(" ".join(self.words)) if self.phrase else " ".join(map(quote, self.words))

    @property
    def params(self) -> dict[str, str]:
        """The query string of /search."""
        params = {"q": self.text}
        if self.sort != "relevance":
            params["sort"] = self.sort
        params.update({name: values[0] for name, values in self.filters.items()})
        return params


def make_queries(corpus: Corpus, count: int, seed: int) -> list[Query]:
    """`count` queries of each kind, then shuffled, so that no kind runs on a colder cache.
    Words are consecutive in one line of an article, so every query finds at least that article
    (phrases included) unless a filter leaves it out; half are typed without marks, as people
    often do. Filters are a year or a source: of the synthetic corpus's, or (real articles) of
    one of the articles the words are drawn from."""
    from indexer.text.normalize import fold

    rng = random.Random(seed)
    files = corpus.files()
    # The words of each line (title, paragraphs): a query never spans two, as a phrase across
    # the title and the body, or across paragraphs, need not be found.
    sampled = [corpus.read(path) for path in rng.sample(files, min(SAMPLE_ARTICLES, len(files)))]
    lines = [
        words
        for article in sampled
        for line in article.lines()
        if len(words := [w for w in _WORD.findall(line) if w not in _OPERATORS]) >= 4
    ]
    filters_of = (
        [{"year": [a.year]} if a.year else {"source": [a.source]} for a in sampled if a.year or a.source]
        if corpus.real
        else None
    )
    queries = []
    for kind in KINDS:
        for _ in range(count):
            words = rng.choice(lines)
            n = rng.randint(2, 4) if kind == "phrase" else rng.randint(1, 4)
            start = rng.randrange(len(words) - n + 1)
            picked = tuple(words[start : start + n])
            if rng.random() < 0.5:
                picked = tuple(fold(w) for w in picked)  # unaccented: `Đảng` -> `dang`
            filters: dict[str, list[str]] = {}
            if kind == "facet" and filters_of is not None:
                filters = rng.choice(filters_of) if filters_of else {}
            elif kind == "facet":
                filters = (
                    {"year": [rng.choice(YEARS)]} if rng.random() < 0.5 else {"source": [rng.choice(SOURCES)]}
                )
            queries.append(
                Query(kind, picked, kind == "phrase", filters, "newest" if kind == "sorted" else "relevance")
            )
    rng.shuffle(queries)
    return queries


# --- the three ways to run a query ----------------------------------------------------------


@dataclass
class Timings:
    """Milliseconds per query kind, and how many results each query found."""

    ms: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    found: dict[str, list[int]] = field(default_factory=lambda: {kind: [] for kind in KINDS})

    def measure(self, queries: list[Query], run: Callable[[Query], int]) -> None:
        for query in queries:
            began = time.perf_counter()
            found = run(query)
            self.ms[query.kind].append((time.perf_counter() - began) * 1000)
            self.found[query.kind].append(found)

    def summary(self) -> dict[str, Any]:
        return {
            kind: {
                **latency_summary(self.ms[kind]),
                "no_hits": sum(1 for n in self.found[kind] if n == 0),
                "mean_found": sum(self.found[kind]) / len(self.found[kind]),
            }
            for kind in KINDS
            if self.ms[kind]
        }

    def all_ms(self) -> list[float]:
        return [ms for kind in KINDS for ms in self.ms[kind]]


def vnsearch_in_process(index_dir: Path, queries: list[Query], warm_up: list[Query]) -> Timings:
    from indexer.query.search import search
    from indexer.store.build import open_index

    timings = Timings()
    with open_index(index_dir).searcher() as searcher:

        def run(query: Query) -> int:
            return search(searcher, query.text, filters=query.filters, sort=query.sort)["total"]

        Timings().measure(warm_up, run)
        timings.measure(queries, run)
    return timings


@contextmanager
def served(index_dir: Path) -> Iterator[str]:
    """The web app served by waitress on 127.0.0.1, on a free port; yields its base URL."""
    from waitress import create_server

    from webui import create_app

    server: Any = create_server(
        create_app({"INDEX_DIR": str(index_dir)}), host="127.0.0.1", port=0, threads=4
    )
    stop = threading.Event()

    def serve() -> None:
        # waitress's own run() loops until its sockets are closed, and closing them from
        # another thread races with its select(): loop here until told to stop instead.
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()  # its threads end before the sockets they use close
        server.asyncore.close_all(server._map)


def web_pages(
    index_dir: Path, queries: list[Query], warm_up: list[Query], page: str = "/search"
) -> tuple[Timings, dict[int, int]]:
    """Latency of the HTML results page (or the API's) over HTTP, and the count of each status
    code."""
    statuses: dict[int, int] = {}
    timings = Timings()
    with served(index_dir) as base:

        def run(query: Query) -> int:
            try:
                with urllib.request.urlopen(
                    f"{base}{page}?{urlencode(query.params)}", timeout=60
                ) as response:
                    size = len(response.read())
                    status = response.status
            except urllib.error.HTTPError as error:
                with error:
                    size, status = len(error.read()), error.code
            statuses[status] = statuses.get(status, 0) + 1
            return size  # bytes of the page: it has no total to return

        Timings().measure(warm_up, run)
        statuses.clear()
        timings.measure(queries, run)
    return timings, statuses


def build_fts5(database: Path, corpus: Corpus) -> None:
    """One FTS5 table over the same articles (NFC, as vnsearch sees them), metadata unindexed."""
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, body, source UNINDEXED, "
            "year UNINDEXED, date UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
        )
        connection.executemany(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    str(i),
                    unicodedata.normalize("NFC", a.title),
                    unicodedata.normalize("NFC", a.body),
                    a.source,
                    a.year,
                    a.date,
                )
                for i, a in enumerate(corpus.articles())
            ),
        )
        connection.execute(
            "INSERT INTO articles(articles) VALUES ('optimize')"
        )  # one b-tree, as after a rebuild
    connection.close()


def fts5_queries(database: Path, queries: list[Query], warm_up: list[Query]) -> Timings:
    timings = Timings()
    connection = sqlite3.connect(database)
    try:

        def run(query: Query) -> int:
            # Title weighs 3, body 1 (vnsearch's TITLE_BOOST); snippets of about 40 tokens.
            where = "articles MATCH ?" + "".join(f" AND {name} = ?" for name in query.filters)
            order = "date DESC" if query.sort == "newest" else "bm25(articles, 0.0, 3.0, 1.0)"
            sql = (
                f"SELECT id, title, snippet(articles, 2, '<mark>', '</mark>', '…', 40) "
                f"FROM articles WHERE {where} ORDER BY {order} LIMIT 10"
            )
            values = [query.fts5, *(values[0] for values in query.filters.values())]
            return len(connection.execute(sql, values).fetchall())

        Timings().measure(warm_up, run)
        timings.measure(queries, run)
    finally:
        connection.close()
    return timings


# --- the run --------------------------------------------------------------------------------


def prepare_index(
    corpus: Path, count: int | None, index: Path | None, scratch: Path
) -> tuple[Path, dict[str, Any]]:
    """Reuse the index at `index` if there is one (it must hold this corpus: `count` articles,
    when known), else build it there (or in `scratch`) with the real `vnsearch index` command."""
    index_dir = index or scratch / "index"
    if index_dir.is_dir() and any(index_dir.iterdir()):
        documents = index_doc_count(index_dir)
        if documents != (count or documents):
            raise click.ClickException(
                f"{index_dir} holds {documents} articles, not {count}: not this corpus"
            )
        return index_dir, {"reused": True}
    built = run_vnsearch_index(corpus, index_dir)
    if built.returncode != 0:
        raise click.ClickException(f"vnsearch index failed ({built.returncode}): {built.stderr.strip()}")
    return index_dir, {
        "reused": False,
        "seconds": built.seconds,
        "peak_rss_mb": built.peak_rss_mb,
        "peak_tree_pss_mb": built.peak_tree_pss_mb,
    }


def run(
    count: int,
    seed: int,
    corpus_folder: Path | None,
    index: Path | None,
    per_kind: int,
    web_requests: int,
    quiet: bool,
    articles: Path | None = None,
) -> dict[str, Any]:
    started = machine()  # before any work of ours: its load average says what else ran
    corpus = corpus_of(count, seed, corpus_folder, articles, quiet=quiet)
    folder = corpus.folder
    queries = make_queries(corpus, per_kind, seed)
    warm_up = make_queries(corpus, WARM_UP, seed + 1)[:WARM_UP]  # other queries: no cache hits
    # Every kind in the web sample, in the shuffled order, bounded so the run stays short.
    web_sample = queries[:web_requests]
    with tempfile.TemporaryDirectory(prefix="vnsearch-query-bench-") as scratch:
        index_dir, index_info = prepare_index(folder, None if corpus.real else count, index, Path(scratch))
        count = index_doc_count(index_dir)
        database = Path(scratch) / "fts5.sqlite"
        began = time.perf_counter()
        build_fts5(database, corpus)
        fts5_build = time.perf_counter() - began
        memory_before = self_peak_rss_mb()

        with PrivateMemoryPeak() as private:
            ours = vnsearch_in_process(index_dir, queries, warm_up)
            memory_in_process = self_peak_rss_mb()
            web, statuses = web_pages(index_dir, web_sample, warm_up)
            api, api_statuses = web_pages(index_dir, web_sample, warm_up, page="/api/search")
        fts5 = fts5_queries(database, queries, warm_up)
        sizes = {"vnsearch_index_bytes": index_size(index_dir), "fts5_bytes": database.stat().st_size}

    ours_summary, fts5_summary = ours.summary(), fts5.summary()
    ratios = {
        kind: {
            "p50": ours_summary[kind]["p50_ms"] / fts5_summary[kind]["p50_ms"],
            "p95": ours_summary[kind]["p95_ms"] / fts5_summary[kind]["p95_ms"],
        }
        for kind in KINDS
    }
    web_all, api_all = latency_summary(web.all_ms()), latency_summary(api.all_ms())
    memory = self_peak_rss_mb()
    plain = ours_summary["plain"]
    return {
        "benchmark": "query",
        "count": count,
        "seed": seed,
        "corpus": str(folder),
        "real": corpus.real,
        "machine": started,
        "queries_per_kind": per_kind,
        "warm_up": WARM_UP,
        "index": {**index_info, "dir": str(index) if index else None},
        "fts5_build_seconds": fts5_build,
        "sizes": sizes,
        "vnsearch": ours_summary,
        "web": {
            "requests": len(web_sample),
            "statuses": {str(k): v for k, v in statuses.items()},
            "all": web_all,
            "by_kind": web.summary(),
        },
        "api": {
            "requests": len(web_sample),
            "statuses": {str(k): v for k, v in api_statuses.items()},
            "all": api_all,
            "by_kind": api.summary(),
        },
        "fts5": fts5_summary,
        "ratio_vnsearch_to_fts5": ratios,
        "memory": {
            "peak_rss_mb": memory,
            "peak_rss_mb_before_searching": memory_before,
            "peak_rss_mb_after_in_process_search": memory_in_process,
            "method": "ru_maxrss of this process (RUSAGE_SELF): index, web app and FTS5 together",
            "peak_private_mb": private.peak_mb,
            "private_method": "peak RssAnon of this process while searching (in process and web), "
            "sampled every 50 ms: mapped index files left out",
        },
        "targets": {
            "plain_p50": plain["p50_ms"] <= TARGETS_MS["plain_p50"],
            "plain_p95": plain["p95_ms"] <= TARGETS_MS["plain_p95"],
            "plain_fts5_p95_ratio": ratios["plain"]["p95"] <= TARGETS_MS["plain_fts5_p95_ratio"],
            "phrase_p95": ours_summary["phrase"]["p95_ms"] <= TARGETS_MS["phrase_p95"],
            "facet_p95": ours_summary["facet"]["p95_ms"] <= TARGETS_MS["facet_p95"],
            "web_p95": web_all["p95_ms"] <= TARGETS_MS["web_p95"],
            "api_p95": api_all["p95_ms"] <= TARGETS_MS["api_p95"],
            "memory": (private.peak_mb or memory) <= TARGET_MEMORY_MB,
        },
    }


def report(results: dict[str, Any]) -> str:
    ours, fts5, ratios, web = (
        results["vnsearch"],
        results["fts5"],
        results["ratio_vnsearch_to_fts5"],
        results["web"],
    )
    api = results["api"]
    rows = [
        [
            LABELS[kind],
            ours[kind]["n"],
            ours[kind]["p50_ms"],
            ours[kind]["p95_ms"],
            ours[kind]["p99_ms"],
            fts5[kind]["p50_ms"],
            fts5[kind]["p95_ms"],
            fts5[kind]["p99_ms"],
            f"{ratios[kind]['p50']:.1f}x",
            f"{ratios[kind]['p95']:.1f}x",
            f"{ours[kind]['mean_found']:.0f}",
            ours[kind]["no_hits"],
            fts5[kind]["no_hits"],
        ]
        for kind in KINDS
    ]
    for name, served_by in (("web page /search (mixed)", web), ("JSON /api/search (mixed)", api)):
        rows.append(
            [
                name,
                served_by["all"]["n"],
                served_by["all"]["p50_ms"],
                served_by["all"]["p95_ms"],
                served_by["all"]["p99_ms"],
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ]
        )
    latency = table(
        [
            "query kind (ms)",
            "n",
            "p50",
            "p95",
            "p99",
            "FTS5 p50",
            "FTS5 p95",
            "FTS5 p99",
            "ratio p50",
            "ratio p95",
            "mean total",
            "no hit",
            "FTS5 no hit",
        ],
        rows,
    )
    plain, memory = ours["plain"], results["memory"]["peak_rss_mb"]
    private = results["memory"]["peak_private_mb"]
    targets = [
        [
            "plain, top-10 snippets: p50",
            f"{plain['p50_ms']:.1f} ms",
            f"<= {TARGETS_MS['plain_p50']} ms",
            check(plain["p50_ms"], TARGETS_MS["plain_p50"]),
        ],
        [
            "plain, top-10 snippets: p95",
            f"{plain['p95_ms']:.1f} ms",
            f"<= {TARGETS_MS['plain_p95']} ms",
            check(plain["p95_ms"], TARGETS_MS["plain_p95"]),
        ],
        [
            "plain: p95 / FTS5 p95",
            f"{ratios['plain']['p95']:.1f}x",
            f"<= {TARGETS_MS['plain_fts5_p95_ratio']}x",
            check(ratios["plain"]["p95"], TARGETS_MS["plain_fts5_p95_ratio"]),
        ],
        [
            "phrase: p95",
            f"{ours['phrase']['p95_ms']:.1f} ms",
            f"<= {TARGETS_MS['phrase_p95']} ms",
            check(ours["phrase"]["p95_ms"], TARGETS_MS["phrase_p95"]),
        ],
        [
            "facet counts (facet-filtered): p95",
            f"{ours['facet']['p95_ms']:.1f} ms",
            f"<= {TARGETS_MS['facet_p95']} ms",
            check(ours["facet"]["p95_ms"], TARGETS_MS["facet_p95"]),
        ],
        [
            "web page: p95",
            f"{web['all']['p95_ms']:.1f} ms",
            f"<= {TARGETS_MS['web_p95']} ms",
            check(web["all"]["p95_ms"], TARGETS_MS["web_p95"]),
        ],
        [
            "JSON API (snippets and facets): p95",
            f"{api['all']['p95_ms']:.1f} ms",
            f"<= {TARGETS_MS['api_p95']} ms",
            check(api["all"]["p95_ms"], TARGETS_MS["api_p95"]),
        ],
        [
            "search process private memory (peak RssAnon)",
            "n/a" if private is None else f"{private:.0f} MB",
            f"<= {TARGET_MEMORY_MB} MB",
            "" if private is None else check(private, TARGET_MEMORY_MB),
        ],
        ["search process ru_maxrss (with mapped index files)", f"{memory:.0f} MB", "", ""],
    ]
    sizes = results["sizes"]
    what = f"real, in {results['corpus']}" if results["real"] else f"seed {results['seed']}"
    head = (
        f"{results['count']} articles ({what}), {results['queries_per_kind']} queries per kind "
        f"after {results['warm_up']} warm-up queries; web and API: {web['requests']} requests each, statuses "
        f"{web['statuses']} and {api['statuses']}; "
        f"index {sizes['vnsearch_index_bytes'] / 1e6:.1f} MB, FTS5 {sizes['fts5_bytes'] / 1e6:.1f} MB "
        f"(built in {results['fts5_build_seconds']:.1f} s).\n"
        "Every vnsearch query counts facets over its whole result set: facet counts = the facet-filtered row."
    )
    return head + "\n\n" + latency + "\n\n" + table(["target", "measured", "target", ""], targets)


@click.command()
@click.option("--count", default=2000, show_default=True, type=click.IntRange(min=1), help="Articles.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int, help="Corpus and query seed.")
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpus folder [default: make_corpus's cache, benchmarks/.cache/corpus-COUNT-SEED].",
)
@click.option(
    "--articles",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Query these real articles instead of generated ones (--count is then ignored).",
)
@click.option(
    "--index",
    type=click.Path(file_okay=False, path_type=Path),
    help="vnsearch index of this corpus to reuse (e.g. index_bench.py --keep-index); built there if empty.",
)
@click.option(
    "--queries",
    "per_kind",
    default=200,
    show_default=True,
    type=click.IntRange(min=1),
    help="Queries of each kind (plain, phrase, facet-filtered, date-sorted).",
)
@click.option(
    "--web-requests",
    default=300,
    show_default=True,
    type=click.IntRange(min=1),
    help="HTTP requests for the web page measure (at most 4 x --queries).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the results as JSON to this file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of tables.")
def main(
    count: int,
    seed: int,
    corpus: Path | None,
    articles: Path | None,
    index: Path | None,
    per_kind: int,
    web_requests: int,
    out: Path | None,
    as_json: bool,
) -> None:
    """Measure vnsearch's query latency (in process and over HTTP) against SQLite FTS5."""
    results = run(count, seed, corpus, index, per_kind, web_requests, quiet=as_json, articles=articles)
    write_json(results, out, also_print=as_json)
    if not as_json:
        click.echo(report(results))


if __name__ == "__main__":
    main()
