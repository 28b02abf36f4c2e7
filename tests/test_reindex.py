"""Reindexing new articles: incremental runs, add/remove, rebuild, watch, check, locking,
crash safety and a live server that keeps answering while articles arrive."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import indexer.store.writer
from indexer.cli import cli
from indexer.query.search import search
from indexer.store import build
from indexer.store.build import IndexUnavailable, index_paths, open_index, watch
from indexer.store.manifest import RUN_FILE, SKIPPED_FILE
from indexer.store.stdin import STDIN_FILE

from .conftest import write_articles
from .test_ingest import cp1258


def article(n: int, topic: str = "thời tiết") -> str:
    # `mãsố{n}` is a made-up word only article n has, so each article can be found alone.
    return f"Bản tin số {n} về {topic}\nNội dung bài viết số {n} nói về {topic} với mã riêng mãsố{n}x.\n"


def found_ids(index_dir: Path, query: str) -> list[str]:
    ids: list[str] = []
    with open_index(index_dir).searcher() as searcher:
        for page in range(1, 100):
            result = search(searcher, query, per_page=100, page=page)
            ids += [hit["id"] for hit in result["hits"]]
            if result["page"] * result["per_page"] >= result["total"]:
                return sorted(ids)
    raise AssertionError("too many results")


def test_add_change_delete_then_reindex_shows_exactly_the_files(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1, "Hà Nội"), "b": article(2, "Huế")})
    index_dir = tmp_path / "ix"
    index_paths([news], index_dir, quiet=True)
    assert found_ids(index_dir, "bản tin") == ["a", "b"]
    (news / "a.txt").write_text(article(1, "Đà Nẵng"), encoding="utf-8")
    (news / "b.txt").unlink()
    write_articles(news, {"sub/c": article(3, "Cần Thơ")})
    report = index_paths([news], index_dir, quiet=True)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 0)
    assert found_ids(index_dir, "bản tin") == ["a", "sub/c"]
    assert found_ids(index_dir, "Hà Nội") == [] and found_ids(index_dir, "Đà Nẵng") == ["a"]
    again = index_paths([news], index_dir, quiet=True)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)


def test_an_index_whose_articles_are_all_gone_answers_every_sort(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1), "b": article(2)})
    index_dir = tmp_path / "ix"
    index_paths([news], index_dir, quiet=True)
    for name in ("a", "b"):
        (news / f"{name}.txt").unlink()
    assert index_paths([news], index_dir, quiet=True).removed == 2
    with open_index(index_dir).searcher() as searcher:
        for sort in ("relevance", "newest", "oldest"):
            assert search(searcher, "bản tin", sort=sort)["total"] == 0
            assert search(searcher, "", sort=sort, filters={"year": ["2024"]})["total"] == 0


def test_index_without_paths_updates_the_folders_already_indexed(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1)})
    index_dir = tmp_path / "ix"
    index_paths([news], index_dir, quiet=True)
    write_articles(news, {"b": article(2)})
    assert index_paths([], index_dir, quiet=True).added == 1
    assert found_ids(index_dir, "bản tin") == ["a", "b"]


def test_a_record_gone_from_a_jsonl_file_is_removed(tmp_path: Path) -> None:
    feed = tmp_path / "news" / "feed.jsonl"
    feed.parent.mkdir()
    records = [{"id": f"r{n}", "title": f"Tin {n}", "body": f"Nội dung tin số {n}."} for n in range(3)]
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    index_paths([feed.parent], tmp_path / "ix", quiet=True)
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records[:2]), encoding="utf-8")
    assert index_paths([feed.parent], tmp_path / "ix", quiet=True).removed == 1
    assert found_ids(tmp_path / "ix", "nội dung tin") == ["feed/r0", "feed/r1"]


def test_add_files_and_standard_input_then_remove(tmp_path: Path) -> None:
    index = ["--index", str(tmp_path / "ix")]
    news = write_articles(tmp_path / "news", {"a": article(1), "b": article(2)})
    assert CliRunner().invoke(cli, ["add", str(news / "a.txt"), *index, "-q"]).exit_code == 0
    text = CliRunner().invoke(cli, ["add", "-", "--id", "tu-ban-phim", *index], input=article(7, "Vũng Tàu"))
    assert text.exit_code == 0 and "1 added" in text.stderr
    as_json = json.dumps(
        {"title": "Tin JSON", "body": "Nội dung gửi qua JSON về Phú Quốc."}, ensure_ascii=False
    )
    assert CliRunner().invoke(cli, ["add", "-", *index, "-q"], input=as_json).exit_code == 0
    assert found_ids(tmp_path / "ix", "bản tin") == ["a", "tu-ban-phim"]  # b was not added
    assert len(found_ids(tmp_path / "ix", "Phú Quốc")) == 1
    removed = CliRunner().invoke(cli, ["remove", "a", "nope", *index])
    assert (
        removed.exit_code == 1
        and "Removed 1 article" in removed.stderr
        and "not in the index: nope" in removed.stderr
    )
    assert found_ids(tmp_path / "ix", "bản tin") == ["tu-ban-phim"]
    empty = CliRunner().invoke(cli, ["add", "-", *index], input="   ")
    assert empty.exit_code == 2 and "standard input is empty" in empty.stderr
    missing = CliRunner().invoke(cli, ["add", str(tmp_path / "nope.txt"), *index])
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_articles_from_standard_input_outlive_a_lost_index(tmp_path: Path) -> None:
    # They have no file to read again: their record beside the index follows every add,
    # change and removal, and a rebuild of an index whose segments are gone takes them from it.
    index_dir = tmp_path / "ix"
    news = write_articles(tmp_path / "news", {"a": article(1)})
    index_paths([news], index_dir, quiet=True)
    dated = json.dumps(
        {"title": "Tin JSON", "body": "Nội dung về Phú Quốc.", "date": "2024-03-05", "source": "Báo Mẫu"},
        ensure_ascii=False,
    )
    build.add_text(dated, index_dir, "json")
    build.add_text(article(7, "Vũng Tàu"), index_dir, "first")
    build.add_text(article(8, "Vũng Tàu"), index_dir, "gone")
    build.add_text(article(9, "Cần Thơ"), index_dir, "first")  # replaced
    assert build.remove_articles(["gone"], index_dir) == []
    record = json.loads((index_dir / STDIN_FILE).read_text())
    assert sorted(record) == ["first", "json"] and "Cần Thơ" in record["first"]["title"]
    for file in [*index_dir.glob("*.seg"), *index_dir.glob("_MAIN_*.toc")]:
        file.write_bytes(b"garbage")
    rebuilt = index_paths([], index_dir, quiet=True, rebuild=True)
    assert rebuilt.added == 3
    assert found_ids(index_dir, "mãsố9x") == ["first"] and found_ids(index_dir, "mãsố8x") == []
    with open_index(index_dir).searcher() as searcher:
        (hit,) = search(searcher, "Phú Quốc")["hits"]
    assert (hit["id"], hit["date"][:10], hit["source"]) == ("json", "2024-03-05", "Báo Mẫu")
    # A record lost too is written again from the index by the next commit.
    (index_dir / STDIN_FILE).unlink()
    build.add_text(article(10, "Huế"), index_dir, "second")
    assert sorted(json.loads((index_dir / STDIN_FILE).read_text())) == ["first", "json", "second"]


def test_an_index_of_standard_input_alone_is_brought_up_to_date_and_rebuilt(tmp_path: Path) -> None:
    index = ["--index", str(tmp_path / "ix")]
    pasted = CliRunner().invoke(cli, ["add", "-", "--id", "dan", *index], input=article(1, "Đà Lạt"))
    assert pasted.exit_code == 0, pasted.output
    (tmp_path / "ix" / "vnsearch-checksums.json").write_text("{garbled")
    checked = CliRunner().invoke(cli, ["check", *index])
    assert checked.exit_code == 1 and "up to date: vnsearch index --rebuild" in checked.output
    assert CliRunner().invoke(cli, ["index", "--rebuild", *index, "-q"]).exit_code == 0  # no folders needed
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    (tmp_path / "ix" / STDIN_FILE).unlink()  # as in an index made before the record was kept
    rebuilt = CliRunner().invoke(cli, ["index", "--rebuild", *index])
    assert rebuilt.exit_code == 0 and "1 added" in rebuilt.stderr, rebuilt.output
    assert found_ids(tmp_path / "ix", "mãsố1x") == ["dan"]
    assert sorted(json.loads((tmp_path / "ix" / STDIN_FILE).read_text())) == ["dan"]
    # Lost again, it is written from the index by the next run, and not again by runs that
    # change nothing.
    (tmp_path / "ix" / STDIN_FILE).unlink()
    assert CliRunner().invoke(cli, ["remove", "nope", *index]).exit_code == 1
    written = (tmp_path / "ix" / STDIN_FILE).stat().st_mtime_ns
    assert CliRunner().invoke(cli, ["remove", "nope", *index]).exit_code == 1
    assert (tmp_path / "ix" / STDIN_FILE).stat().st_mtime_ns == written


def test_the_record_changes_only_with_a_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = tmp_path / "ix"
    build.add_text(article(1), index_dir, "dan")
    before = (index_dir / STDIN_FILE).read_text()

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(indexer.store.writer.Writer, "commit", interrupted)
        for change in (
            lambda: build.remove_articles(["dan"], index_dir),
            lambda: build.add_text(article(2), index_dir, "x"),
        ):
            with pytest.raises(KeyboardInterrupt):
                change()
    assert (index_dir / STDIN_FILE).read_text() == before
    assert found_ids(index_dir, "bản tin") == ["dan"]  # and the lock was let go:
    build.add_text(article(3), index_dir, "ba")
    assert sorted(json.loads((index_dir / STDIN_FILE).read_text())) == ["ba", "dan"]


def test_a_rebuild_from_damage_keeps_the_ids_of_pasted_and_file_articles(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build.add_text(article(1), index_dir, "b")
    news = write_articles(tmp_path / "news", {"b": article(2)})
    index_paths([news], index_dir, quiet=True)
    ids = found_ids(index_dir, "bản tin")
    assert "b" in ids and len(ids) == 2
    for file in [*index_dir.glob("*.seg"), *index_dir.glob("_MAIN_*.toc")]:
        file.write_bytes(b"garbage")
    index_paths([], index_dir, quiet=True, rebuild=True)
    assert found_ids(index_dir, "bản tin") == ids and found_ids(index_dir, "mãsố1x") == ["b"]


def test_a_rebuild_takes_the_index_over_a_record_that_lags_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "ix"
    news = write_articles(tmp_path / "news", {"a": article(1)})
    index_paths([news], index_dir, quiet=True)
    build.add_text(article(10), index_dir, "p1")
    build.add_text(article(11), index_dir, "p2")
    with monkeypatch.context() as patched:  # stopped each time between the commit and the record
        patched.setattr(build, "write_records", lambda *args: (_ for _ in ()).throw(OSError(28, "No space")))
        build.add_text(article(12), index_dir, "p3")
        build.remove_articles(["p1"], index_dir)
    index_paths([], index_dir, quiet=True, rebuild=True)
    assert found_ids(index_dir, "bản tin") == ["a", "p2", "p3"]
    assert sorted(json.loads((index_dir / STDIN_FILE).read_text())) == ["p2", "p3"]


def test_a_rebuild_keeps_a_pasted_article_over_a_file_that_copies_it(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    news = write_articles(tmp_path / "news", {"b": article(2)})
    index_paths([news], index_dir, quiet=True)
    build.add_text(article(10), index_dir, "p1")
    write_articles(news, {"copy": article(10)})
    index_paths([news], index_dir, quiet=True)
    index_paths([], index_dir, quiet=True, rebuild=True)
    assert found_ids(index_dir, "bản tin") == ["b", "p1"]


def test_a_damaged_record_is_kept_aside_and_a_hostile_one_never_stops_a_rebuild(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    news = write_articles(tmp_path / "news", {"a": article(1)})
    index_paths([news], index_dir, quiet=True)
    hostile = {
        "\ud800x": {"title": "Tin \ud800 lạ", "body": "Nội dung mãsố7x.", "url": "javascript:alert(1)"},
        "zone": {"title": "Tin giờ", "body": "Nội dung mãsố8x.", "date": "2024-03-05T10:00:00+05:00"},
        "empty": {},
        "odd": {"title": 5, "body": ["x"], "people": [1, "Lê Văn A"]},
    }
    (index_dir / STDIN_FILE).write_text(json.dumps(hostile))
    report = index_paths([], index_dir, quiet=True, rebuild=True)
    assert report.added == 3 and any("empty has no text" in n for n in report.notices), report.notices
    with open_index(index_dir).searcher() as searcher:
        (odd,) = search(searcher, "mãsố7x")["hits"]
        assert (odd["id"], odd["title"], odd["url"]) == ("x", "Tin  lạ", None)
        (zone,) = search(searcher, "mãsố8x")["hits"]
        assert zone["date"].startswith("2024-03-05T12:00")  # Vietnam's time
    # Damaged record and damaged segments: what can be had is rebuilt, the record kept aside.
    (index_dir / STDIN_FILE).write_text("{garbled")
    for file in [*index_dir.glob("*.seg"), *index_dir.glob("_MAIN_*.toc")]:
        file.write_bytes(b"garbage")
    report = index_paths([], index_dir, quiet=True, rebuild=True)
    assert (index_dir / f"{STDIN_FILE}.damaged").read_text() == "{garbled"
    assert any("is damaged: kept as" in notice for notice in report.notices)
    assert found_ids(index_dir, "bản tin") == ["a"]


@pytest.mark.parametrize("encoding", ["utf-16", "cp1258"])
def test_standard_input_is_decoded_as_files_are(tmp_path: Path, encoding: str) -> None:
    index = ["--index", str(tmp_path / "ix")]
    text = "Tin gõ từ bàn phím\nNội dung về Đà Lạt và những đồi thông.\n"
    data = cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    result = CliRunner().invoke(cli, ["add", "-", "--id", "typed", *index], input=data)
    assert result.exit_code == 0, result.output
    assert found_ids(tmp_path / "ix", "Đà Lạt") == ["typed"]


def test_standard_input_that_is_not_text_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["add", "-", "--index", str(tmp_path / "ix")], input=b"\x00\x01\xff binary"
    )
    assert result.exit_code == 2 and result.stderr.strip() == "Error: standard input: binary file, not text"
    latin = CliRunner().invoke(
        cli, ["add", "-", "--index", str(tmp_path / "ix")], input="caf\xe9 \xff".encode("latin-1")
    )
    assert (
        latin.exit_code == 2
        and "standard input: not UTF-8 text" in latin.stderr
        and "Traceback" not in latin.output
    )


def test_two_files_never_share_an_id(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"tin": article(1)})
    (news / "tin.json").write_text(
        json.dumps({"title": "Tin JSON số 2", "body": article(2)}), encoding="utf-8"
    )
    index = ["--index", str(tmp_path / "ix")]
    first = CliRunner().invoke(cli, ["index", str(news), *index])
    assert first.exit_code == 0 and "2 added" in first.stderr
    other = f"tin~{hashlib.sha256(str(news / 'tin.txt').encode()).hexdigest()[:8]}"
    assert f"tin.txt: the id tin is taken, so this article's id is {other}" in first.stderr
    assert found_ids(tmp_path / "ix", "bản tin") == ["tin", other]
    again = CliRunner().invoke(cli, ["index", *index])
    assert "0 added, 0 updated, 0 removed, 2 unchanged" in again.stderr
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    (news / "tin.txt").write_text(article(1, "mưa bão"), encoding="utf-8")  # read again: the same id
    assert "1 updated" in CliRunner().invoke(cli, ["index", *index]).stderr
    assert found_ids(tmp_path / "ix", "mưa bão") == [other]
    assert CliRunner().invoke(cli, ["remove", "tin", *index]).exit_code == 0
    assert found_ids(tmp_path / "ix", "bản tin") == [other]
    # Two new files of one name, given by name from two folders.
    b, c = (write_articles(tmp_path / name, {"tin": article(n)}) for n, name in [(3, "b"), (4, "c")])
    added = CliRunner().invoke(cli, ["add", str(b / "tin.txt"), str(c / "tin.txt"), *index])
    assert added.exit_code == 0 and "2 added" in added.stderr, added.output
    assert len(found_ids(tmp_path / "ix", "bản tin")) == 3


def test_check_comes_back_clean_after_skipped_and_touched_files(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1), "copy": article(1)})
    (news / "binary.txt").write_bytes(b"\x00\x01binary")
    index = ["--index", str(tmp_path / "ix")]
    run = lambda: CliRunner().invoke(cli, ["index", *index])  # noqa: E731 - the folders indexed before
    check = lambda: CliRunner().invoke(cli, ["check", *index])  # noqa: E731
    first = CliRunner().invoke(cli, ["index", str(news), *index])
    assert first.stderr.count("warning:") == 2
    clean = check()
    assert clean.exit_code == 0 and "2 files gave no article when last read" in clean.output
    second = run()  # neither is read again, nor warned about
    assert (
        "warning" not in second.stderr
        and "1 unchanged, 0 duplicates, 0 skipped, 2 skipped before" in second.stderr
    )
    os.utime(news / "a.txt", ns=(time.time_ns(), time.time_ns() + 10**9))  # touched, not changed
    assert check().exit_code == 1
    assert "0 updated" in run().stderr and check().exit_code == 0
    assert "1 unchanged" in run().stderr  # the new stamp was kept: not read again
    (news / "binary.txt").write_text(article(2), encoding="utf-8")  # mended: read again
    assert "1 new file" in check().output and "1 added" in run().stderr
    (news / "a.txt").unlink()  # the copy is an article of its own now
    assert "1 removed" in run().stderr and "1 new file" in check().output
    assert "1 added" in run().stderr and check().exit_code == 0
    assert found_ids(tmp_path / "ix", "bản tin") == ["binary", "copy"]


def test_a_damaged_record_of_skipped_files_only_means_reading_them_again(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1)})
    (news / "binary.txt").write_bytes(b"\x00\x01binary")
    index = ["--index", str(tmp_path / "ix")]
    CliRunner().invoke(cli, ["index", str(news), *index])
    (tmp_path / "ix" / SKIPPED_FILE).write_bytes(b"\x00{garbage")
    assert "1 new file" in CliRunner().invoke(cli, ["check", *index]).output
    again = CliRunner().invoke(cli, ["index", *index])
    assert (
        again.exit_code == 0 and "binary.txt: binary file" in again.stderr and "Traceback" not in again.output
    )
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0


# What a review found, each failing before its fix.
def test_a_copy_is_read_again_when_its_original_changes(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1), "b": article(1)})
    index = ["--index", str(tmp_path / "ix")]
    CliRunner().invoke(cli, ["index", str(news), *index])
    write_articles(news, {"a": article(2)})
    CliRunner().invoke(cli, ["index", *index])
    assert "1 new file, not indexed" in CliRunner().invoke(cli, ["check", *index]).output  # b: its own now
    CliRunner().invoke(cli, ["index", *index])
    assert found_ids(tmp_path / "ix", "bản tin") == ["a", "b"]


def test_a_skipped_file_is_read_again_after_chmod(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1)})
    (news / "b.txt").write_bytes(b"\x00binary")
    index = ["--index", str(tmp_path / "ix")]
    CliRunner().invoke(cli, ["index", str(news), *index])
    os.chmod(news / "b.txt", 0o600)  # what makes an unreadable file readable: only its change time moves
    assert "b.txt: binary file" in CliRunner().invoke(cli, ["index", *index]).stderr


PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2  # <linux/prctl.h>, <linux/capability.h>


def _modes_apply_to_root() -> None:
    """Before a command runs as root: drop the capabilities that let root read any file, so
    that file modes apply to it as to everyone else."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def vnsearch_with_modes(index_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a `vnsearch` command on `index_dir` as a user that file modes apply to."""
    return subprocess.run(
        [sys.executable, "-m", "indexer", *arguments, "--index", str(index_dir)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
        preexec_fn=_modes_apply_to_root if os.geteuid() == 0 else None,
    )


def test_unreadable_files_are_remembered_and_unreadable_folders_reported(tmp_path: Path) -> None:
    # Real modes, in commands run as they would be by a user they apply to (root reads any
    # file: a test run as root runs them without that power).
    news = write_articles(tmp_path / "news", {"a": article(1), "secret": article(2)})
    write_articles(news / "closed", {"c": article(3)})
    index_dir = tmp_path / "ix"

    def vnsearch(*arguments: str) -> subprocess.CompletedProcess[str]:
        return vnsearch_with_modes(index_dir, *arguments)

    (news / "secret.txt").chmod(0)
    (news / "closed").chmod(0)
    try:
        first = vnsearch("index", str(news), "-q")
        assert first.returncode == 0, first.stderr
        assert "secret.txt: cannot read it (Permission denied)" in first.stderr
        assert "closed: cannot read the folder (Permission denied)" in first.stderr
        assert "Traceback" not in first.stderr
        checked = vnsearch("check")
        assert checked.returncode == 0, checked.stdout + checked.stderr  # remembered, not new every time
        assert "gave no article when last read" in checked.stdout
        assert json.loads(vnsearch("search", "bản tin", "--json").stdout)["total"] == 1
        (news / "secret.txt").chmod(0o644)
        (news / "closed").chmod(0o755)
        assert vnsearch("check").returncode == 1
        assert vnsearch("index", "-q").returncode == 0
        assert json.loads(vnsearch("search", "bản tin", "--json").stdout)["total"] == 3
    finally:
        (news / "secret.txt").chmod(0o644)
        (news / "closed").chmod(0o755)


@pytest.mark.parametrize("mode", [0, 0o444, 0o311])  # nothing, names without the files, the reverse
def test_a_folder_that_turns_unreadable_keeps_its_articles(tmp_path: Path, mode: int) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1)})
    write_articles(news / "sub", {"c": article(3)})
    index_dir = tmp_path / "ix"

    def vnsearch(*arguments: str) -> subprocess.CompletedProcess[str]:
        return vnsearch_with_modes(index_dir, *arguments)

    assert vnsearch("index", str(news), "-q").returncode == 0
    (news / "sub").chmod(mode)
    try:
        again = vnsearch("index")
        assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
        assert " 0 removed" in again.stderr and "cannot read" in again.stderr
        checked = vnsearch("check")
        assert checked.returncode == 1 and "cannot be read now (its article is kept)" in checked.stdout
        assert json.loads(vnsearch("search", "bản tin", "--json").stdout)["total"] == 2
    finally:
        (news / "sub").chmod(0o755)
    assert vnsearch("check").returncode == 0


