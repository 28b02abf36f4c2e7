"""Indexing speed, memory and size, against underthesea's own speed on the same articles.

    python benchmarks/index_bench.py --count 2000 [--seed 42] [--out results.json] [--json]
    python benchmarks/index_bench.py --articles DIR [--tokenizer-sample 2000]

In one run, on the same articles (synthetic ones from benchmarks/make_corpus.py, or with
`--articles` a folder of real ones in any format vnsearch reads, such as benchmarks/real_news.py
writes):

1. underthesea `word_tokenize` alone over each article's title and body lines (the calls the
   indexer makes), in this process and in a pool of 2 worker processes: the ceiling;
2. the real `vnsearch index` command into a fresh index: wall time, and its peak memory;
3. the index's size on disk against the raw text.

Segmentation is most of the indexing work, so the interesting number is how close indexing
comes to the tokenizer alone (the targets are >= 60 articles/s and >= 85% of the 2-process
tokenizer rate; index size <= 3.5x the raw text on generated text, <= 2.0x on real news).
"""

from __future__ import annotations

import multiprocessing
import random
import shutil
import sys
import tempfile
from functools import partial
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import click

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import Corpus, corpus_of
from benchmarks.common import (
    DEFAULT_SEED,
    SAMPLE_SECONDS,
    check,
    index_doc_count,
    index_size,
    machine,
    run_vnsearch_index,
    table,
    timed,
    write_json,
)

TARGET_RATE = 60.0  # articles/s
TARGET_SHARE = 0.85  # of the 2-process tokenizer rate
TARGET_SIZE = 3.5  # index bytes per byte of raw text (generated text)
TARGET_SIZE_REAL = 2.0  # ... on real news, whose vocabulary keeps growing
CHUNK = 20  # articles per task sent to a worker: few round trips, still an even split
WORKERS = 2


def tokenize_files(corpus: Corpus, paths: list[Path]) -> int:
    """Read, parse and segment articles the way the indexer calls underthesea (one line at a
    time, no token normalisation); return the number of tokens. Reading is included: it costs
    well under 1% of segmenting, and streaming keeps memory flat at 50,000 articles."""
    from underthesea import word_tokenize

    return sum(
        len(word_tokenize(line, use_token_normalize=False))
        for path in paths
        for line in corpus.read(path).lines()
    )


def _load_model(ready: Barrier) -> None:
    """Pool initializer: load underthesea's CRF model once per worker, then wait until every
    worker has, so that the timed part holds no start-up."""
    from underthesea import word_tokenize

    word_tokenize("Khởi động mô hình", use_token_normalize=False)
    ready.wait()


def tokenizer_rates(corpus: Corpus, paths: list[Path]) -> dict[str, Any]:
    """Articles/s of the tokenizer alone, in 1 process and in WORKERS processes."""
    from underthesea import word_tokenize

    word_tokenize("Khởi động mô hình", use_token_normalize=False)  # load the model, untimed
    tokens, one = timed(lambda: tokenize_files(corpus, paths))
    pooled, many = pooled_tokenizer(corpus, paths)
    assert pooled == tokens, "the pool segmented differently"  # same work, or no comparison
    return {
        "tokens": tokens,
        "one_process_seconds": one,
        "one_process_rate": len(paths) / one,
        "pool_processes": WORKERS,
        "pool_seconds": many,
        "pool_rate": len(paths) / many,
    }


def pooled_tokenizer(corpus: Corpus, paths: list[Path]) -> tuple[int, float]:
    """(tokens, seconds) of the tokenizer in WORKERS processes."""
    # spawn, not fork: each worker loads the model itself, as a parallel indexer's would, and
    # nothing depends on what this process happens to have loaded.
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(WORKERS + 1)
    chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
    with context.Pool(WORKERS, initializer=_load_model, initargs=(ready,)) as pool:
        ready.wait()
        pooled, many = timed(lambda: sum(pool.imap_unordered(partial(tokenize_files, corpus), chunks)))
        pool.close()
        pool.join()
    return pooled, many


