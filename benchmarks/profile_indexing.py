"""Where indexing's CPU time goes: the indexing process against its worker processes.

    python benchmarks/profile_indexing.py --count 5000 [--seed 42] [--top 0]
    python benchmarks/profile_indexing.py --articles DIR

Indexes the synthetic corpus (or the real articles in DIR) into a new index with
`indexer.store.build.index_paths`, in this process, as `vnsearch index` does: worker processes
read, clean, segment and analyse the articles, this process writes the index (and merges it at
the end). Prints the wall time and the CPU time per article of each side. Two cores can at
best index 2 / (the sum of the two) articles per millisecond, so whichever side is larger says
where to work next. With `--top N`, also the N functions of this process with the most
cumulative time under cProfile. The workers are forked with the profiler running and run
slower under it: take the CPU split from a run without `--top`.
"""

from __future__ import annotations

import cProfile
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import corpus_of
from benchmarks.common import DEFAULT_SEED, table
from indexer.store.build import index_paths

WORKERS = 2


def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def profile(corpus: Path, index_dir: Path, profiler: cProfile.Profile | None) -> dict[str, Any]:
    """Index `corpus` into `index_dir`; the time and CPU time of each side."""
    own, workers = _cpu_seconds(resource.RUSAGE_SELF), _cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    report = index_paths([corpus], index_dir, quiet=True, workers=WORKERS)
    if profiler:
        profiler.disable()
    return {
        "articles": report.indexed,
        "seconds": time.perf_counter() - started,
        "indexing_process_cpu_seconds": _cpu_seconds(resource.RUSAGE_SELF) - own,
        # The pool's processes have been joined, so their time is counted as children's.
        "worker_cpu_seconds": _cpu_seconds(resource.RUSAGE_CHILDREN) - workers,
    }


def report(results: dict[str, Any]) -> str:
    articles = results["articles"]
    own = 1000 * results["indexing_process_cpu_seconds"] / articles
    workers = 1000 * results["worker_cpu_seconds"] / articles
    rows = [
        ["wall time", f"{results['seconds']:.1f} s", f"{articles / results['seconds']:.1f} articles/s"],
        [
            "CPU, the indexing process (writing, merging)",
            f"{results['indexing_process_cpu_seconds']:.1f} s",
            f"{own:.1f} ms/article",
        ],
        [
            f"CPU, the {WORKERS} worker processes (reading to analysing)",
            f"{results['worker_cpu_seconds']:.1f} s",
            f"{workers:.1f} ms/article",
        ],
        ["at best on 2 cores, all CPU time in parallel", "", f"{2000 / (own + workers):.1f} articles/s"],
    ]
    return f"{articles} articles indexed\n\n" + table(["", "total", "per article"], rows)


@click.command()
@click.option(
    "--count", default=5000, show_default=True, type=click.IntRange(min=1), help="Synthetic articles."
)
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int, help="Corpus seed.")
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpus folder [default: make_corpus's cache, benchmarks/.cache/corpus-COUNT-SEED].",
)
@click.option(
    "--articles",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Index these real articles instead of generated ones (--count is then ignored).",
)
@click.option(
    "--top",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Also list this many functions of the indexing process, by cumulative time under cProfile.",
)
def main(count: int, seed: int, corpus: Path | None, articles: Path | None, top: int) -> None:
    """Split indexing's CPU time between the indexing process and its workers."""
    folder = corpus_of(count, seed, corpus, articles, quiet=True).folder
    index_dir = Path(tempfile.mkdtemp(prefix="vnsearch-profile-index-"))
    profiler = cProfile.Profile() if top else None
    try:
        results = profile(folder, index_dir, profiler)
    finally:
        shutil.rmtree(index_dir, ignore_errors=True)
    click.echo(report(results))
    if profiler:
        click.echo()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(top)


if __name__ == "__main__":
    main()