def test_an_indexed_folder_inside_one_that_turns_unreadable_is_not_gone(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "top" / "news", {"a": article(1)})
    index_dir = tmp_path / "ix"
    assert vnsearch_with_modes(index_dir, "index", str(news), "-q").returncode == 0
    (tmp_path / "top").chmod(0)
    try:
        again = vnsearch_with_modes(index_dir, "index")
        assert "Traceback" not in again.stderr and "cannot read" in again.stderr, again.stderr
        checked = vnsearch_with_modes(index_dir, "check")
        assert checked.returncode == 1 and "cannot be read now" in checked.stdout
        assert "gone" not in checked.stdout, checked.stdout
    finally:
        (tmp_path / "top").chmod(0o755)
    assert found_ids(index_dir, "bản tin") == ["a"]
    assert vnsearch_with_modes(index_dir, "check").returncode == 0


def test_a_file_that_turns_unreadable_keeps_its_article_and_check_says_so(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1)})
    index = ["--index", str(tmp_path / "ix")]
    CliRunner().invoke(cli, ["index", str(news), *index])
    (news / "a.txt").write_bytes(b"")
    CliRunner().invoke(cli, ["index", *index])
    for _ in range(2):  # not forgotten as skipped: still changed, on every check
        assert "1 file changed since indexed" in CliRunner().invoke(cli, ["check", *index]).output
    assert found_ids(tmp_path / "ix", "bản tin") == ["a"]  # nothing indexed is lost


