"""The entity facets (people, places, organisations) of a folder of articles, as a broad query
would show them: per facet, the values in the most articles.

    python benchmarks/entity_facets.py --articles DIR [--top 50] [--json] [--limit N]
                                       [--workers 2] [--save FILE] [--before FILE]

Every article file under DIR is read the way `vnsearch index` reads it
(`indexer.ingest.read.read_articles`: cleaning, headline, `find_entities(title, body)`), and each
facet value is counted once per article that has it: the counts a query matching every
article would show beside the facet. No index is built. Files are shared among worker
processes (ingest and entities cost about 10-20 ms an article).

Also timed, per article, in CPU time of the process that does the work (these machines are
shared: wall-clock time grows with other people's load, CPU time much less): ingest as a whole
(decoding, cleaning, segmentation, entities) and `find_entities` alone, called again once
ingest has segmented the text (segmentation is cached per text, so this second call is the
entity rules' own cost).

`--save FILE` writes the counts; `--before FILE` (counts saved from another version of the
code) marks each value of the top list that is new (`+`), and lists the values that left it.
The articles' texts stay outside the repository: only the values are printed.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine, table
from indexer.ingest.entities import find_entities
from indexer.ingest.read import Extracted, find_files, read_articles

FACETS = ("people", "places", "organisations")


@dataclass
class Tally:
    """Counts and times over some articles; tallies of several workers add up."""

    articles: int = 0
    problems: int = 0
    ingest_seconds: float = 0.0  # CPU time
    entity_seconds: float = 0.0
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {facet: Counter() for facet in FACETS})

    def add(self, other: Tally) -> None:
        self.articles += other.articles
        self.problems += other.problems
        self.ingest_seconds += other.ingest_seconds
        self.entity_seconds += other.entity_seconds
        for facet in FACETS:
            self.counts[facet].update(other.counts[facet])


def tally_file(job: tuple[Path, Path]) -> Tally:
    """The facet values of every article in one file, and the time they took."""
    file, folder = job
    tally = Tally()
    began = time.process_time()
    results = list(read_articles(file, folder))
    tally.ingest_seconds = time.process_time() - began
    for result in results:
        if not isinstance(result, Extracted):
            tally.problems += 1
            continue
        article = result.article
        tally.articles += 1
        began = time.process_time()
        find_entities(article.title, article.body)  # segmentation cached by ingest's own call
        tally.entity_seconds += time.process_time() - began
        for facet in FACETS:
            tally.counts[facet].update(set(getattr(article, facet)))
    return tally


def tally_folder(folder: Path, limit: int | None, workers: int) -> Tally:
    jobs = list(find_files([folder]))
    if limit is not None and limit < len(jobs):  # spread over the folder: every archive, every month
        jobs = [jobs[i * len(jobs) // limit] for i in range(limit)]
    total = Tally()
    if workers <= 1:
        for job in jobs:
            total.add(tally_file(job))
        return total
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for tally in pool.imap_unordered(tally_file, jobs, chunksize=16):
            total.add(tally)
    return total


def ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Values by count, then by value: the order of the facet on the results page
    (`indexer/query/facets.py`)."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def top_values(tally: Tally, top: int) -> dict[str, list[dict[str, Any]]]:
    return {
        facet: [{"value": value, "count": count} for value, count in ranked(tally.counts[facet])[:top]]
        for facet in FACETS
    }


@click.command()
@click.option(
    "--articles",
    "folder",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of article files (searched recursively).",
)
@click.option("--top", default=50, show_default=True, help="How many values to show per facet.")
@click.option("--limit", type=int, help="Read only N files, evenly spread over the folder's (path order).")
@click.option("--workers", default=2, show_default=True, help="Worker processes (1: this process).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option(
    "--save", type=click.Path(dir_okay=False, path_type=Path), help="Write every value's count here."
)
@click.option(
    "--before",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Counts saved (--save) from another version of the code, to compare with.",
)
def main(
    folder: Path,
    top: int,
    limit: int | None,
    workers: int,
    as_json: bool,
    save: Path | None,
    before: Path | None,
) -> None:
    """Per facet, the values in the most articles of a folder, and ms/article."""
    began = time.perf_counter()
    tally = tally_folder(folder, limit, workers)
    seconds = time.perf_counter() - began
    articles = max(tally.articles, 1)
    results = {
        "machine": machine(),
        "folder": str(folder),
        "articles": tally.articles,
        "problems": tally.problems,
        "seconds": seconds,
        "ingest_cpu_ms_per_article": 1000 * tally.ingest_seconds / articles,
        "entities_cpu_ms_per_article": 1000 * tally.entity_seconds / articles,
        "top": top_values(tally, top),
    }
    if save:
        counts = {facet: dict(ranked(tally.counts[facet])) for facet in FACETS}
        save.write_text(json.dumps(counts, ensure_ascii=False) + "\n", encoding="utf-8")
    earlier = json.loads(before.read_text(encoding="utf-8")) if before else None
    earlier_top = (
        {facet: [value for value, _ in ranked(earlier[facet])[:top]] for facet in FACETS} if earlier else None
    )
    if earlier_top:
        results["left_the_top"] = {
            facet: [
                value
                for value in earlier_top[facet]
                if value not in {row["value"] for row in results["top"][facet]}
            ]
            for facet in FACETS
        }
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{tally.articles} articles ({tally.problems} problems) in {folder}, {seconds:.0f} s; "
        f"CPU time: ingest {results['ingest_cpu_ms_per_article']:.2f} ms/article, "
        f"find_entities (segmentation cached) {results['entities_cpu_ms_per_article']:.2f} ms/article"
    )
    for facet in FACETS:
        rows = []
        for rank, row in enumerate(results["top"][facet], start=1):
            new = "+" if earlier_top and row["value"] not in earlier_top[facet] else ""
            rows.append([f"{rank:>2} {row['value']}", row["count"], new])
        click.echo(f"\n{facet}\n" + table(["value", "articles", "new"], rows))
        if earlier_top:
            click.echo("left the top: " + (", ".join(results["left_the_top"][facet]) or "none"))


if __name__ == "__main__":
    main()
