"""How indexing and searching grow with the number of articles, and where one machine runs out.

    python benchmarks/growth.py --sizes 5000,50000,200000 --work DIR [--out growth.json]

For each size, on the generated corpus of that many articles (benchmarks/make_corpus.py), in
child processes so that each measures its own memory:

1. `index_bench.py --count N --keep-index DIR/index-N`: the real `vnsearch index` command into a
   fresh index, timed, with its peak memory and the index's size, beside underthesea's own rate;
2. `query_bench.py --count N --index DIR/index-N`: query latency (plain, phrase, facet-filtered,
   web page; p50 and p95) against SQLite FTS5 on the same articles, and the serving memory.

Each step writes its JSON to DIR (`index-N.json`, `query-N.json`); a step whose JSON is there
already is not run again, so an interrupted run goes on where it stopped and `--fit-only` fits
what has been measured.

Then each figure is fitted as a straight line, y = fixed + per_article * N (least squares), and
extrapolated to 1M and 10M articles; for each limit (a plain query's p95 of 150 ms, 2 GB of
serving memory, a full rebuild of 8 hours, ...) it says at what size the fit passes it. To show
how far an extrapolation can be trusted, the same fit made without the largest size predicts
that size, beside what was measured there; and the growth exponent between the two largest
sizes (1: in proportion to the articles, 0: flat) says whether a straight line is the right shape.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_SEED, REPO, machine, table, write_json

EXTRAPOLATE_TO = (200_000, 1_000_000, 10_000_000)
NEVER = 1e9  # articles: a limit the fit reaches only past this is not reached in any archive


@dataclass(frozen=True)
class Figure:
    """One measured figure: where to read it in a size's results, and the limit it must stay under."""

    name: str
    unit: str
    read: Callable[[dict[str, Any], dict[str, Any]], float]  # (index results, query results) -> value
    limit: float | None = None
    limit_says: str = ""
    ratio_of: tuple[str, str] | None = None  # a ratio of two other figures: extrapolated from their fits


FIGURES = (
    Figure(
        "full index (rebuild), 2 cores",
        "s",
        lambda index, query: index["vnsearch"]["seconds"],
        8 * 3600,
        "a night (8 h)",
    ),
    Figure("index size", "MB", lambda index, query: index["size"]["index_bytes"] / 1e6),
    Figure("title+body text", "MB", lambda index, query: index["size"]["text_bytes"] / 1e6),
    Figure(
        "index size / text",
        "x",
        lambda index, query: index["size"]["index_per_text_byte"],
        3.5,
        "3.5x the text",
        ("index size", "title+body text"),
    ),
    Figure(
        "peak memory indexing (PSS, all processes)",
        "MB",
        lambda index, query: index["vnsearch"]["peak_tree_pss_mb"],
        24 * 1024,
        "the machine's 24 GiB",
    ),
    Figure(
        "serving memory (private)",
        "MB",
        lambda index, query: query["memory"]["peak_private_mb"],
        2048,
        "2 GB",
    ),
    Figure("plain p50", "ms", lambda index, query: query["vnsearch"]["plain"]["p50_ms"]),
    Figure("plain p95", "ms", lambda index, query: query["vnsearch"]["plain"]["p95_ms"], 150, "150 ms"),
    Figure("FTS5 plain p95", "ms", lambda index, query: query["fts5"]["plain"]["p95_ms"]),
    Figure(
        "plain p95 / FTS5 p95",
        "x",
        lambda index, query: query["ratio_vnsearch_to_fts5"]["plain"]["p95"],
        2.5,
        "2.5x FTS5",
        ("plain p95", "FTS5 plain p95"),
    ),
    Figure("phrase p50", "ms", lambda index, query: query["vnsearch"]["phrase"]["p50_ms"]),
    Figure("phrase p95", "ms", lambda index, query: query["vnsearch"]["phrase"]["p95_ms"], 300, "300 ms"),
    Figure("facets p50", "ms", lambda index, query: query["vnsearch"]["facet"]["p50_ms"]),
    Figure("facets p95", "ms", lambda index, query: query["vnsearch"]["facet"]["p95_ms"], 250, "250 ms"),
    Figure("web page p50", "ms", lambda index, query: query["web"]["all"]["p50_ms"]),
    Figure("web page p95", "ms", lambda index, query: query["web"]["all"]["p95_ms"], 300, "300 ms"),
)