def test_a_folder_that_gave_nothing_yet_is_not_forgotten(tmp_path: Path) -> None:
    news, other = tmp_path / "news", tmp_path / "other"
    news.mkdir(), other.mkdir()
    write_articles(news, {"a": article(1)})
    index = ["--index", str(tmp_path / "ix")]
    CliRunner().invoke(cli, ["index", str(news), str(other), *index])
    write_articles(other, {"b": article(2)})
    assert "1 new file, not indexed" in CliRunner().invoke(cli, ["check", *index]).output
    CliRunner().invoke(cli, ["index", *index])
    assert found_ids(tmp_path / "ix", "bản tin") == ["a", "b"]


def test_a_run_stopped_on_purpose_is_not_carried_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1)})
    wrong = write_articles(tmp_path / "wrong", {"w": article(9)})
    index = ["--index", str(tmp_path / "ix")]
    CliRunner().invoke(cli, ["index", str(news), *index])

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "_read_all", interrupted)
    CliRunner().invoke(cli, ["index", str(wrong), *index])  # Ctrl-C
    monkeypatch.undo()
    assert not (tmp_path / "ix" / RUN_FILE).exists()
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    assert found_ids(tmp_path / "ix", "bản tin") == ["a"]


def test_rebuild_keeps_every_files_id(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"tin": article(1)})
    index = ["--index", str(tmp_path / "ix")]
    CliRunner().invoke(cli, ["index", str(news), *index])
    (news / "tin.json").write_text(
        json.dumps({"title": "Tin JSON số 2", "body": article(2)}), encoding="utf-8"
    )
    CliRunner().invoke(cli, ["index", *index])
    before = found_ids(tmp_path / "ix", "mãsố1x")
    CliRunner().invoke(cli, ["index", "--rebuild", *index])  # tin.json comes first in order
    assert found_ids(tmp_path / "ix", "mãsố1x") == before == ["tin"]


