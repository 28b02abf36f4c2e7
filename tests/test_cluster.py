"""Indexing on a Dask cluster: a real `dask scheduler` and `dask worker` processes on 127.0.0.1.

An index built through the cluster must hold exactly what a local build of the same files
holds: the same articles, terms, postings, language-model counts and search results; and so
must one whose run lost a worker midway."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import indexer.store.cluster
from indexer.cli import cli
from indexer.query.search import search
from indexer.store.build import IndexUnavailable, index_paths, open_index, shipped_corpus
from indexer.store.cluster import Cluster
from indexer.store.language_model import FILENAME as COUNTS_FILE
from indexer.store.postings import has_arrays, keeps_positions, term_postings
from tests.conftest import write_articles

REPO = Path(__file__).resolve().parent.parent
DASK = Path(sys.executable).with_name("dask")  # the command the `distributed` package installs
START_SECONDS = 60
SEGMENT = 7  # articles per segment in these tests: many segments, merged at the end
QUERIES = ["thanh uy hai phong", "Hà Nội", '"giao thông"', "mưa lớn -bão", "tin thêm số 7", "Đảng"]


@contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A scheduler and `workers` worker processes (no nanny: a killed worker stays dead),
    started as a user would start them; their logs in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, *arguments: str) -> subprocess.Popen[bytes]:
        with (folder / f"{name}.log").open("wb") as log:  # the process writes to its own copy
            process = subprocess.Popen([str(DASK), *arguments], stdout=log, stderr=log, cwd=REPO)
        processes.append(process)
        return process

    try:
        start(
            "scheduler",
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(scheduler_file),
        )
        address = _wait_for(
            lambda: scheduler_file.exists() and json.loads(scheduler_file.read_text())["address"]
        )
        pool = [
            start(
                f"worker-{n}",
                "worker",
                address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--name",
                f"w{n}",
                "--local-directory",
                str(folder / f"w{n}"),
            )
            for n in range(workers)
        ]
        _wait_for(lambda: len(_workers(address)) == workers)
        yield address, pool
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(ready: Any) -> Any:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            if value := ready():
                return value
        except (OSError, ValueError, KeyError):
            pass  # the file is being written
        time.sleep(0.2)
    raise AssertionError("the Dask cluster did not start")


def _workers(address: str) -> dict[str, Any]:
    from distributed import Client

    with Client(address, timeout=10, set_as_default=False) as client:
        return client.scheduler_info()["workers"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dask_cluster(tmp_path_factory.mktemp("dask")) as (address, _):
        yield address


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """The shipped articles, forty short ones, two files with one stem (their ids must
    differ), a copy of an article (skipped as a duplicate) and a file that gives none."""
    folder = tmp_path / "news"
    folder.mkdir()
    for path in shipped_corpus().glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    write_articles(
        folder,
        {
            f"extra/{n:02}": f"Tin thêm số {n}\nHà Nội mưa lớn, giao thông ùn tắc ở {n} tuyến phố. "
            + ("Bão số 3 đổ bộ vào miền Trung.\n" if n % 3 else "Trời nắng ở Đà Nẵng.\n")
            for n in range(40)
        },
    )
    (folder / "extra" / "07.json").write_text(
        json.dumps({"title": "Tin cùng tên", "body": "Một bài khác mang cùng tên tệp, ở Hải Phòng."}),
        encoding="utf-8",
    )
    (folder / "extra" / "copy.txt").write_bytes((folder / "extra" / "05.txt").read_bytes())
    (folder / "empty.txt").write_text("\n", encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexer.store.cluster, "SEGMENT_ARTICLES", SEGMENT)


def contents(index_dir: Path) -> dict[str, Any]:
    """What an index holds, whatever the order of its documents: each live article's stored
    fields, each term's postings by article id (with positions), the language model's counts,
    and the results of QUERIES."""
    with open_index(index_dir).searcher() as searcher:
        reader = searcher.reader()
        stored = {docnum: fields for docnum, fields in reader.iter_docs()}
        ids = {docnum: fields["id"] for docnum, fields in stored.items()}
        terms: dict[tuple[str, bytes], list[Any]] = {}
        for leaf, offset in searcher.leaf_searchers():
            leaf_reader = leaf.reader()
            for field, btext in leaf_reader.all_terms():
                terms.setdefault((field, btext), []).extend(_postings(leaf_reader, field, btext, offset, ids))
        results = {
            query: [
                (hit["id"], round(hit["score"], 6)) for hit in search(searcher, query, per_page=100)["hits"]
            ]
            for query in QUERIES
        }
    with closing(sqlite3.connect(index_dir / COUNTS_FILE)) as db:  # by text: ids are the order counts came in
        counts = {
            query: sorted(db.execute(query).fetchall())
            for query in (
                "SELECT syllable, folded, count FROM syllables",
                "SELECT first, second, count FROM pairs",
                "SELECT * FROM abbreviations",
            )
        }
    return {
        "articles": sorted(stored.values(), key=lambda fields: fields["id"]),
        "terms": {term: sorted(postings) for term, postings in terms.items() if postings},
        "counts": counts,
        "results": {query: sorted(hits) for query, hits in results.items()},
    }


def _postings(reader: Any, field: str, btext: bytes, offset: int, ids: dict[int, str]) -> list[Any]:
    """A term's live postings in one segment: (article id, weight[, positions])."""
    if not has_arrays(reader.schema[field]):
        matcher, found = reader.postings(field, btext), []
        while matcher.is_active():
            found.append((ids[matcher.id() + offset], matcher.weight()))
            matcher.next()
        return found
    found = term_postings(reader, field, btext)
    ends = np.cumsum(found.weights.astype(np.int64)).tolist()
    postings = []
    for docnum, weight, end in zip(found.ids.tolist(), found.weights.tolist(), ends):
        if docnum + offset in ids:  # live
            where = (
                tuple(found.positions[end - int(weight) : end].tolist())
                if keeps_positions(reader.schema[field])
                else ()
            )
            postings.append((ids[docnum + offset], weight, where))
    return postings


