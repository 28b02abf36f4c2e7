"""The `vnsearch` command, driven with click's CliRunner (and once as a real process)."""

import gc
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.query.search import search
from indexer.store.build import open_index, shipped_corpus
from webui import create_app

from .conftest import write_articles
from .test_search import MALFORMED


def test_search_prints_titles_dates_ids_and_snippets(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["search", "thanh", "uy", "hai", "phong"])
    assert result.exit_code == 0, result.output
    assert "1 result for 'thanh uy hai phong'" in result.output
    assert "Hội nghị giao ban công tác tổ chức xây dựng Đảng" in result.output
    assert "2023-06-23 10:15 · Hồng Thanh · 004_b09fdb954b2a7c93" in result.output
    assert "Thành uỷ Hải Phòng" in result.output
    assert "<mark>" not in result.output and "\x1b[" not in result.output  # not a terminal


def test_matches_are_bold_on_a_terminal(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["search", "Hải Phòng"], color=True)
    assert "\x1b[1mHải Phòng\x1b[0m" in result.output


def test_json_is_exactly_the_result_dict(runner: CliRunner, corpus_index_dir: Path) -> None:
    result = runner.invoke(cli, ["search", "tổ chức", "--json", "-n", "3", "--sort", "newest"])
    assert result.exit_code == 0
    with open_index(corpus_index_dir).searcher() as searcher:
        assert json.loads(result.output) == search(searcher, "tổ chức", per_page=3, sort="newest")


def test_filters_and_pages(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["search", "Đảng", "--json", "-f", "year=2023", "-n", "2", "-p", "2"])
    data = json.loads(result.output)
    assert data["page"] == 2 and len(data["hits"]) == 2
    assert all(hit["date"].startswith("2023") for hit in data["hits"])


@pytest.mark.parametrize("query", MALFORMED, ids=lambda q: repr(q[:20]))
def test_malformed_queries_never_give_a_traceback(runner: CliRunner, query: str) -> None:
    result = runner.invoke(cli, ["search", "--", query])  # `--`: a query may start with "-"
    assert result.exit_code in (0, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        [
            "search",
            "(((",
        ],
        ["search", "date:2023-13"],
        ["search", "Mai", "-f", "year"],
        ["search", "Mai", "-f", "colour=red"],
        ["search", "Mai", "--limit", "0"],
    ],
)
def test_errors_are_one_line_and_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_first_search_builds_the_index_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNSEARCH_INDEX", str(tmp_path / "fresh"))
    result = CliRunner().invoke(cli, ["search", "Mai"])
    assert result.exit_code == 0
    assert "building it from the shipped corpus" in result.stderr
    assert "5 articles indexed" in result.stderr
    again = CliRunner().invoke(cli, ["search", "Mai"])
    assert "building" not in again.stderr