def test_an_id_made_unique_takes_no_other_files_id(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"tin": article(1)})
    taken = f"tin~{hashlib.sha256(str(news / 'tin.json').encode()).hexdigest()[:8]}"
    write_articles(news, {taken: article(3)})
    index = ["--index", str(tmp_path / "ix")]
    CliRunner().invoke(cli, ["index", str(news), *index])
    (news / "tin.json").write_text(
        json.dumps({"title": "Tin JSON số 2", "body": article(2)}), encoding="utf-8"
    )
    assert "1 added" in CliRunner().invoke(cli, ["index", *index]).stderr
    assert len(found_ids(tmp_path / "ix", "bản tin")) == 3


def test_records_of_one_file_never_share_an_id(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    records = [
        {"id": key, "title": f"Tin {n}", "body": article(n)} for n, key in enumerate(["a", "a", "a b", "a-b"])
    ]
    (news / "x.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    index = ["--index", str(tmp_path / "ix")]
    assert "4 added" in CliRunner().invoke(cli, ["index", str(news), *index]).stderr
    ids = found_ids(tmp_path / "ix", "bản tin")
    assert len(ids) == len(set(ids)) == 4
    assert "0 added, 0 updated, 0 removed, 4 unchanged" in CliRunner().invoke(cli, ["index", *index]).stderr
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0


def test_rebuild_replaces_the_index_while_readers_keep_the_old_one(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1), "b": article(2)})
    index_dir = tmp_path / "ix"
    index_paths([news], index_dir, quiet=True)
    CliRunner().invoke(cli, ["add", "-", "--id", "typed", "--index", str(index_dir), "-q"], input=article(9))
    old_reader = open_index(index_dir).searcher()
    (news / "b.txt").unlink()
    report = index_paths([news], index_dir, quiet=True, rebuild=True, remove_missing=True)
    assert report.added == 2  # a, and the article typed on standard input, kept
    assert sorted(hit["id"] for hit in search(old_reader, "bản tin", per_page=10)["hits"]) == [
        "a",
        "b",
        "typed",
    ]
    old_reader.close()
    assert found_ids(index_dir, "bản tin") == ["a", "typed"]


