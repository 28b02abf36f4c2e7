"""The benchmark scripts run end to end at a smoke size, so they cannot rot. No timing is
asserted: only that every figure is there and makes sense."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmarks import (
    index_bench,
    index_size,
    ingest_accuracy,
    profile_indexing,
    profile_queries,
    query_bench,
    real_news,
    segment_bench,
)
from benchmarks.articles import Corpus
from benchmarks.common import corpus_dir, percentile
from indexer.store.build import shipped_corpus

COUNT = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_dir(COUNT, 42, tmp_path_factory.mktemp("corpus"), quiet=True)


@pytest.fixture(scope="module")
def indexed(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, str]:
    """index_bench's results, the index it kept, and its printed table."""
    folder = tmp_path_factory.mktemp("index-bench")
    out, index_dir = folder / "results.json", folder / "index"
    result = CliRunner().invoke(
        index_bench.main,
        [
            "--count",
            str(COUNT),
            "--corpus",
            str(corpus),
            "--out",
            str(out),
            "--keep-index",
            str(index_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8")), index_dir, result.stdout


def positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and value > 0


def test_index_bench_reports_every_figure(indexed: tuple[dict[str, Any], Path, str]) -> None:
    results, index_dir, table = indexed
    assert results["count"] == COUNT
    tokenizer, ours, size = results["tokenizer"], results["vnsearch"], results["size"]
    for value in [
        tokenizer["tokens"],
        tokenizer["one_process_rate"],
        tokenizer["pool_rate"],
        ours["seconds"],
        ours["rate"],
        ours["peak_rss_mb"],
        ours["share_of_pool_rate"],
        ours["share_of_one_process_rate"],
        size["index_bytes"],
        size["text_bytes"],
        size["file_bytes"],
        size["index_per_text_byte"],
        size["index_per_file_byte"],
    ]:
        assert positive(value)
    assert ours["documents"] == COUNT
    anonymous = ours["peak_tree_anon_mb"]  # None only without /proc
    assert anonymous is None or 0 < anonymous <= ours["peak_tree_pss_mb"]
    assert set(results["targets"]) == {"rate", "share_of_pool_rate", "size"}
    assert any(index_dir.glob("*.toc"))  # --keep-index kept it
    assert "vnsearch index" in table and ">= 60" in table and "<= 3.5x" in table


def test_query_bench_reports_every_figure(corpus: Path, indexed: tuple[dict[str, Any], Path, str]) -> None:
    _, index_dir, _ = indexed
    result = CliRunner().invoke(
        query_bench.main,
        [
            "--count",
            str(COUNT),
            "--corpus",
            str(corpus),
            "--index",
            str(index_dir),
            "--queries",
            "5",
            "--web-requests",
            "8",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)
    assert results["index"]["reused"] is True
    for engine in ("vnsearch", "fts5"):
        assert set(results[engine]) == set(query_bench.KINDS)
        for kind in query_bench.KINDS:
            summary = results[engine][kind]
            assert summary["n"] == 5
            assert all(positive(summary[p]) for p in ("p50_ms", "p95_ms", "p99_ms"))
            assert summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"]
    assert all(positive(r["p50"]) and positive(r["p95"]) for r in results["ratio_vnsearch_to_fts5"].values())
    assert results["web"]["requests"] == 8 and results["web"]["statuses"] == {"200": 8}
    assert positive(results["web"]["all"]["p95_ms"])
    assert positive(results["memory"]["peak_rss_mb"])
    private = results["memory"]["peak_private_mb"]  # None only without /proc
    assert private is None or 0 < private <= results["memory"]["peak_rss_mb"]
    assert results["api"]["statuses"] == {"200": 8} and positive(results["api"]["all"]["p95_ms"])
    assert set(results["targets"]) == {
        "plain_p50",
        "plain_p95",
        "plain_fts5_p95_ratio",
        "phrase_p95",
        "facet_p95",
        "web_p95",
        "api_p95",
        "memory",
    }


def test_queries_are_seeded_and_mixed(corpus: Path) -> None:
    synthetic = Corpus(corpus, real=False)
    queries = query_bench.make_queries(synthetic, 10, seed=7)
    assert queries == query_bench.make_queries(synthetic, 10, seed=7)
    assert {q.kind for q in queries} == set(query_bench.KINDS)
    assert all(1 <= len(q.words) <= 4 for q in queries)
    assert all(q.text.startswith('"') and len(q.words) >= 2 for q in queries if q.kind == "phrase")
    assert all(q.filters for q in queries if q.kind == "facet")
    assert all(q.sort == "newest" for q in queries if q.kind == "sorted")
    # FTS5 syntax: quoted strings with quotes doubled, never bare operators.
    odd = query_bench.Query("plain", ('say "hi"', "NEAR"))
    assert odd.fts5 == '"say ""hi""" "NEAR"'


def test_percentile_interpolates() -> None:
    assert percentile([1.0], 99) == 1.0
    assert percentile([3.0, 1.0, 2.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(101))), 95) == 95.0


def test_profile_queries_lists_where_the_time_goes(
    corpus: Path, indexed: tuple[dict[str, Any], Path, str]
) -> None:
    _, index_dir, _ = indexed
    result = CliRunner().invoke(
        profile_queries.main,
        [
            "--count",
            str(COUNT),
            "--corpus",
            str(corpus),
            "--index",
            str(index_dir),
            "--kind",
            "phrase",
            "--queries",
            "3",
            "--warm-up",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "3 phrase queries after 1" in result.output and "indexer/query/search.py" in result.output


def test_profile_indexing_splits_the_cpu_time(corpus: Path, tmp_path: Path) -> None:
    results = profile_indexing.profile(corpus, tmp_path / "index", None)
    assert results["articles"] == COUNT
    assert all(
        positive(results[key]) for key in ("seconds", "indexing_process_cpu_seconds", "worker_cpu_seconds")
    )
    result = CliRunner().invoke(
        profile_indexing.main, ["--count", str(COUNT), "--corpus", str(corpus), "--top", "5"]
    )
    assert result.exit_code == 0, result.output
    assert f"{COUNT} articles indexed" in result.output and "worker processes" in result.output
    assert "indexer/store/build.py" in result.output  # the profile


def test_segment_bench_times_both_segmenters_and_finds_the_same_words() -> None:
    result = CliRunner().invoke(segment_bench.main, ["--rounds", "1", "--sentences", "40"])
    assert result.exit_code == 0, result.output
    assert "40 lines" in result.output and "segmented differently from underthesea: 0" in result.output
    assert "ours, first time" in result.output


# --- real articles (`--articles`): the shipped corpus stands in for a folder of real news ------


def test_every_benchmark_takes_real_articles(tmp_path: Path) -> None:
    corpus, index_dir = str(shipped_corpus()), tmp_path / "index"
    result = CliRunner().invoke(
        index_bench.main, ["--articles", corpus, "--keep-index", str(index_dir), "--json"]
    )
    assert result.exit_code == 0, result.output
    indexed = json.loads(result.stdout)
    assert indexed["real"] and indexed["count"] == 5 and indexed["vnsearch"]["documents"] == 5
    assert indexed["size"]["target"] == 2.0 and positive(indexed["tokenizer"]["pool_rate"])
    result = CliRunner().invoke(
        query_bench.main,
        ["--articles", corpus, "--index", str(index_dir), "--queries", "3", "--web-requests", "4", "--json"],
    )
    assert result.exit_code == 0, result.output
    queried = json.loads(result.stdout)
    assert queried["real"] and queried["count"] == 5 and queried["api"]["statuses"] == {"200": 4}
    assert all(q["n"] == 3 for q in queried["vnsearch"].values())
    result = CliRunner().invoke(segment_bench.main, ["--articles", corpus, "--sample", "2", "--rounds", "1"])
    assert result.exit_code == 0 and "segmented differently from underthesea: 0" in result.output, (
        result.output
    )
    result = CliRunner().invoke(index_size.main, [str(index_dir), "--text-bytes", "1000"])
    assert result.exit_code == 0 and "body_fold" in result.output and "pair_counts" in result.output, (
        result.output
    )


def test_real_news_is_split_in_halves_with_its_truth_and_read_back(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    baomoi = clone / real_news.BAOMOI
    baomoi.mkdir(parents=True)
    for number in range(6):
        (baomoi / f"{number}.txt").write_text(
            f"Nông dân trúng mùa sầu riêng lần {number}\nGiá sầu riêng tăng giúp nông dân có lãi\n"
            "Theo ghi nhận của phóng viên, nhiều nhà vườn ở Cai Lậy đã bán hết sầu riêng ngay tại vườn.\n",
            encoding="utf-8",
        )
    dantri = clone / real_news.DANTRI
    dantri.mkdir(parents=True)
    (dantri / "news_1.txt").write_text(
        "# doc_id = news_1\n# url = https://dantri.com.vn/x/nong-dan-trung-mua-sau-rieng-20230512093000123.htm\n"
        "# date = 20230512\nTheo ghi nhận của phóng viên, nhiều nông dân trúng mùa sầu riêng năm nay.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(real_news.main, [str(out), str(clone)])
    assert result.exit_code == 0, result.output
    truth = real_news.read_truth(out / real_news.TRUTH)
    assert len(truth) == 7 and {t.half for t in truth.values()} == {"tune", "report"}
    assert (
        truth["dantri/news_1"].title is None and truth["dantri/news_1"].slug == "nong dan trung mua sau rieng"
    )
    written = (out / truth["dantri/news_1"].half / "dantri" / "news_1.txt").read_text(encoding="utf-8")
    assert written.startswith("---\ndate: 2023-05-12\nurl: https://dantri.com.vn/")
    for half in real_news.HALVES:
        result = CliRunner().invoke(ingest_accuracy.main, ["--articles", str(out / half), "--json"])
        assert result.exit_code == 0, result.output
        counts = json.loads(result.stdout)["real"]["counts"]
        assert counts["read"] == counts["files"] == sum(t.half == half for t in truth.values())
        assert counts.get("title_right", 0) == counts.get("with_headline", 0)
    result = CliRunner().invoke(ingest_accuracy.main, ["--seeds"])
    assert result.exit_code == 0 and "title right on 5 of 5" in result.output