# --- measuring ------------------------------------------------------------------------------


def measured(
    work: Path, size: int, seed: int, tokenizer_sample: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The index and query results of one size, from DIR's JSON files, measuring what is missing."""
    index_json, query_json = work / f"index-{size}.json", work / f"query-{size}.json"
    index_dir = work / f"index-{size}"
    if not index_json.exists():
        if index_dir.exists():
            raise click.ClickException(
                f"{index_dir} is there without {index_json.name}: remove it to build it again"
            )
        _bench(
            "index_bench.py",
            size,
            seed,
            index_json,
            "--keep-index",
            index_dir,
            "--tokenizer-sample",
            tokenizer_sample,
        )
    if not query_json.exists():
        _bench("query_bench.py", size, seed, query_json, "--index", index_dir)
    return _read(index_json), _read(query_json)


def _bench(script: str, size: int, seed: int, out: Path, *options: object) -> None:
    command = [sys.executable, str(REPO / "benchmarks" / script), "--count", str(size), "--seed", str(seed)]
    command += [str(option) for option in options] + ["--out", str(out)]
    click.echo(f"$ {' '.join(command[1:])}", err=True)
    if subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL).returncode != 0:
        out.unlink(missing_ok=True)
        raise click.ClickException(f"{script} failed at {size:,} articles")


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# --- the model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Affine:
    """y = fixed + per_article * n, fitted by least squares: a cost paid once (a model loaded, a
    page drawn) plus one that every article adds (postings read, bytes stored)."""

    fixed: float
    per_article: float

    @classmethod
    def fit(cls, sizes: list[int], values: list[float]) -> Affine:
        mean_n, mean_y = sum(sizes) / len(sizes), sum(values) / len(values)
        spread = sum((n - mean_n) ** 2 for n in sizes)
        slope = sum((n - mean_n) * (y - mean_y) for n, y in zip(sizes, values)) / spread
        return cls(mean_y - slope * mean_n, slope)

    def at(self, n: float) -> float:
        return self.fixed + self.per_article * n

    def size_reaching(self, limit: float) -> float | None:
        """The size at which the fit reaches `limit` (0 when it is there already), or None when
        it does not grow towards it."""
        if self.at(0) >= limit:
            return 0.0
        if self.per_article <= 0:
            return None
        return (limit - self.fixed) / self.per_article


@dataclass(frozen=True)
class Ratio:
    """One fitted figure over another (index size over text, vnsearch's p95 over FTS5's)."""

    over: Affine
    under: Affine

    def at(self, n: float) -> float:
        return self.over.at(n) / self.under.at(n)

    def size_reaching(self, limit: float) -> float | None:
        """Where over = limit * under (0 when the ratio is there already), or None when the
        ratio does not grow towards the limit."""
        growth = self.over.per_article - limit * self.under.per_article
        if growth <= 0:
            return None
        return max(0.0, (limit * self.under.fixed - self.over.fixed) / growth)


def growth_exponent(sizes: list[int], values: list[float]) -> float:
    """b in y ~ n^b between the two largest sizes: 1 when a figure grows in proportion to the
    articles, 0 when it stays flat; how the figure is growing where the fit is extrapolated."""
    return math.log(values[-1] / values[-2]) / math.log(sizes[-1] / sizes[-2])