def test_watch_indexes_what_appears_and_skips_unreadable_files(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1)})
    (news / "bad.txt").write_bytes(b"\x00\x01")
    runs: list[build.BuildReport] = []
    watch([news], tmp_path / "ix", interval=0.01, on_run=runs.append, rounds=2)
    assert len(runs) == 1 and runs[0].added == 1 and len(runs[0].problems) == 1  # bad.txt not retried
    write_articles(news, {"b": article(2)})
    watch([news], tmp_path / "ix", interval=0.01, on_run=runs.append, rounds=1)
    assert runs[-1].added == 1 and found_ids(tmp_path / "ix", "bản tin") == ["a", "b"]


def test_watch_command_until_interrupted(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1)})
    index_dir = tmp_path / "ix"
    process = subprocess.Popen(
        [
            sys.executable,
            "-X",
            "faulthandler",
            "-m",
            "indexer",
            "watch",
            str(news),
            "--interval",
            "0.2",
            "--index",
            str(index_dir),
        ],
        stderr=subprocess.PIPE,
        text=True,
        # A test run started in the background (`... &`) ignores Ctrl-C, and so would the
        # process it starts, which would never stop: it gets the default handling back.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        _wait_for(lambda: build.index_exists(index_dir) and found_ids(index_dir, "bản tin") == ["a"])
        write_articles(news, {"b": article(2)})
        _wait_for(lambda: found_ids(index_dir, "bản tin") == ["a", "b"])
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            # SIGABRT makes faulthandler print where the process is stuck, and the process is
            # gone before the next test.
            process.send_signal(signal.SIGABRT)
            _, stderr = process.communicate(timeout=30)
            pytest.fail(f"vnsearch watch did not stop within 30 s of Ctrl-C:\n{stderr}")
    assert process.returncode == 0 and "Stopped; everything indexed so far is committed." in stderr


def test_one_writer_at_a_time_and_readers_never_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1)})
    index_dir = tmp_path / "ix"
    index_paths([news], index_dir, quiet=True)
    monkeypatch.setattr(build, "WRITE_LOCK_TIMEOUT", 0.5)
    holder = open_index(index_dir).writer()
    try:
        started = time.monotonic()
        with pytest.raises(IndexUnavailable, match="another process is writing the index"):
            index_paths([news], index_dir, quiet=True)
        assert time.monotonic() - started >= 0.5  # it waited before giving up
        assert found_ids(index_dir, "bản tin") == ["a"]  # reading is not blocked
        result = CliRunner().invoke(cli, ["index", str(news), "--index", str(index_dir)])
        assert result.exit_code == 2 and "another process is writing" in result.stderr
    finally:
        holder.cancel()


