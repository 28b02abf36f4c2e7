"""Indexing on a Dask cluster against the local process pool, on the same articles and machine.

    python benchmarks/cluster_bench.py --count 5000 [--out results.json]
    python benchmarks/cluster_bench.py --articles DIR

Three fresh builds with the real `vnsearch index` command, one after the other: the local pool
(2 processes), then 2 Dask workers of one thread each on this machine (`--scheduler`, a
`distributed.LocalCluster`), then the local pool again; the cluster's time is compared with the
mean of the two local ones (the machine's speed drifts over minutes).

On the cluster run it also measures where the CPU goes: in the indexing process (its own
rusage: ids, copies, deletions, the commit and the final merge), and in the workers (their
rusage before and after). The indexing process's seconds per article bound how many workers one
index can keep busy; with the workers' seconds per article, they give the estimate for 10
million articles on 10 machines of 16 cores that the report prints.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import corpus_of
from benchmarks.common import DEFAULT_SEED, REPO, index_doc_count, machine, table, write_json

WORKERS = 2
TARGET_OVERHEAD = 0.10  # the cluster's wall time over the local pool's, at most
ESTIMATE_ARTICLES = 10_000_000
ESTIMATE_CORES = 10 * 16


def build(corpus: Path, index_dir: Path, scheduler: str | None = None) -> dict[str, float]:
    """One `vnsearch index` into a fresh folder: wall seconds and the indexing process's CPU
    seconds (with its local pool's, which it waits for: not the cluster's workers)."""
    command = [sys.executable, "-m", "indexer", "index", str(corpus), "--index", str(index_dir), "-q"]
    command += ["--scheduler", scheduler] if scheduler else []
    began = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    errors = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise click.ClickException(f"vnsearch index failed: {errors.strip()}")
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime}


def _own_cpu_seconds() -> float:  # run on each worker
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(count: int, seed: int, articles: Path | None, quiet: bool) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    started = machine()
    corpus = corpus_of(count, seed, None, articles, quiet=quiet)
    scratch = Path(tempfile.mkdtemp(prefix="vnsearch-cluster-bench-"))
    try:
        local_before = build(corpus.folder, scratch / "local-1")
        with (
            LocalCluster(
                n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(lambda: __import__("indexer.store.cluster"))  # loaded before the clock starts
            workers_before = client.run(_own_cpu_seconds)
            remote = build(corpus.folder, scratch / "cluster", cluster.scheduler_address)
            workers_after = client.run(_own_cpu_seconds)
        local_after = build(corpus.folder, scratch / "local-2")
        documents = index_doc_count(scratch / "cluster")
        if documents != index_doc_count(scratch / "local-1"):
            raise click.ClickException("the cluster's index holds other articles than the local one")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    local_seconds = (local_before["seconds"] + local_after["seconds"]) / 2
    workers_cpu = sum(workers_after[w] - workers_before[w] for w in workers_after)
    indexing_per_article = remote["cpu_seconds"] / documents
    workers_per_article = workers_cpu / documents
    # 10M articles on 160 cores: the workers' rate, and the one indexing process's ceiling.
    workers_rate = ESTIMATE_CORES / workers_per_article
    indexing_rate = 1 / indexing_per_article
    return {
        "benchmark": "cluster",
        "count": documents,
        "seed": seed,
        "corpus": str(corpus.folder),
        "real": corpus.real,
        "machine": started,
        "local": {"before": local_before, "after": local_after, "mean_seconds": local_seconds},
        "cluster": {**remote, "workers": WORKERS, "workers_cpu_seconds": workers_cpu},
        "overhead": remote["seconds"] / local_seconds - 1,
        "per_article": {
            "indexing_process_cpu_ms": indexing_per_article * 1000,
            "workers_cpu_ms": workers_per_article * 1000,
            "workers_one_indexing_process_keeps_busy": workers_per_article / indexing_per_article,
        },
        "estimate": {
            "articles": ESTIMATE_ARTICLES,
            "worker_cores": ESTIMATE_CORES,
            "workers_rate": workers_rate,
            "indexing_process_rate": indexing_rate,
            "hours": ESTIMATE_ARTICLES / min(workers_rate, indexing_rate) / 3600,
            "bound_by": "the indexing process" if indexing_rate < workers_rate else "the workers",
        },
        "targets": {"overhead": remote["seconds"] / local_seconds - 1 <= TARGET_OVERHEAD},
    }


def report(results: dict[str, Any]) -> str:
    local, remote, per, estimate = (
        results["local"],
        results["cluster"],
        results["per_article"],
        results["estimate"],
    )
    rows = [
        [
            "local pool, 2 processes (before / after)",
            f"{local['before']['seconds']:.1f} / {local['after']['seconds']:.1f} s",
        ],
        ["2 Dask workers", f"{remote['seconds']:.1f} s"],
        ["overhead (target <= 10%)", f"{results['overhead']:+.1%}"],
        ["indexing process CPU per article (cluster run)", f"{per['indexing_process_cpu_ms']:.2f} ms"],
        ["workers' CPU per article", f"{per['workers_cpu_ms']:.1f} ms"],
        ["workers one indexing process keeps busy", f"{per['workers_one_indexing_process_keeps_busy']:.0f}"],
        [
            f"{estimate['articles']:,} articles on {estimate['worker_cores']} worker cores",
            f"{estimate['hours']:.1f} h, bound by {estimate['bound_by']} "
            f"(workers {estimate['workers_rate']:,.0f}/s, "
            f"indexing process {estimate['indexing_process_rate']:,.0f}/s)",
        ],
    ]
    kind = "real" if results["real"] else "generated"
    return f"{results['count']:,} {kind} articles\n\n" + table(["measure", "value"], rows)


@click.command()
@click.option("--count", default=5000, show_default=True, type=click.IntRange(min=1), help="Articles.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int, help="Corpus seed.")
@click.option(
    "--articles",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Index these real articles instead of generated ones (--count is then ignored).",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the results as JSON."
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of a table.")
def main(count: int, seed: int, articles: Path | None, out: Path | None, as_json: bool) -> None:
    """Time indexing on 2 Dask workers against the local pool, and estimate 10M articles."""
    results = run(count, seed, articles, quiet=as_json)
    write_json(results, out, also_print=as_json)
    if not as_json:
        click.echo(report(results))


if __name__ == "__main__":
    main()