def run(
    count: int,
    seed: int,
    corpus_folder: Path | None,
    keep_index: Path | None,
    quiet: bool,
    tokenizer_sample: int | None = None,
    articles: Path | None = None,
) -> dict[str, Any]:
    started = machine()  # before any work of ours: its load average says what else ran
    corpus = corpus_of(count, seed, corpus_folder, articles, quiet=quiet)
    folder = corpus.folder
    paths = corpus.files()
    if not corpus.real and len(paths) != count:
        raise click.ClickException(f"{folder} holds {len(paths)} articles, not {count}")
    count = len(paths)
    file_bytes = text_bytes = 0
    for article in corpus.articles():  # one at a time: only the sizes are needed
        file_bytes += article.file_bytes
        text_bytes += len((article.title + "\n" + article.body).encode("utf-8"))
    target_size = TARGET_SIZE_REAL if corpus.real else TARGET_SIZE

    # A rate is per article, so a seeded sample estimates it; at 50,000 articles timing the
    # tokenizer on all of them (twice) would take longer than the index itself.
    sample = (
        sorted(random.Random(seed).sample(paths, tokenizer_sample))
        if tokenizer_sample and tokenizer_sample < count
        else paths
    )
    tokenizer = {**tokenizer_rates(corpus, sample), "articles": len(sample)}

    if keep_index and keep_index.exists() and any(keep_index.iterdir()):
        raise click.ClickException(
            f"--keep-index {keep_index} is not empty; remove it or pick another folder"
        )
    index_dir = keep_index or Path(tempfile.mkdtemp(prefix="vnsearch-bench-index-"))
    try:
        built = run_vnsearch_index(folder, index_dir)
        if built.returncode != 0:
            raise click.ClickException(f"vnsearch index failed ({built.returncode}): {built.stderr.strip()}")
        size = index_size(index_dir)
        documents = index_doc_count(index_dir)
    finally:
        if not keep_index:
            shutil.rmtree(index_dir, ignore_errors=True)

    # The machine's speed drifts over minutes (other tenants): the 2-process rate is measured
    # again after the index, and vnsearch is compared with the mean of the two.
    pooled, after = pooled_tokenizer(corpus, sample)
    assert pooled == tokenizer["tokens"], "the pool segmented differently"
    tokenizer["pool_rate_before"] = tokenizer["pool_rate"]
    tokenizer["pool_rate_after"] = len(sample) / after
    tokenizer["pool_rate"] = (tokenizer["pool_rate_before"] + tokenizer["pool_rate_after"]) / 2
    tokenizer["pool_seconds"] = len(sample) / tokenizer["pool_rate"]  # of the mean rate
    rate = count / built.seconds
    return {
        "benchmark": "index",
        "count": count,
        "seed": seed,
        "corpus": str(folder),
        "real": corpus.real,
        "machine": started,
        "tokenizer": tokenizer,
        "vnsearch": {
            "command": "python -m indexer index CORPUS --index DIR -q",
            "seconds": built.seconds,
            "rate": rate,
            "documents": documents,
            "warnings": built.stderr.count("warning"),
            "peak_rss_mb": built.peak_rss_mb,
            "peak_rss_method": "ru_maxrss of the child, from os.wait4: the largest single process",
            "peak_tree_pss_mb": built.peak_tree_pss_mb,
            "peak_tree_pss_method": "sum of PSS over the child and its descendants, sampled every "
            f"{SAMPLE_SECONDS} s",
            "peak_tree_anon_mb": built.peak_tree_anon_mb,
            "peak_tree_anon_method": "the same, of anonymous pages only (Pss_Anon): without the "
            "mapped index files",
            "share_of_pool_rate": rate / tokenizer["pool_rate"],
            "share_of_one_process_rate": rate / tokenizer["one_process_rate"],
        },
        "size": {
            "index_bytes": size,
            "text_bytes": text_bytes,
            "file_bytes": file_bytes,
            "index_per_text_byte": size / text_bytes,
            "index_per_file_byte": size / file_bytes,
            "target": target_size,
        },
        "index_dir": str(keep_index) if keep_index else None,
        "targets": {
            "rate": rate >= TARGET_RATE,
            "share_of_pool_rate": rate / tokenizer["pool_rate"] >= TARGET_SHARE,
            "size": size / text_bytes <= target_size,
        },
    }


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} MB"


