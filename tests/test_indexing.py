"""`vnsearch index` and `vnsearch inspect` on real and broken input."""

import errno
import gc
import json
import os
import shutil
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import query as q
from whoosh.fields import TEXT, Schema
from whoosh.formats import Positions
from whoosh.searching import Searcher

from indexer.cli import cli
from indexer.query.search import search
from indexer.store import build
from indexer.store.build import MIN_PARALLEL_FILES, index_paths, open_index, shipped_corpus
from indexer.store.schema import build_schema
from indexer.store.storage import MappedStorage
from indexer.text.analysis import WordTokenizer

from .conftest import write_articles

GOOD = {"good": "Tiêu đề tin tốt\nNội dung về Hà Nội và Hải Phòng.\n"}


def index(*args: str) -> "CliRunner.Result":
    return CliRunner().invoke(cli, ["index", *args])


def test_bad_files_are_warned_about_and_the_rest_is_indexed(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", GOOD)
    (news / "empty.txt").write_bytes(b"")
    (news / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (news / "feed.jsonl").write_text('{"title": "Tin A", "body": "Nội dung A."}\n{broken\n', encoding="utf-8")
    shutil.copy(news / "good.txt", news / "copy_of_good.txt")
    result = index(str(news), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 4
    assert any("binary.txt: binary file" in w for w in warnings)
    assert any("empty.txt: empty file" in w for w in warnings)
    assert any("feed.jsonl:2: invalid JSON" in w for w in warnings)
    assert any("good.txt: the same article as copy_of_good" in w for w in warnings)
    assert (
        "2 articles indexed (2 added, 0 updated, 0 removed, 0 unchanged, 1 duplicate, 3 skipped)"
        in result.stderr
    )


def test_links_that_leave_the_folder_or_lead_nowhere_are_skipped_with_a_warning(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", GOOD)
    secret = write_articles(
        tmp_path / "outside", {"secret": "Mật khẩu quản trị\nMật khẩu máy chủ là ngựa vằn.\n"}
    )
    (news / "passwd.txt").symlink_to(secret / "secret.txt")
    (news / "outside").symlink_to(secret, target_is_directory=True)
    (news / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (news / "loop.txt").symlink_to(news / "loop.txt")
    (news / "photo.jpg").symlink_to(tmp_path / "gone.jpg")  # not an article file: nothing to say
    ix = ["--index", str(tmp_path / "ix")]
    result = index(str(news), *ix)
    assert result.exit_code == 0, result.output
    warnings = sorted(line for line in result.stderr.splitlines() if line.startswith("warning:"))
    assert len(warnings) == 4, warnings
    assert (
        f"passwd.txt: a link to {secret / 'secret.txt'}, outside {news}; to index it on purpose: "
        f"vnsearch index {secret / 'secret.txt'}" in "\n".join(warnings)
    )
    assert any(f"outside: a link to {secret}, outside" in w for w in warnings)
    assert any("dangling.txt: a link to" in w and "leads nowhere" in w for w in warnings)
    assert any("loop.txt: a link to" in w for w in warnings)
    found = CliRunner().invoke(cli, ["search", "ngựa vằn", "--json", *ix])
    assert json.loads(found.output)["total"] == 0
    assert CliRunner().invoke(cli, ["check", *ix]).exit_code == 0
    (news / "again.txt").symlink_to(news / "good.txt")  # inside the folder: followed
    assert "the same article as" in index(str(news), *ix).stderr
    # Given by name, a file is read wherever it is: that is on purpose.
    assert index(str(secret / "secret.txt"), *ix).exit_code == 0
    assert json.loads(CliRunner().invoke(cli, ["search", "ngựa vằn", "--json", *ix]).output)["total"] == 1


def test_a_hostile_folder_costs_nothing_but_warnings(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", GOOD)
    write_articles(news, {"new\nline": "Tin có tên lạ\nNội dung về Đà Nẵng.\n"})
    (news / os.fsdecode(b"bad\xffname.txt")).write_text("Tin tên hỏng\nNội dung về Huế.\n", encoding="utf-8")
    (news / "empty.txt").write_bytes(b"")
    with (news / "huge.txt").open("wb") as handle:
        handle.truncate(25 * 1024 * 1024)  # 25 MB, over the limit
    (news / "loop").symlink_to(news / "loop")
    ix = ["--index", str(tmp_path / "ix")]
    result = index(str(news), *ix)
    assert result.exit_code == 0 and "Traceback" not in result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 3, warnings
    assert any("its name is not UTF-8 text: rename the file to index it" in w for w in warnings)
    assert any("empty.txt: empty file" in w for w in warnings) and any(
        "huge.txt: too large" in w for w in warnings
    )
    found = CliRunner().invoke(cli, ["search", "nội dung", "--json", *ix])
    assert sorted(hit["id"] for hit in json.loads(found.output)["hits"]) == ["good", "new\nline"]
    assert CliRunner().invoke(cli, ["check", *ix]).exit_code == 0
    again = index(*ix)
    assert "warning" not in again.stderr and "3 skipped before and unchanged" in again.stderr


def test_a_file_that_changes_while_it_is_read_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    news = write_articles(tmp_path / "news", GOOD)
    stamp = build.file_stamp

    def stamp_then_write(path: Path) -> str:  # the file changes between its stamp and its reading
        taken = stamp(path)
        path.write_text("Tiêu đề tin mới\nNội dung về Cần Thơ.\n", encoding="utf-8")
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
        return taken

    monkeypatch.setattr(build, "file_stamp", stamp_then_write)
    assert index(str(news), "--index", str(tmp_path / "ix")).exit_code == 0
    monkeypatch.undo()
    check = CliRunner().invoke(cli, ["check", "--index", str(tmp_path / "ix")])
    assert check.exit_code == 1 and "1 file changed since indexed" in check.output  # the truth
    # Read again: what was indexed is what the file holds now, so it only takes the new stamp.
    assert "1 unchanged" in index("--index", str(tmp_path / "ix")).stderr
    assert CliRunner().invoke(cli, ["check", "--index", str(tmp_path / "ix")]).exit_code == 0
    found = CliRunner().invoke(cli, ["search", "Cần Thơ", "--json", "--index", str(tmp_path / "ix")])
    assert [hit["id"] for hit in json.loads(found.output)["hits"]] == ["good"]


def test_a_bad_file_costs_nothing_already_indexed(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", GOOD)
    assert index(str(news), "--index", str(tmp_path / "ix"), "-q").exit_code == 0
    (news / "good.txt").write_bytes(b"\x00garbage")
    result = index(str(news), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 1 and "good.txt: binary file" in result.stderr
    found = CliRunner().invoke(cli, ["search", "Hải Phòng", "--json", "--index", str(tmp_path / "ix")])
    assert [hit["id"] for hit in json.loads(found.output)["hits"]] == ["good"]


def test_nothing_indexed_is_a_failure(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "empty.txt").write_bytes(b"")
    result = index(str(news), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 1 and "nothing was indexed" in result.stderr


def test_strict_fails_on_any_warning_and_commits_nothing(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", GOOD)
    (news / "empty.txt").write_bytes(b"")
    result = index(str(news), "--index", str(tmp_path / "ix"), "--strict")
    assert result.exit_code == 1 and "--strict: 1 warning, so nothing was committed" in result.stderr
    found = CliRunner().invoke(cli, ["search", "Hải Phòng", "--json", "--index", str(tmp_path / "ix")])
    assert json.loads(found.output)["total"] == 0
    (news / "empty.txt").unlink()
    assert index(str(news), "--index", str(tmp_path / "ix"), "--strict", "-q").exit_code == 0


@pytest.mark.parametrize(
    "words",
    [
        "Văn Điển",
        "mask",
        "0237 3721150",
        "Lượt xem",
        "captcha",
        "Hiền Kiệt",
        "Quang Chiểu",
        "Phóng sự ảnh",
        "Bản tin Pháp luật",
        "hinh anh 1",
        "Ý kiến bạn đọc",
    ],
)
def test_words_only_in_boilerplate_find_nothing(corpus_searcher: Searcher, words: str) -> None:
    assert search(corpus_searcher, f'"{words}"')["total"] == 0


def test_snippets_never_show_boilerplate(corpus_searcher: Searcher) -> None:
    boilerplate = ["Lượt xem", "Trả lời", "captcha", "Từ khóa", "Ảnh: Thanh Lê", "Đường dây nóng", "Tin mới"]
    for query in ["Đảng", "tổ chức", "hội nghị", "Thanh Hóa", "Hải Phòng", "Mai", "xem", "tin", "ảnh"]:
        for hit in search(corpus_searcher, query, per_page=10)["hits"]:
            assert not any(junk in hit["snippet"] for junk in boilerplate), (query, hit["snippet"])


def test_entity_facets(corpus_searcher: Searcher) -> None:
    facets = search(corpus_searcher, "Đảng", per_page=1)["facets"]
    people = {f["value"]: f["count"] for f in facets["people"]}
    assert people["Trương Thị Mai"] == 3
    assert "Hải Phòng" in {f["value"] for f in facets["places"]}
    assert facets["organisations"][0] == {"value": "Ban Tổ chức Trung ương", "count": 5, "selected": False}
    assert {f["value"] for f in facets["month"]} >= {"2023-06", "2023-11"}
    chosen = search(corpus_searcher, "Đảng", filters={"people": ["Lê Tiến Châu"]})
    assert [hit["id"] for hit in chosen["hits"]] == ["004_b09fdb954b2a7c93"]


def test_inspect_shows_the_record_and_what_was_left_out() -> None:
    result = CliRunner().invoke(cli, ["inspect", str(shipped_corpus() / "001_86232ecdeac32804.txt")])
    assert result.exit_code == 0
    assert "Title:         Hội nghị toàn quốc tổng kết Ngành Tổ chức xây dựng Đảng" in result.output
    assert "Title source:  headline line" in result.output
    assert "Date:          2023-12-28T09:47:00+07:00" in result.output
    assert (
        "line    1  above the headline (site header or ad) Công ty Phân lân nung chảy Văn Điển"
        in result.output
    )


def test_inspect_json(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"")
    data = json.loads(
        CliRunner()
        .invoke(cli, ["inspect", "--json", str(shipped_corpus() / "004_b09fdb954b2a7c93.txt")])
        .output
    )
    assert data[0]["author"] == "Hồng Thanh" and data[0]["date"] == "2023-06-23T10:15:00+07:00"
    assert {"line": 3, "text": "10:15 23/06/2023", "reason": "publication date"} in data[0]["dropped"]
    bad = json.loads(CliRunner().invoke(cli, ["inspect", "--json", str(tmp_path / "bad.txt")]).output)
    assert bad == [{"problem": f"{tmp_path / 'bad.txt'}: empty file"}]


def test_worker_processes_index_every_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Jobs go to the workers a window at a time: several windows, the last one short.
    from indexer.store import build

    monkeypatch.setattr(build, "IN_FLIGHT", 7)
    articles = {f"tin{n:02d}": f"Tiêu đề số {n}\nNội dung bài số {n} về Hà Nội.\n" for n in range(20)}
    news = write_articles(tmp_path / "news", articles)
    report = build.index_paths([news], tmp_path / "ix", quiet=True, workers=2)
    assert report.added == 20
    with build.open_index(tmp_path / "ix").searcher() as searcher:
        assert sorted(fields["id"] for fields in searcher.all_stored_fields()) == sorted(articles)


def _positions_in_whoosh_s_postings(schema: Schema) -> None:
    schema["body_syl"].format = Positions()


def _underthesea_s_words_indexed(schema: Schema) -> None:
    schema.add("body_word", TEXT(analyzer=WordTokenizer()))


@pytest.mark.parametrize("earlier", [_positions_in_whoosh_s_postings, _underthesea_s_words_indexed])
def test_an_index_of_an_earlier_format_is_refused_until_rebuilt(
    tmp_path: Path, earlier: Callable[[Schema], None]
) -> None:
    news = write_articles(tmp_path / "news", GOOD)
    old_schema = build_schema()
    earlier(old_schema)
    (tmp_path / "ix").mkdir()
    writer = MappedStorage(str(tmp_path / "ix")).create_index(old_schema).writer()
    writer.add_document(id="old", title="Tin cũ", body_syl="Tin cũ về Hà Nội")
    writer.commit()
    query = CliRunner().invoke(cli, ["search", "Hà Nội", "--index", str(tmp_path / "ix")])
    assert query.exit_code != 0 and "earlier version of vnsearch" in query.stderr
    assert "vnsearch index --rebuild" in query.stderr
    assert index(str(news), "--index", str(tmp_path / "ix")).exit_code != 0
    assert index(str(news), "--rebuild", "--index", str(tmp_path / "ix")).exit_code == 0
    query = CliRunner().invoke(cli, ["search", '"Hà Nội"', "--index", str(tmp_path / "ix"), "--json"])
    assert query.exit_code == 0 and json.loads(query.stdout)["total"] == 1


def test_a_segment_without_its_arrays_file_is_reported_not_searched(tmp_path: Path) -> None:
    (tmp_path / "ix").mkdir()
    writer = MappedStorage(str(tmp_path / "ix")).create_index(build_schema()).writer()  # Whoosh's own writer
    writer.add_document(id="a", title="Tin", body_syl="Tin về Hà Nội")
    writer.commit()
    query = CliRunner().invoke(cli, ["search", "Hà Nội", "--index", str(tmp_path / "ix")])
    assert query.exit_code != 0 and "cannot be read (FileNotFoundError" in query.stderr


def test_records_of_one_file_whose_ids_come_out_the_same_keep_their_own_words(tmp_path: Path) -> None:
    # Workers send each article's analysed fields along with it: two records of a file whose
    # ids are made the same (`tin a`, `tin/a`) must not get each other's.
    docs = tmp_path / "docs"
    docs.mkdir()
    filler = "Hà Nội là thủ đô của nước Việt Nam, với nhiều hồ nước đẹp và di tích lịch sử."
    for number in range(MIN_PARALLEL_FILES):  # enough files for worker processes
        (docs / f"f{number:02}.txt").write_text(
            f"Bài số {number} về thời tiết\n\n{filler}\n", encoding="utf-8"
        )
    records = [
        {"id": "tin a", "title": "Giá vàng tăng", "body": f"Giá vàng hôm nay tăng mạnh. {filler}"},
        {"id": "tin/a", "title": "Bóng đá thắng", "body": f"Đội bóng thắng trận chung kết. {filler}"},
    ]
    (docs / "feed.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8"
    )
    index_paths([docs], tmp_path / "index", quiet=True, workers=2)
    with open_index(tmp_path / "index").searcher() as searcher:
        for word in ("vàng", "bóng"):
            bodies = [hit["body"] for hit in searcher.search(q.Term("body_syl", word), limit=None)]
            assert len(bodies) == 1 and word in bodies[0].lower(), word


def test_a_commit_that_fails_leaves_nothing_open_and_lets_the_lock_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full disk while the commit merges: the run fails with the error, and the new segment's
    # files are closed and the write lock let go (with either Whoosh), so the next run works.
    index_dir = tmp_path / "ix"
    index_paths([write_articles(tmp_path / "a", {"a": "Tin A\nMưa lớn ở Huế.\n"})], index_dir, quiet=True)
    news = write_articles(tmp_path / "b", {"b": "Tin B\nNắng nóng ở Vinh.\n"})

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("indexer.store.build.merge_small", disk_full)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(OSError, match="No space left"):
            index_paths([news], index_dir, quiet=True)
        gc.collect()  # a file left open is reported when it is collected
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    monkeypatch.undo()
    assert index_paths([news], index_dir, quiet=True).added == 1
