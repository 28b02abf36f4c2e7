"""Where the time of one kind of query goes: cProfile over query_bench's queries.

    python benchmarks/profile_queries.py --count 50000 --index DIR [--kind plain] [--queries 60]

The queries are drawn as query_bench draws them (same corpus and seed); the first `--warm-up`
of the kind run unprofiled, as a server that has answered a few searches would. Prints the
median latency under the profiler (slower than without) and the functions by cumulative time.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

import click

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import corpus_of
from benchmarks.common import DEFAULT_SEED
from benchmarks.query_bench import KINDS, make_queries


@click.command()
@click.option(
    "--count", default=50_000, show_default=True, type=click.IntRange(min=1), help="Synthetic articles."
)
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int, help="Corpus and query seed.")
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpus folder [default: make_corpus's cache, benchmarks/.cache/corpus-COUNT-SEED].",
)
@click.option(
    "--articles",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Real articles to draw the queries from instead (the index must be of them).",
)
@click.option(
    "--index",
    "index_dir",
    required=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="An index of that corpus (index_bench.py --keep-index).",
)
@click.option("--kind", type=click.Choice(KINDS), default="plain", show_default=True)
@click.option(
    "--queries", default=60, show_default=True, type=click.IntRange(min=1), help="Queries profiled."
)
@click.option(
    "--warm-up", default=60, show_default=True, type=click.IntRange(min=0), help="Queries run first."
)
@click.option("--top", default=30, show_default=True, type=click.IntRange(min=1), help="Functions listed.")
def main(
    count: int,
    seed: int,
    corpus: Path | None,
    articles: Path | None,
    index_dir: Path,
    kind: str,
    queries: int,
    warm_up: int,
    top: int,
) -> None:
    """Profile one kind of query_bench's queries against an index."""
    from indexer.query.search import search
    from indexer.store.build import open_index

    chosen = [
        query
        for query in make_queries(
            corpus_of(count, seed, corpus, articles, quiet=True), warm_up + queries, seed
        )
        if query.kind == kind
    ]
    profile = cProfile.Profile()
    milliseconds = []
    with open_index(index_dir).searcher() as searcher:
        for number, query in enumerate(chosen[: warm_up + queries]):
            profiled = number >= warm_up
            began = time.perf_counter()
            if profiled:
                profile.enable()
            search(searcher, query.text, filters=query.filters, sort=query.sort)
            if profiled:
                profile.disable()
                milliseconds.append((time.perf_counter() - began) * 1000)
    click.echo(
        f"{len(milliseconds)} {kind} queries after {warm_up}; median "
        f"{statistics.median(milliseconds):.1f} ms "
        "under the profiler"
    )
    pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(top)


if __name__ == "__main__":
    main()