def report(results: dict[str, Any]) -> str:
    tok, ours, size = results["tokenizer"], results["vnsearch"], results["size"]
    rows = [
        [
            f"underthesea word_tokenize, 1 process ({tok['articles']} articles)",
            f"{tok['one_process_rate']:.1f} articles/s",
            "",
            "",
        ],
        [
            f"underthesea word_tokenize, {tok['pool_processes']} processes (mean of before and after)",
            f"{tok['pool_rate']:.1f} articles/s",
            "",
            "",
        ],
        [
            "  before vnsearch index / after it",
            f"{tok['pool_rate_before']:.1f} / {tok['pool_rate_after']:.1f}",
            "",
            "",
        ],
        [
            "vnsearch index",
            f"{ours['rate']:.1f} articles/s",
            f">= {TARGET_RATE:.0f}",
            check(ours["rate"], TARGET_RATE, at_most=False),
        ],
        [
            "  / 2-process tokenizer rate",
            f"{ours['share_of_pool_rate']:.0%}",
            f">= {TARGET_SHARE:.0%}",
            check(ours["share_of_pool_rate"], TARGET_SHARE, at_most=False),
        ],
        ["  / 1-process tokenizer rate", f"{ours['share_of_one_process_rate']:.0%}", "", ""],
        ["vnsearch index peak memory, largest process (ru_maxrss)", f"{ours['peak_rss_mb']:.0f} MB", "", ""],
        ["vnsearch index peak memory, all its processes (PSS)", _mb(ours["peak_tree_pss_mb"]), "", ""],
        ["  … of it anonymous (not pages of mapped index files)", _mb(ours["peak_tree_anon_mb"]), "", ""],
        [
            "index size / title+body UTF-8 bytes",
            f"{size['index_per_text_byte']:.2f}x",
            f"<= {size['target']}x",
            check(size["index_per_text_byte"], size["target"]),
        ],
        ["index size / article file bytes", f"{size['index_per_file_byte']:.2f}x", "", ""],
    ]
    what = f"real, in {results['corpus']}" if results["real"] else f"seed {results['seed']}"
    head = (
        f"{results['count']} articles ({what}), {size['text_bytes'] / 1e6:.1f} MB of "
        f"title+body text, {size['file_bytes'] / 1e6:.1f} MB of files; index "
        f"{size['index_bytes'] / 1e6:.1f} MB, "
        f"{ours['documents']} documents; vnsearch index took {ours['seconds']:.1f} s"
    )
    return head + "\n\n" + table(["measure", "value", "target", ""], rows)


@click.command()
@click.option("--count", default=2000, show_default=True, type=click.IntRange(min=1), help="Articles.")
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
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the results as JSON to this file.",
)
@click.option(
    "--keep-index",
    type=click.Path(file_okay=False, path_type=Path),
    help="Build the index in this (new or empty) folder and keep it, for query_bench.py --index.",
)
@click.option(
    "--tokenizer-sample",
    type=click.IntRange(min=1),
    help="Time the tokenizer alone on this many of the articles (seeded) [default: all].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of a table.")
def main(
    count: int,
    seed: int,
    corpus: Path | None,
    articles: Path | None,
    out: Path | None,
    keep_index: Path | None,
    tokenizer_sample: int | None,
    as_json: bool,
) -> None:
    """Measure `vnsearch index` against underthesea's tokenizer on COUNT synthetic articles
    (or on real ones)."""
    results = run(
        count, seed, corpus, keep_index, quiet=as_json, tokenizer_sample=tokenizer_sample, articles=articles
    )
    write_json(results, out, also_print=as_json)
    if not as_json:
        click.echo(report(results))


if __name__ == "__main__":
    main()