def test_check_says_what_to_do(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {"a": article(1), "b": article(2)})
    index = ["--index", str(tmp_path / "ix")]
    CliRunner().invoke(cli, ["index", str(news), *index, "-q"])
    clean = CliRunner().invoke(cli, ["check", *index])
    assert clean.exit_code == 0 and "Everything is up to date." in clean.output
    (news / "b.txt").unlink()
    write_articles(news, {"c": article(3)})
    time.sleep(0.01)
    (news / "a.txt").write_text(article(1, "mưa"), encoding="utf-8")
    stale = CliRunner().invoke(cli, ["check", *index])
    assert stale.exit_code == 1
    assert "1 new file, not indexed" in stale.output and "1 file changed since indexed" in stale.output
    assert "1 indexed file gone" in stale.output and "vnsearch index" in stale.output
    CliRunner().invoke(cli, ["index", *index, "-q"])
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    missing = CliRunner().invoke(cli, ["check", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "no index at" in missing.stderr


KILLER = """
import sys
from pathlib import Path
from indexer.store.build import index_paths
index_paths([Path(sys.argv[1])], Path(sys.argv[2]), quiet=True, batch_size=int(sys.argv[3]))
"""


def test_kill_9_while_indexing_leaves_a_searchable_index_and_the_next_run_completes_it(
    tmp_path: Path,
) -> None:
    count, batch = 300, 15
    news = write_articles(tmp_path / "news", {f"{n:03d}": article(n) for n in range(count)})
    index_dir = tmp_path / "ix"
    # Kill points: once the index holds at least this many articles (random, growing), the
    # indexing process is killed in the middle of its next batch.
    targets = sorted(random.Random(20261124).sample(range(batch, count - 6 * batch), 3))
    committed = []
    for target in targets:
        process = subprocess.Popen([sys.executable, "-c", KILLER, str(news), str(index_dir), str(batch)])
        _wait_for(lambda: _doc_count(index_dir) >= target, poll=0.02)
        process.kill()  # SIGKILL: no cleanup, no commit
        process.wait(timeout=30)
        with open_index(index_dir).searcher() as searcher:
            total = search(searcher, "bản tin", per_page=1)["total"]
            assert total == searcher.doc_count() and total % batch == 0 and target <= total < count
        committed.append(total)
    assert committed == sorted(committed)  # each run kept what the one before it committed
    report = index_paths([news], index_dir, quiet=True)
    assert report.unchanged == committed[-1] and report.added == count - committed[-1]
    assert found_ids(index_dir, "bản tin") == [f"{n:03d}" for n in range(count)]
    assert found_ids(index_dir, f"mãsố{count - 1}x") == [f"{count - 1:03d}"]


def test_kill_9_before_the_first_commit_is_carried_on_by_the_next_run(tmp_path: Path) -> None:
    count = 100
    news = write_articles(tmp_path / "news", {f"{n:03d}": article(n) for n in range(count)})
    index_dir = tmp_path / "ix"
    process = subprocess.Popen([sys.executable, "-c", KILLER, str(news), str(index_dir), "1000"])
    _wait_for(lambda: (index_dir / RUN_FILE).exists(), poll=0.005)  # the run has begun
    process.kill()
    process.wait(timeout=30)
    assert _doc_count(index_dir) == 0  # killed before its first commit
    index = ["--index", str(index_dir)]
    stale = CliRunner().invoke(cli, ["check", *index])
    assert stale.exit_code == 1 and f"{count} new files, not indexed" in stale.output
    carried_on = CliRunner().invoke(cli, ["index", *index])  # no paths: the folder of the run killed
    assert f"{count} added" in carried_on.stderr
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    assert not (index_dir / RUN_FILE).exists()


# The same run, killed by SIGKILL at one named point of its work (the nth call of a function).
INJECTED = """
import os, signal, sys
from pathlib import Path
from indexer.store import build, language_model

news, index_dir, batch, owner, name, nth, when = sys.argv[1:]
target = language_model.Counts if owner == "Counts" else build
original = getattr(target, name)
calls = 0


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def wrapper(*args, **kwargs):
    global calls
    calls += 1
    if calls == int(nth) and when == "before":
        die()
    if name == "merge_small" and when == "during":  # after the second segment is merged in
        merged = []
        kwargs["merged"] = lambda articles: merged.append(articles) if len(merged) < 1 else die()
    result = original(*args, **kwargs)
    if calls == int(nth) and when == "after":
        die()
    return result


setattr(target, name, wrapper)
build.index_paths([Path(news)], Path(index_dir), quiet=True, batch_size=int(batch))
"""
KILL_POINTS = {
    "before the first commit": ("build", "_read_all", 1, "before"),
    "between a batch's segment and its counts": ("Counts", "save", 1, "before"),
    "after a batch's counts, before its folders": ("build", "record_folders", 2, "before"),
    "during the final merge": ("build", "merge_small", 1, "during"),
    "after the final merge's segment is written": ("build", "merge_small", 1, "after"),
    "before the skipped files are recorded": ("build", "write_skipped", 1, "before"),
    "before the run's record is dropped": ("build", "record_unfinished", 2, "before"),
}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_kill_9_at_each_point_of_a_run_is_carried_on_truthfully(tmp_path: Path, point: str) -> None:
    count = 120
    news = write_articles(tmp_path / "news", {f"{n:03d}": article(n) for n in range(count)})
    (news / "broken.txt").write_bytes(b"\x00binary")  # a file to remember as skipped
    index_dir = tmp_path / "ix"
    killed = subprocess.run(
        [sys.executable, "-c", INJECTED, str(news), str(index_dir), "15", *map(str, KILL_POINTS[point])]
    )
    assert killed.returncode == -signal.SIGKILL
    held = _doc_count(index_dir)
    if held:  # what was committed is searchable
        assert found_ids(index_dir, "bản tin") == [f"{n:03d}" for n in range(count)][:held]
    index = ["--index", str(index_dir)]
    check = CliRunner().invoke(cli, ["check", *index])
    if held < count:  # the truth: each article not committed is a new file, and so is the
        # broken one unless its skipping was recorded
        new = re.search(r"(\d+) new files?, not indexed", check.output)
        assert check.exit_code == 1 and new and int(new.group(1)) in (count - held, count - held + 1), (
            check.output
        )
    finished = CliRunner().invoke(cli, ["index", *index])  # no paths: carries on with the folder
    assert finished.exit_code == 0, finished.output
    assert found_ids(index_dir, "bản tin") == [f"{n:03d}" for n in range(count)]  # each exactly once
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    assert found_ids(index_dir, f"mãsố{count - 1}x") == [f"{count - 1:03d}"]


def test_kill_9_takes_the_workers_with_it_silently(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", {f"{n:04d}": article(n) for n in range(1500)})  # still at work
    index_dir = tmp_path / "ix"
    with (tmp_path / "stderr").open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", KILLER, str(news), str(index_dir), "15"], stderr=stderr
        )
        _wait_for(lambda: _doc_count(index_dir) >= 15, poll=0.02)  # the workers are at work
        workers = _children(process.pid)
        assert workers
        process.kill()
        process.wait(timeout=30)
        _wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), timeout=10, poll=0.05)
    assert "Traceback" not in (tmp_path / "stderr").read_text()


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the parent's pid, after the state
            children.append(int(stat.parent.name))
    return children