def test_an_index_built_on_the_cluster_holds_what_a_local_build_holds(
    cluster: str, news: Path, tmp_path: Path
) -> None:
    local = index_paths([news], tmp_path / "local", quiet=True, batch_size=SEGMENT)
    remote = index_paths([news], tmp_path / "remote", quiet=True, scheduler=cluster)
    assert (remote.added, remote.duplicates, len(remote.problems)) == (
        local.added,
        local.duplicates,
        len(local.problems),
    )
    assert remote.added == 46 and len(remote.duplicates) == 1 and len(remote.problems) == 1
    assert contents(tmp_path / "remote") == contents(tmp_path / "local")
    with open_index(tmp_path / "remote").searcher() as searcher:
        assert len(list(searcher.leaf_searchers())) == 1  # the workers' segments, merged
    assert not list((tmp_path / "remote").glob("*.tmp"))  # the workers' temporary files are gone


def test_an_update_and_a_rebuild_on_the_cluster_hold_what_local_ones_hold(
    cluster: str, news: Path, tmp_path: Path
) -> None:
    for where in ("local", "remote"):
        index_paths([news], tmp_path / where, quiet=True, batch_size=SEGMENT)  # built locally, both
    (news / "extra" / "03.txt").write_text("Tin đã sửa\nHải Phòng khánh thành cầu mới.\n", encoding="utf-8")
    (news / "extra" / "04.txt").unlink()
    write_articles(news, {"later/new": "Tin mới\nĐà Nẵng đón khách du lịch."})
    changes = {
        where: index_paths(
            [news],
            tmp_path / where,
            quiet=True,
            batch_size=SEGMENT,
            scheduler=cluster if where == "remote" else None,
        )
        for where in ("local", "remote")
    }
    assert [(c.added, c.updated, c.removed, c.unchanged) for c in changes.values()] == [(1, 1, 1, 44)] * 2
    assert contents(tmp_path / "remote") == contents(tmp_path / "local")
    index_paths([news], tmp_path / "local", quiet=True, rebuild=True)
    index_paths([news], tmp_path / "remote", quiet=True, rebuild=True, scheduler=cluster)
    # A local rebuild writes one segment; the cluster's segments are merged, and a merged
    # segment's total field lengths are sums of Whoosh's one-byte lengths (as after any merge,
    # a local first build's included): the averages BM25 divides by differ by under 1% here,
    # on 47 short articles (less on more).
    assert_same(tmp_path / "remote", tmp_path / "local", scores_within=1e-2)


