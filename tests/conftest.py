"""Shared fixtures: the shipped corpus indexed once per session, and a small index of
hand-written articles whose ranking is known."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from whoosh.searching import Searcher

from indexer.store.build import index_paths, open_index, shipped_corpus
from webui import create_app

# Property tests (test_properties.py): the same examples on every run, so that CI is not
# flaky; the "thorough" profile draws ten times as many, new each time.
settings.register_profile(
    "default",
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("thorough", settings.get_profile("default"), max_examples=1500, derandomize=False)
settings.load_profile("default")

# Hand-written articles. Each pair differs only in what a ranking rule looks at.
FIXTURE_ARTICLES = {
    "marks/exact": """\
        ---
        source: Báo Mẫu
        author: Hồng Thanh
        date: 2023-06-23 10:15
        ---
        Tin hội nghị thứ nhất
        Hội nghị bàn về công tác xây dựng Đảng trong năm tới.
        """,
    "marks/folded": """\
        ---
        source: Báo Mẫu
        author: Minh Anh
        date: 2023-07-01 08:00
        ---
        Tin hội nghị thứ hai
        Hội nghị đang bàn về công tác xây dựng trong năm tới.
        """,
    "words/compound": """\
        ---
        source: Tin Tổng Hợp
        date: 2022-03-05
        ---
        Bản tin buổi sáng
        Ban tổ chức thông báo lịch làm việc của các đoàn khách quốc tế.
        """,
    "words/scattered": """\
        ---
        source: Tin Tổng Hợp
        date: 2021-12-31
        ---
        Bản tin buổi chiều
        Chức năng mới được đưa vào sử dụng, mỗi tổ có lịch làm việc riêng.
        """,
    "unsafe": """\
        Tiêu đề <script>alert("tiêu đề")</script> nguy hiểm
        Nội dung có thẻ <script>alert("nội dung")</script> và <b>chữ đậm</b> giả mạo.
        """,
    "undated": """\
        Bài không có ngày
        Một bài viết về thời tiết hôm nay ở Hà Nội, trời nắng.
        """,
}


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    for name, text in articles.items():
        path = folder / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@contextmanager
def searcher_of(articles: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """A searcher over a new index of these articles (file name -> text)."""
    folder = write_articles(tmp_path_factory.mktemp("news"), articles)
    index_dir = tmp_path_factory.mktemp("ix")
    index_paths([folder], index_dir, quiet=True)
    with open_index(index_dir).searcher() as opened:
        yield opened


@pytest.fixture(scope="session")
def corpus_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("corpus-index")
    index_paths([shipped_corpus()], index_dir, quiet=True)
    return index_dir


@pytest.fixture(scope="session")
def fixture_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    articles = write_articles(tmp_path_factory.mktemp("articles"), FIXTURE_ARTICLES)
    index_dir = tmp_path_factory.mktemp("fixture-index")
    index_paths([articles], index_dir, quiet=True)
    return index_dir


@pytest.fixture
def corpus_searcher(corpus_index_dir: Path) -> Iterator[Searcher]:
    with open_index(corpus_index_dir).searcher() as searcher:
        yield searcher


@pytest.fixture
def fixture_searcher(fixture_index_dir: Path) -> Iterator[Searcher]:
    with open_index(fixture_index_dir).searcher() as searcher:
        yield searcher


@pytest.fixture
def runner(corpus_index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner whose default index is the session's corpus index."""
    monkeypatch.setenv("VNSEARCH_INDEX", str(corpus_index_dir))
    return CliRunner()


@pytest.fixture
def app(corpus_index_dir: Path) -> Flask:
    return create_app({"INDEX_DIR": str(corpus_index_dir), "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def fixture_client(fixture_index_dir: Path) -> FlaskClient:
    return create_app({"INDEX_DIR": str(fixture_index_dir), "TESTING": True}).test_client()