def _doc_count(index_dir: Path) -> int:
    if not build.index_exists(index_dir):
        return 0
    with open_index(index_dir).searcher() as searcher:
        return searcher.doc_count()


def test_a_live_server_answers_while_articles_arrive(tmp_path: Path, corpus_index_dir: Path) -> None:
    news = write_articles(tmp_path / "news", {"seed": article(0)})
    index_dir = tmp_path / "ix"
    index_paths([news], index_dir, quiet=True)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "indexer", "serve", "--port", str(port), "--index", str(index_dir), "-q"],
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    errors: list[str] = []
    try:
        _wait_for(lambda: _get(base + "/api/search?q=b%E1%BA%A3n+tin") is not None)
        queries = ["bản tin", "ban tin", "thời tiết", '"bản tin số"', "nội dung", "mã riêng"]

        def client(number: int) -> None:
            for i in range(100):
                query = urllib.parse.quote(queries[(number + i) % len(queries)])
                status = _status(f"{base}/api/search?q={query}&per_page=5")
                if status != 200:
                    errors.append(f"client {number}: status {status}")

        clients = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for thread in clients:
            thread.start()
        for batch in range(8):  # 200 new articles, committed 25 at a time while clients query
            write_articles(
                news, {f"new{n:03d}": article(n) for n in range(1 + batch * 25, 1 + (batch + 1) * 25)}
            )
            index_paths([news], index_dir, quiet=True)
        for thread in clients:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in clients)
        assert errors == []
        for n in (1, 57, 133, 200):  # every new article is findable through the running server
            data = _get(f"{base}/api/search?q={urllib.parse.quote(f'mãsố{n}x')}")
            assert data is not None and [hit["id"] for hit in data["hits"]] == [f"new{n:03d}"]
        assert _get(f"{base}/api/search?q=b%E1%BA%A3n+tin")["total"] == 201
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(condition, timeout: float = 60.0, poll: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (IndexUnavailable, OSError):
            pass
        time.sleep(poll)
    raise AssertionError("timed out")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return -1  # no answer at all


def _get(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())
    except OSError:
        return None


@pytest.mark.parametrize("article_id", ["x\udcff", "a\nb", "  "])
def test_an_id_no_index_can_hold_is_one_line(tmp_path: Path, article_id: str) -> None:
    result = CliRunner().invoke(
        cli, ["add", "-", "--id", article_id, "--index", str(tmp_path / "ix")], input=article(1)
    )
    assert result.exit_code == 2 and "is not an id: use printable text" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_run_that_waited_for_another_writer_sees_what_it_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two runs over the same new files at once: the second waits for the first's write lock,
    # and must read the manifest after it, or it adds every article a second time.
    news = write_articles(
        tmp_path / "news", {f"n{n:02}": f"Tin số {n}\nHà Nội mưa lớn ở {n} phố.\n" for n in range(20)}
    )
    index_paths([build.shipped_corpus()], tmp_path / "ix", quiet=True)
    walk = build.find_files
    first_holds_the_lock = threading.Event()

    def slow_walk(*args: object) -> object:  # the first run walks its folders holding the lock
        first_holds_the_lock.set()
        time.sleep(1.5)
        return walk(*args)

    monkeypatch.setattr(build, "find_files", slow_walk)
    reports: list[object] = []
    first = threading.Thread(
        target=lambda: reports.append(index_paths([news], tmp_path / "ix", quiet=True, workers=1))
    )
    first.start()
    assert first_holds_the_lock.wait(10)
    second = index_paths([news], tmp_path / "ix", quiet=True, workers=1)  # waits for the lock
    first.join()
    assert (reports[0].added, second.added, second.unchanged) == (20, 0, 20)  # type: ignore[attr-defined]
    with open_index(tmp_path / "ix").searcher() as searcher:
        ids = [fields["id"] for fields in searcher.all_stored_fields()]
    assert len(ids) == len(set(ids)) == 20