def model(
    sizes: list[int], results: dict[int, tuple[dict[str, Any], dict[str, Any]]]
) -> list[dict[str, Any]]:
    def fitted(figure: Figure, sizes: list[int]) -> Affine | Ratio:
        if figure.ratio_of:
            over, under = (next(f for f in FIGURES if f.name == name) for name in figure.ratio_of)
            return Ratio(fitted(over, sizes), fitted(under, sizes))
        return Affine.fit(sizes, [figure.read(*results[n]) for n in sizes])

    rows = []
    for figure in FIGURES:
        values = [figure.read(*results[n]) for n in sizes]
        line = fitted(figure, sizes)
        row: dict[str, Any] = {
            "figure": figure.name,
            "unit": figure.unit,
            "measured": dict(zip(map(str, sizes), values)),
            "fit": vars(line) if isinstance(line, Affine) else {"ratio_of": figure.ratio_of},
            "growth_exponent": growth_exponent(sizes, values),
            "extrapolated": {str(n): line.at(n) for n in EXTRAPOLATE_TO},
            "limit": figure.limit,
            "limit_says": figure.limit_says,
            "size_reaching_limit": line.size_reaching(figure.limit) if figure.limit else None,
        }
        if len(sizes) >= 3:  # a fit without the largest size still has two points
            smaller = fitted(figure, sizes[:-1])
            row["largest_predicted_without_it"] = smaller.at(sizes[-1])
        rows.append(row)
    return rows


def _reached(limit: float | None, size: float | None) -> str:
    if limit is None:
        return ""
    if size is None or size > NEVER:
        return "never"
    return f"{size:,.0f}"


def report(sizes: list[int], rows: list[dict[str, Any]]) -> str:
    headers = ["figure", *(f"{n:,}" for n in sizes)]
    headers += [
        "predicted",
        "growth exponent",
        *(f"{n:,} (fit)" for n in EXTRAPOLATE_TO),
        "limit",
        "reached at",
    ]
    lines = []
    for row in rows:
        reached = row["size_reaching_limit"]
        lines.append(
            [
                f"{row['figure']} ({row['unit']})",
                *row["measured"].values(),
                row.get("largest_predicted_without_it"),
                f"{row['growth_exponent']:.2f}",
                *row["extrapolated"].values(),
                row["limit_says"],
                _reached(row["limit"], reached),
            ]
        )
    return table(headers, lines) + (
        f"\n\npredicted: the {sizes[-1]:,}-article figure by the fit of the smaller sizes alone."
        if len(sizes) >= 3
        else ""
    )


@click.command()
@click.option(
    "--sizes",
    default="5000,50000,200000",
    show_default=True,
    help="Numbers of articles, comma-separated, smallest first.",
)
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int, help="Corpus and query seed.")
@click.option(
    "--work",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the indexes (GBs at 200,000 articles) and each step's JSON.",
)
@click.option(
    "--tokenizer-sample",
    default=1000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Articles underthesea is timed on beside each index (index_bench.py's option).",
)
@click.option("--fit-only", is_flag=True, help="Fit the sizes already measured in --work; measure nothing.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the results as JSON."
)
def main(sizes: str, seed: int, work: Path, tokenizer_sample: int, fit_only: bool, out: Path | None) -> None:
    """Measure indexing and queries at several sizes and fit how each figure grows."""
    try:
        counts = sorted({int(size.replace("_", "")) for size in sizes.split(",")})
    except ValueError:
        raise click.BadParameter(f"{sizes!r} is not a list of numbers", param_hint="--sizes") from None
    if len(counts) < 2 or counts[0] < 1:
        raise click.BadParameter("give at least two sizes of one article or more", param_hint="--sizes")
    work.mkdir(parents=True, exist_ok=True)
    started = machine()
    if fit_only:
        counts = [
            n for n in counts if (work / f"index-{n}.json").exists() and (work / f"query-{n}.json").exists()
        ]
        if len(counts) < 2:
            raise click.ClickException(f"{work} holds the results of fewer than two sizes")
    results = {n: measured(work, n, seed, tokenizer_sample) for n in counts}
    rows = model(counts, results)
    write_json(
        {
            "benchmark": "growth",
            "sizes": counts,
            "seed": seed,
            "machine": started,
            "runs": {
                str(n): {"index": results[n][0]["machine"], "query": results[n][1]["machine"]} for n in counts
            },
            "model": rows,
        },
        out,
        also_print=False,
    )
    click.echo(report(counts, rows))


if __name__ == "__main__":
    main()