def assert_same(index: Path, reference: Path, scores_within: float | None = 0.0) -> None:
    """The two indexes hold the same articles, terms, postings and counts, and give the same
    results; their scores equal, within a relative `scores_within`, or not compared (None)."""
    ours, theirs = contents(index), contents(reference)
    our_results, their_results = ours.pop("results"), theirs.pop("results")
    assert ours == theirs
    for query, hits in their_results.items():
        assert [article for article, _ in our_results[query]] == [article for article, _ in hits], query
        if scores_within is not None:
            assert [score for _, score in our_results[query]] == pytest.approx(
                [score for _, score in hits], rel=scores_within, abs=1e-6
            ), query


def test_a_worker_killed_mid_run_still_gives_a_complete_index(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_paths([news], tmp_path / "local", quiet=True, batch_size=SEGMENT)
    with dask_cluster(tmp_path / "dask") as (address, workers):
        write_batch = Cluster._write_batch

        def kill_a_worker_after_the_first_segment(self: Cluster) -> None:
            write_batch(self)
            if workers[0].poll() is None:
                os.kill(
                    workers[0].pid, signal.SIGKILL
                )  # with what it prepared and any segment it was writing
                workers[0].wait()

        monkeypatch.setattr(Cluster, "_write_batch", kill_a_worker_after_the_first_segment)
        report = index_paths([news], tmp_path / "remote", quiet=True, scheduler=address)
        assert workers[0].returncode == -signal.SIGKILL
    assert report.added == 46
    assert contents(tmp_path / "remote") == contents(tmp_path / "local")
    # Files of the lost worker's half-written segment, if any, went with the commit.
    ix = open_index(tmp_path / "remote")
    listed = {segment.segment_id() for segment in ix._segments()}
    files = {
        path.name.split(".")[0]
        for path in (tmp_path / "remote").glob("MAIN_*")
        if path.name != "MAIN_WRITELOCK"
    }
    assert files == listed


def test_the_cli_indexes_on_the_cluster_named_by_option_or_environment(
    cluster: str, news: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["index", str(news), "--index", str(tmp_path / "a"), "--scheduler", cluster, "-q"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, ["index", str(news), "--index", str(tmp_path / "b"), "-q"], env={"VNSEARCH_SCHEDULER": cluster}
    )
    assert result.exit_code == 0, result.output
    assert contents(tmp_path / "a") == contents(tmp_path / "b")
    result = runner.invoke(cli, ["search", "thanh uy hai phong", "--index", str(tmp_path / "b"), "--json"])
    assert json.loads(result.output)["total"] >= 1


def test_an_unreachable_scheduler_is_a_clear_error_and_the_index_is_untouched(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer.store.cluster, "CONNECT_SECONDS", 1)
    index_paths([shipped_corpus()], tmp_path / "ix", quiet=True)
    before = contents(tmp_path / "ix")
    result = CliRunner().invoke(
        cli, ["index", str(news), "--index", str(tmp_path / "ix"), "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2  # as every failure of the index command
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output
    assert contents(tmp_path / "ix") == before


def test_without_dask_installed_the_message_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    with pytest.raises(IndexUnavailable, match=r"pip install 'vnsearch\[cluster\]'"):
        index_paths([shipped_corpus()], tmp_path / "ix", quiet=True, scheduler="tcp://127.0.0.1:8786")


def test_workers_that_do_not_see_the_index_folder_are_refused_before_any_work(
    cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /proc/self/cwd is this process's folder here and each worker's own there: the same
    # path, another folder, as an index folder that is not on shared storage.
    monkeypatch.chdir(tmp_path)
    index_paths([shipped_corpus()], tmp_path / "ix", quiet=True)
    before = contents(tmp_path / "ix")
    result = CliRunner().invoke(
        cli, ["index", str(shipped_corpus()), "--index", "/proc/self/cwd/ix", "--scheduler", cluster]
    )
    assert result.exit_code == 2
    assert "does not see the index folder /proc/self/cwd/ix" in result.output
    assert "shares" in result.output and "Traceback" not in result.output
    assert contents(tmp_path / "ix") == before
    assert not list((tmp_path / "ix").glob(".vnsearch-probe-*"))


def test_articles_only_touched_are_not_counted_again(cluster: str, news: Path, tmp_path: Path) -> None:
    for where in ("local", "remote"):
        index_paths([news], tmp_path / where, quiet=True, batch_size=SEGMENT)
    for path in news.rglob("*.txt"):  # as a copy or a checkout does: same text, new times
        os.utime(path, (time.time() + 10, time.time() + 10))
    for where in ("local", "remote"):
        report = index_paths(
            [news], tmp_path / where, quiet=True, scheduler=cluster if where == "remote" else None
        )
        assert (report.added, report.updated, report.unchanged) == (0, 0, 46)
    # The counts included. Not the scores: the local run leaves its old segment with one live
    # article and its statistics (deleted articles count in Whoosh's until merged), the
    # cluster's small segments are merged with it.
    assert_same(tmp_path / "remote", tmp_path / "local", scores_within=None)


def test_a_strict_run_that_fails_leaves_no_segment_behind(cluster: str, news: Path, tmp_path: Path) -> None:
    index_paths([shipped_corpus()], tmp_path / "ix", quiet=True)
    before = sorted((tmp_path / "ix").glob("*.seg"))
    result = CliRunner().invoke(
        cli, ["index", str(news), "--index", str(tmp_path / "ix"), "--scheduler", cluster, "--strict", "-q"]
    )
    assert result.exit_code != 0 and "nothing was committed" in result.output
    assert sorted((tmp_path / "ix").glob("*.seg")) == before  # the workers' segments deleted
    assert CliRunner().invoke(cli, ["check", "--index", str(tmp_path / "ix")]).exit_code == 0


@pytest.mark.parametrize("address", ["foo", "tcp://", "http://x:1", "tcp://127.0.0.1:99999", "inproc://x"])
def test_what_is_not_a_scheduler_address_is_refused_at_once(address: str, tmp_path: Path) -> None:
    began = time.monotonic()
    result = CliRunner().invoke(
        cli, ["index", str(shipped_corpus()), "--index", str(tmp_path / "ix"), "--scheduler", address]
    )
    assert result.exit_code == 2
    assert "is not a Dask scheduler's address: tcp://HOST:PORT" in result.output
    assert time.monotonic() - began < 5 and not (tmp_path / "ix").exists()


def test_a_worker_names_the_folders_it_does_not_see(tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.write_text(version("vnsearch"), encoding="utf-8")
    assert indexer.store.cluster._worker_facts(str(probe), [str(tmp_path), str(tmp_path / "gone")]) == (
        version("vnsearch"),
        True,
        str(tmp_path / "gone"),
    )


def test_a_refused_run_leaves_no_index_where_there_was_none(
    cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # /proc/self/cwd: this folder here, each worker's own there
    result = CliRunner().invoke(
        cli, ["index", str(shipped_corpus()), "--index", "/proc/self/cwd/new", "--scheduler", cluster]
    )
    assert result.exit_code == 2 and "does not see" in result.output
    assert not (tmp_path / "new").exists()