@pytest.mark.parametrize("command", [["search", "Mai"], ["stats"], ["serve", "--port", "65000"]])
def test_a_missing_index_given_with_index_is_an_error_not_a_demo(tmp_path: Path, command: list[str]) -> None:
    mistyped = tmp_path / "idnex"
    result = CliRunner().invoke(cli, [*command, "--index", str(mistyped)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: no index at {mistyped}; build one with: vnsearch index PATH --index {mistyped}\n"
    )
    assert not mistyped.exists()


def test_the_first_index_of_ones_own_folder_replaces_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VNSEARCH_INDEX", str(tmp_path / "fresh"))
    assert CliRunner().invoke(cli, ["search", "Mai"]).exit_code == 0  # the demo, built on first use
    news = write_articles(tmp_path / "news", {"tin": "Tin riêng của tôi\nNội dung về Đà Lạt mùa hoa.\n"})
    result = CliRunner().invoke(cli, ["index", str(news)])
    assert result.exit_code == 0
    assert "The index held only the shipped demo articles" in result.stderr
    assert "1 article indexed (1 added, 0 updated, 5 removed" in result.stderr
    assert json.loads(CliRunner().invoke(cli, ["search", "Hải Phòng", "--json"]).output)["total"] == 0
    more = write_articles(tmp_path / "more", {"khac": "Tin khác của tôi\nNội dung về Huế mộng mơ.\n"})
    again = CliRunner().invoke(cli, ["index", str(more)])  # the user's own articles stay
    assert "demo" not in again.stderr and "0 removed" in again.stderr


@pytest.mark.parametrize("damage", ["garbled", "truncated"])
def test_a_damaged_language_model_is_said_once_searched_without_and_rebuilt(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = tmp_path / "ix"
    index = ["--index", str(index_dir)]
    assert CliRunner().invoke(cli, ["index", str(shipped_corpus()), *index, "-q"]).exit_code == 0
    counts = index_dir / "vnsearch-language.sqlite"
    data = counts.read_bytes()
    counts.write_bytes(
        data[:100] + b"\xff" * 4000 + data[4100:] if damage == "garbled" else data[: len(data) // 2]
    )
    found = CliRunner().invoke(cli, ["search", "thanh", "uy", "hai", "phong", *index])
    assert found.exit_code == 0 and "1 result for" in found.output
    # On stderr through logging (pytest takes the records here): once, however often it is met.
    assert CliRunner().invoke(cli, ["search", "thanh", "uy", *index]).exit_code == 0
    said = [record.getMessage() for record in caplog.records if "is damaged" in record.getMessage()]
    assert len(said) == 1 and "vnsearch index --rebuild" in said[0]
    alone = subprocess.run(
        [sys.executable, "-m", "indexer", "search", "thanh uy", *index], capture_output=True, text=True
    )
    assert alone.returncode == 0 and alone.stderr.count("is damaged") == 1 and "Traceback" not in alone.stderr
    for command in (["check"], ["index"], ["remove", "x"]):
        blocked = CliRunner().invoke(cli, [*command, *index])
        assert blocked.exit_code == 2 and "Traceback" not in blocked.output
        assert blocked.stderr == (
            f"Error: the language model {counts} is damaged ({blocked.stderr.split('(')[1].split(')')[0]}); "
            f"run `vnsearch index --rebuild --index {index_dir}` to build it again\n"
        )
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    assert client.get("/api/search?q=thanh+uy+hai+phong").get_json()["total"] == 1
    assert client.get("/api/suggest?q=thanh+u").status_code == 200
    assert CliRunner().invoke(cli, ["index", "--rebuild", *index, "-q"]).exit_code == 0
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    restored = CliRunner().invoke(cli, ["search", "thanh", "uy", "hai", "phong", *index])
    assert "Did you mean: thành ủy hải phòng" in restored.output


def test_a_copy_of_a_demo_article_in_ones_folder_is_kept_and_add_leaves_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VNSEARCH_INDEX", str(tmp_path / "fresh"))
    CliRunner().invoke(cli, ["search", "Mai"])  # the demo
    extra = write_articles(tmp_path / "extra", {"x": "Tin thêm\nNội dung về Huế.\n"})
    added = CliRunner().invoke(cli, ["add", str(extra / "x.txt")])  # changes nothing else
    assert "(1 added, 0 updated, 0 removed" in added.stderr and "shipped demo" not in added.stderr
    monkeypatch.setenv("VNSEARCH_INDEX", str(tmp_path / "second"))
    CliRunner().invoke(cli, ["search", "Mai"])  # the demo again, alone
    news = tmp_path / "news"
    news.mkdir()
    demo = next(shipped_corpus().glob("*.txt"))
    shutil.copy(demo, news / demo.name)
    result = CliRunner().invoke(cli, ["index", str(news)])
    assert (
        "shipped demo" in result.stderr
        and "(1 added, 0 updated, 5 removed, 0 unchanged, 0 duplicates" in result.stderr
    )
    assert CliRunner().invoke(cli, ["check"]).exit_code == 0


@pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)  # as below
def test_an_index_without_its_table_of_contents_is_not_written_over(tmp_path: Path) -> None:
    news = write_articles(
        tmp_path / "news", {"a": "Tin một\nNội dung về Huế.\n", "b": "Tin hai\nNội dung về Vinh.\n"}
    )
    extra = write_articles(tmp_path / "extra", {"x": "Tin thêm\nNội dung về Huế.\n"})
    index = ["--index", str(tmp_path / "ix")]
    CliRunner().invoke(cli, ["index", str(news), *index])
    for toc in (tmp_path / "ix").glob("_MAIN_*.toc"):
        toc.unlink()
    refused = CliRunner().invoke(cli, ["add", str(extra / "x.txt"), *index])
    assert (
        refused.exit_code == 2
        and "lost its table of contents" in refused.stderr
        and "--rebuild" in refused.stderr
    )
    assert CliRunner().invoke(cli, ["index", "--rebuild", *index]).exit_code == 0
    found = CliRunner().invoke(cli, ["search", "nội dung", "--json", *index])
    assert sorted(hit["id"] for hit in json.loads(found.output)["hits"]) == ["a", "b"]


# Whoosh leaves the damaged table-of-contents file open when it fails to read it (TOC.read in
# whoosh/index.py has no try/finally); the ResourceWarning is Whoosh's, not ours.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_corrupt_index_is_one_clear_error(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    assert CliRunner().invoke(cli, ["index", "--index", str(index_dir), "-q"]).exit_code == 0
    for segment_file in index_dir.glob("*.seg"):
        segment_file.write_bytes(b"garbage")
    for toc in index_dir.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    result = CliRunner().invoke(cli, ["search", "Mai", "--index", str(index_dir)])
    assert result.exit_code == 2
    assert "cannot be read" in result.stderr and "vnsearch index" in result.stderr
    gc.collect()  # the leaked file is reported now, under this test's warning filter


@pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)  # as above
@pytest.mark.parametrize("pattern", ["_MAIN_*.toc", "*.seg"])
@pytest.mark.parametrize("damage", ["truncated", "garbled"])
def test_a_damaged_index_is_rebuilt_from_its_folders(tmp_path: Path, pattern: str, damage: str) -> None:
    index_dir = tmp_path / "ix"
    index = ["--index", str(index_dir)]
    news = write_articles(
        tmp_path / "news",
        {"a": "Tin thứ nhất\nNội dung về Hà Nội.\n", "b": "Tin thứ hai\nNội dung về Huế.\n"},
    )
    other = write_articles(tmp_path / "other", {"c": "Tin thứ ba\nNội dung về Cần Thơ.\n"})
    for folder in (news, other):
        assert CliRunner().invoke(cli, ["index", str(folder), *index, "-q"]).exit_code == 0
    for file in index_dir.glob(pattern):
        data = file.read_bytes()
        file.write_bytes(data[: len(data) // 3] if damage == "truncated" else data[:8] + bytes(len(data) - 8))
    result = CliRunner().invoke(cli, ["search", "Huế", *index])
    assert result.exit_code == 2 and "cannot be read" in result.stderr
    assert (
        f"run `vnsearch index --rebuild --index {index_dir}` to build it again from its folders"
        in result.stderr
    )
    assert CliRunner().invoke(cli, ["index", *index]).exit_code == 2  # not built over without being asked
    rebuilt = CliRunner().invoke(cli, ["index", "--rebuild", *index])
    assert rebuilt.exit_code == 0 and "3 added" in rebuilt.stderr, rebuilt.output
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    found = CliRunner().invoke(cli, ["search", "nội dung", "--json", *index])
    assert sorted(hit["id"] for hit in json.loads(found.output)["hits"]) == ["a", "b", "c"]
    gc.collect()


INDEX_FILES = [
    "_MAIN_*.toc",
    "*.seg",
    "vnsearch-language.sqlite",
    "vnsearch-folders.json",
    "vnsearch-skipped.json",
    "MAIN_WRITELOCK",
    "vnsearch-checksums.json",
    "vnsearch-stdin.json",
]


@pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)  # as above
@pytest.mark.parametrize("pattern", INDEX_FILES)
@pytest.mark.parametrize("damage", ["truncated", "garbled"])
def test_damage_to_any_file_of_an_index_is_one_line_then_rebuilt(
    tmp_path: Path, pattern: str, damage: str
) -> None:
    index_dir = tmp_path / "ix"
    index = ["--index", str(index_dir)]
    news = write_articles(
        tmp_path / "news",
        {"a": "Tin thứ nhất\nNội dung về Hà Nội.\n", "b": "Tin thứ hai\nNội dung về Huế.\n"},
    )
    (news / "broken.txt").write_bytes(b"\x00binary")
    assert CliRunner().invoke(cli, ["index", str(news), *index, "-q"]).exit_code == 0
    # An article from standard input has no file to read again: it is rebuilt from its record,
    # or, with the record damaged, from the index.
    pasted = CliRunner().invoke(
        cli, ["add", "-", "--id", "dan", *index], input="Tin dán vào\nNội dung về Đà Lạt.\n"
    )
    assert pasted.exit_code == 0, pasted.output
    files = list(index_dir.glob(pattern))
    assert files, pattern
    for file in files:
        data = file.read_bytes()
        file.write_bytes(data[: len(data) // 3] if damage == "truncated" else bytes(b ^ 0x5A for b in data))
    for command in (["search", "Huế"], ["stats"], ["check"], ["add", "-"], ["remove", "zzz"], ["index"]):
        result = CliRunner().invoke(cli, [*command, *index], input="Tin gõ tay\nNội dung về Vinh.\n")
        assert result.exception is None or isinstance(result.exception, SystemExit), (command, result.output)
        assert result.exit_code in (0, 1, 2), (command, result.output)
        if result.exit_code == 2:  # blocked: one line that names the way out
            assert result.stderr.count("\n") == 1 and "--rebuild" in result.stderr, (command, result.stderr)
        if command == ["check"] and pattern in INDEX_FILES[:3]:  # the index's own data: named, not ignored
            assert result.exit_code == 2 and (
                "cannot be read" in result.stderr or "is damaged" in result.stderr
            )
    rebuilt = CliRunner().invoke(cli, ["index", "--rebuild", *index])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    found = CliRunner().invoke(cli, ["search", "nội dung", "--json", *index])
    assert {"a", "b", "dan"} <= {hit["id"] for hit in json.loads(found.output)["hits"]}
    gc.collect()


@pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)  # as above
def test_damage_inside_a_segment_is_found_by_check_and_blocks_writers(tmp_path: Path) -> None:
    # Bytes changed in the middle of a segment, where opening the index does not look:
    # searches may go on (and miss articles), but `check` compares each file with the size
    # and CRC-32 it had when committed.
    index_dir = tmp_path / "ix"
    index = ["--index", str(index_dir)]
    news = write_articles(
        tmp_path / "news",
        {"a": "Tin thứ nhất\nNội dung về Hà Nội.\n", "b": "Tin thứ hai\nNội dung về Huế.\n"},
    )
    assert CliRunner().invoke(cli, ["index", str(news), *index, "-q"]).exit_code == 0
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    (segment,) = index_dir.glob("*.seg")
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0xFF
    segment.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["check", *index])
    assert result.exit_code == 2 and f"{segment.name} is not as it was written" in result.stderr
    assert result.stderr.count("\n") == 1 and "vnsearch index --rebuild" in result.stderr
    # Writers refuse too, before a merge reads the damaged segment and fails halfway.
    for command in (["add", "-", "--id", "c"], ["remove", "a"], ["index", str(news)]):
        refused = CliRunner().invoke(cli, [*command, *index], input="Tin thứ ba\nNội dung về Vinh.\n")
        assert refused.exit_code == 2 and f"{segment.name} is not as it was written" in refused.stderr, (
            command
        )
        assert refused.stderr.count("\n") == 1 and "vnsearch index --rebuild" in refused.stderr
    assert list(index_dir.glob("*.seg")) == [segment]
    assert CliRunner().invoke(cli, ["index", "--rebuild", *index, "-q"]).exit_code == 0
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    gc.collect()


@pytest.mark.parametrize(
    "refusal", [PermissionError(13, "Permission denied"), OSError(24, "Too many open files")]
)
def test_an_index_the_system_will_not_let_us_read_is_not_called_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refusal: OSError
) -> None:
    index = ["--index", str(tmp_path / "ix")]
    news = write_articles(tmp_path / "news", {"a": "Tin một\nNội dung về Huế.\n"})
    CliRunner().invoke(cli, ["index", str(news), *index, "-q"])

    def refused(*args: object, **kwargs: object) -> None:
        raise refusal

    monkeypatch.setattr("indexer.store.storage.MappedStorage.open_index", refused)
    result = CliRunner().invoke(cli, ["search", "Huế", *index])
    assert (
        result.exit_code == 2
        and "cannot read the index" in result.stderr
        and "--rebuild" not in result.stderr
    )
    assert CliRunner().invoke(cli, ["index", "--rebuild", *index]).exit_code == 2  # not built over


def test_an_index_that_knows_no_folders_is_not_filled_with_the_demo(tmp_path: Path) -> None:
    index = ["--index", str(tmp_path / "ix")]
    typed = CliRunner().invoke(
        cli, ["add", "-", "--id", "typed", *index], input="Tin gõ tay\nNội dung về Huế.\n"
    )
    assert typed.exit_code == 0
    result = CliRunner().invoke(cli, ["index", *index])
    assert (
        result.exit_code == 2
        and "no folders are known" in result.stderr
        and "vnsearch index PATH..." in result.stderr
    )


def test_index_adds_then_skips_unchanged_then_updates(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "news", {"a": "Tiêu đề A\nNội dung về Hà Nội.\n"})
    index = ["--index", str(tmp_path / "index")]
    first = CliRunner().invoke(cli, ["index", str(articles), *index])
    assert (
        first.exit_code == 0
        and "(1 added, 0 updated, 0 removed, 0 unchanged, 0 duplicates, 0 skipped)" in first.stderr
    )
    second = CliRunner().invoke(cli, ["index", str(articles), *index])
    assert "(0 added, 0 updated, 0 removed, 1 unchanged, 0 duplicates, 0 skipped)" in second.stderr
    (articles / "a.txt").write_text("Tiêu đề A\nNội dung về Hải Phòng.\n", encoding="utf-8")
    third = CliRunner().invoke(cli, ["index", str(articles), *index])
    assert "(0 added, 1 updated, 0 removed, 0 unchanged, 0 duplicates, 0 skipped)" in third.stderr
    found = CliRunner().invoke(cli, ["search", "hai phong", "--json", *index])
    assert [hit["id"] for hit in json.loads(found.output)["hits"]] == ["a"]
    assert json.loads(CliRunner().invoke(cli, ["search", "Hà Nội", "--json", *index]).output)["total"] == 0


def test_index_skips_a_bad_file_and_keeps_the_rest(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "news", {"good": "Tiêu đề\nNội dung.\n", "empty": ""})
    (articles / "latin1.txt").write_bytes("Lê Văn".encode("cp1258"))
    result = CliRunner().invoke(cli, ["index", str(articles), "--index", str(tmp_path / "ix"), "-q"])
    assert result.exit_code == 0
    assert "skipped" in result.stderr and "empty.txt: empty file" in result.stderr
    assert "latin1.txt: not UTF-8 text" in result.stderr


def test_index_of_nothing_fails(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "news", {"empty": "   \n"})
    result = CliRunner().invoke(cli, ["index", str(articles), "--index", str(tmp_path / "ix"), "-q"])
    assert result.exit_code == 1 and "nothing was indexed" in result.stderr


def test_index_of_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["index", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_stats(runner: CliRunner) -> None:
    text = runner.invoke(cli, ["stats"])
    assert text.exit_code == 0 and "Articles:    5" in text.output
    data = json.loads(runner.invoke(cli, ["stats", "--json"]).output)
    assert data["articles"] == 5 and data["terms"] > 1000 and data["size_bytes"] > 0
    assert data["last_update"]


def test_python_dash_m_indexer_runs_the_cli(corpus_index_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "indexer", "search", "thanh uy", "--json", "--index", str(corpus_index_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] >= 1


def test_serve_on_a_busy_port_is_one_clear_error(runner: CliRunner) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--port", str(port), "-q"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}")


def test_a_rebuild_does_not_drop_a_folder_that_is_not_there(tmp_path: Path) -> None:
    # An unmounted drive: rebuilt without it, its articles would be gone from the index.
    index = ["--index", str(tmp_path / "ix")]
    news = write_articles(tmp_path / "news", {"a": "Tin thứ nhất\nNội dung về Hà Nội.\n"})
    drive = write_articles(tmp_path / "drive", {"b": "Tin thứ hai\nNội dung về Huế.\n"})
    for folder in (news, drive):
        assert CliRunner().invoke(cli, ["index", str(folder), *index, "-q"]).exit_code == 0
    empty = write_articles(tmp_path / "empty", {"nothing": ""})  # recorded, but gave no article
    assert (
        CliRunner().invoke(cli, ["index", str(empty), *index, "-q"]).exit_code == 1
    )  # a warning: no article
    shutil.rmtree(empty)  # nothing of it to lose: no refusal for it
    drive.rename(tmp_path / "unmounted")
    for mount_point in (False, True):  # gone, then an empty folder where it was mounted
        if mount_point:
            drive.mkdir()
        refused = CliRunner().invoke(cli, ["index", "--rebuild", *index, "-q"])
        assert refused.exit_code == 2 and f"the indexed folder or file {drive} is not there" in refused.stderr
        found = CliRunner().invoke(cli, ["search", "nội dung", "--json", *index])
        assert sorted(hit["id"] for hit in json.loads(found.output)["hits"]) == ["a", "b"]
    drive.rmdir()
    assert (
        CliRunner().invoke(cli, ["index", "--rebuild", str(news), *index, "-q"]).exit_code == 0
    )  # named: as asked
    (tmp_path / "unmounted").rename(drive)
    assert CliRunner().invoke(cli, ["index", "--rebuild", *index, "-q"]).exit_code == 0


@pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)  # as above
def test_a_refused_rebuild_of_a_damaged_index_leaves_it_as_it_was(tmp_path: Path) -> None:
    # The refusal comes before the damaged index is replaced; and a new index in the same
    # folder forgets the old checksums (its first table of contents may take an old name).
    index_dir = tmp_path / "ix"
    index = ["--index", str(index_dir)]
    news = write_articles(tmp_path / "news", {"a": "Tin thứ nhất\nNội dung về Hà Nội.\n"})
    drive = write_articles(tmp_path / "drive", {"b": "Tin thứ hai\nNội dung về Huế.\n"})
    assert CliRunner().invoke(cli, ["index", str(news), str(drive), *index, "-q"]).exit_code == 0
    (toc,) = index_dir.glob("_MAIN_*.toc")
    toc.write_bytes(toc.read_bytes()[:10])
    drive.rename(tmp_path / "unmounted")
    refused = CliRunner().invoke(cli, ["index", "--rebuild", *index, "-q"])
    assert refused.exit_code == 2 and "is not there" in refused.stderr
    assert "cannot be read" in CliRunner().invoke(cli, ["search", "nội dung", *index]).stderr  # not emptied
    (tmp_path / "unmounted").rename(drive)
    (news / "empty.txt").write_text("")  # a warning: --strict cancels the rebuild after it began
    assert CliRunner().invoke(cli, ["index", "--rebuild", "--strict", *index, "-q"]).exit_code != 0
    (news / "empty.txt").unlink()
    assert CliRunner().invoke(cli, ["index", *index, "-q"]).exit_code == 0
    checked = CliRunner().invoke(cli, ["check", *index])
    assert checked.exit_code == 0, checked.output  # no old checksum for a name used again
    assert CliRunner().invoke(cli, ["index", "--rebuild", *index, "-q"]).exit_code == 0
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    found = CliRunner().invoke(cli, ["search", "nội dung", "--json", *index])
    assert sorted(hit["id"] for hit in json.loads(found.output)["hits"]) == ["a", "b"]
    gc.collect()


def test_a_lost_checksum_record_is_work_to_do_until_the_next_commit(tmp_path: Path) -> None:
    # Without the record, damage inside a segment cannot be found: `check` says so (not "up to
    # date"), and the next run records every committed file again.
    index_dir = tmp_path / "ix"
    index = ["--index", str(index_dir)]
    news = write_articles(tmp_path / "news", {"a": "Tin thứ nhất\nNội dung về Hà Nội.\n"})
    assert CliRunner().invoke(cli, ["index", str(news), *index, "-q"]).exit_code == 0
    (index_dir / "vnsearch-checksums.json").write_text("{garbled")
    checked = CliRunner().invoke(cli, ["check", *index])
    assert checked.exit_code == 1 and "with no checksum recorded" in checked.output, checked.output
    assert "vnsearch index" in checked.output
    assert CliRunner().invoke(cli, ["index", *index, "-q"]).exit_code == 0
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    (segment,) = index_dir.glob("*.seg")
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0xFF
    segment.write_bytes(bytes(data))
    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 2
