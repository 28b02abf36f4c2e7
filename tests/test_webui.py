"""Every route of the web interface, through Flask's test client."""

import gc
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from flask.testing import FlaskClient

from indexer.store.build import IndexUnavailable, index_paths, shipped_corpus
from webui import create_app

from .conftest import write_articles

HAI_PHONG = "004_b09fdb954b2a7c93"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_home_has_a_search_box_examples_and_statistics(client: FlaskClient) -> None:
    page = text_of(client.get("/"))
    assert 'name="q"' in page and "thanh uy hai phong" in page
    assert "5 bài viết" in page
    assert 'rel="search"' in page and "/opensearch.xml" in page


def test_results_page(client: FlaskClient) -> None:
    response = client.get("/search?q=thanh+uy+hai+phong")
    page = text_of(response)
    assert response.status_code == 200
    assert "<strong>1</strong> kết quả" in page and " ms)" in page
    assert f'href="/article/{HAI_PHONG}?q=thanh+uy+hai+phong"' in page
    assert "<mark>Thành uỷ Hải Phòng</mark>" in page
    assert "23/06/2023 10:15" in page


def test_empty_search_page_asks_for_words(client: FlaskClient) -> None:
    assert "Nhập từ khóa" in text_of(client.get("/search?q="))


def test_facets_toggle_and_show_as_removable_chips(client: FlaskClient) -> None:
    page = text_of(client.get("/search?q=Đảng"))
    toggle = re.search(r'href="([^"]*people=L%C3%AA\+Ti%E1%BA%BFn\+Ch%C3%A2u[^"]*)"', page)
    assert toggle, "a link that selects the person"
    url = toggle.group(1).replace("&amp;", "&")
    selected = text_of(client.get(url))
    assert "<strong>1</strong> kết quả" in selected
    assert "Nhân vật: Lê Tiến Châu" in selected  # the chip
    chip = re.search(r'<a class="chip" href="([^"]*)"', selected).group(1).replace("&amp;", "&")
    assert parse_qs(urlparse(chip).query) == {"q": ["Đảng"]}
    # Another value of the same facet is added with OR: both stay selected in its link.
    other = re.search(r'href="([^"]*people=L%C3%AA\+Ti%E1%BA%BFn\+Ch%C3%A2u[^"]*people=[^"]*)"', selected)
    assert other is not None


def test_facets_alone_browse_their_articles(client: FlaskClient) -> None:
    page = text_of(client.get("/search?year=2023&month=2023-06"))
    assert "<strong>1</strong> kết quả" in page and HAI_PHONG in page


def test_sort_and_date_range(client: FlaskClient) -> None:
    page = text_of(client.get("/search?q=Đảng&sort=oldest&from=2023-06&to=2023-12"))
    ids = re.findall(r'href="/article/([^"?]+)\?', page)
    assert ids == [HAI_PHONG, "000_900c3636f8b06404", "001_86232ecdeac32804"]
    assert "Thời gian: 2023-06 – 2023-12" in page


def test_pagination(client: FlaskClient) -> None:
    first = text_of(client.get("/search?q=Đảng&per_page=2"))
    assert 'rel="next"' in first and 'aria-current="page">1<' in first
    last = text_of(client.get("/search?q=Đảng&per_page=2&page=99"))
    assert 'aria-current="page">3<' in last  # past the end: the last page


def test_relaxed_search_is_explained(client: FlaskClient) -> None:
    assert "chứa một số từ" in text_of(client.get("/search?q=Covid+H%E1%BA%A3i+Ph%C3%B2ng"))


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=(((",
        "/search?q=title:",
        "/search?q=Mai&page=abc",
        "/search?q=Mai&page=0",
        "/search?q=Mai&per_page=1000",
        "/search?q=Mai&sort=random",
        "/search?q=Mai&from=june",
        "/search?q=" + "x" * 5000,
        "/search?q=Mai&from=2024&to=2023",
        "/search?q=-Mai",
        "/search?q=%21%21%21",
    ],
)
def test_bad_queries_are_400_pages_with_a_message(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert 'class="error" role="alert"' in text_of(response)
    api = client.get(url.replace("/search", "/api/search"))
    assert api.status_code == 400 and set(api.get_json()) == {"error"}
    # One language in the web interface: Vietnamese (the command line says it in English).
    message = api.get_json()["error"]
    assert re.search(r"[^\x00-\x7f]", message) and not re.search(r"\b(the|must|query|use)\b", message), (
        message
    )


def test_api_search_is_the_result_dict(client: FlaskClient) -> None:
    data = client.get("/api/search?q=Mai&per_page=2&year=2023").get_json()
    assert list(data) == [
        "query",
        "total",
        "page",
        "per_page",
        "hits",
        "facets",
        "suggestion",
        "relaxed",
        "expansions",
    ]
    assert data["total"] == 3 and len(data["hits"]) == 2
    assert {"value": "2023", "count": 3, "selected": True} in data["facets"]["year"]
    assert "Trương Thị <mark>Mai</mark>" in client.get("/api/search?q=Mai").get_data(as_text=True)


def test_article_page_marks_the_search_and_lists_related(client: FlaskClient) -> None:
    page = text_of(client.get(f"/article/{HAI_PHONG}?q=thanh+uy"))
    assert (
        "<h1>Hội nghị giao ban công tác tổ chức xây dựng Đảng khu vực miền Bắc năm 2023 tại Hải Phòng</h1>"
        in page
    )
    assert "<mark>Thành uỷ</mark>" in page
    assert "Bài liên quan" in page and "/article/00" in page
    assert "Nhân vật:" in page and "Lê Tiến Châu" in page
    assert "Từ khóa:" not in page and "captcha" not in page  # boilerplate stays out


def test_api_article(client: FlaskClient) -> None:
    data = client.get(f"/api/articles/{HAI_PHONG}").get_json()
    assert data["id"] == HAI_PHONG and data["author"] == "Hồng Thanh"
    assert "body_html" not in data and "Lê Tiến Châu" in data["people"] and data["related"]


def test_unknown_article_and_route_are_404(client: FlaskClient) -> None:
    page = client.get("/article/no-such-article")
    assert page.status_code == 404 and "Không tìm thấy" in text_of(page)
    api = client.get("/api/articles/no-such-article")
    assert api.status_code == 404 and "no-such-article" in api.get_json()["error"]
    assert client.get("/nowhere").status_code == 404
    assert client.get("/api/nowhere").get_json() == {"error": "Không tìm thấy trang này."}


def test_suggest_completes_unaccented_prefixes(client: FlaskClient) -> None:
    data = client.get("/api/suggest?q=to+ch").get_json()
    assert data["suggestions"][0] == {"text": "tổ chức", "kind": "word"}
    assert any(s["kind"] == "title" for s in data["suggestions"])
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []
    assert client.get("/api/suggest?q=(((").status_code == 200


def test_opensearch_description(client: FlaskClient) -> None:
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    assert "http://localhost/search?q={searchTerms}" in text_of(response)


def test_article_text_titles_and_queries_are_escaped(fixture_client: FlaskClient) -> None:
    results = text_of(fixture_client.get("/search?q=<script>alert(1)</script>+nguy+hiểm"))
    assert "<script>alert" not in results
    assert "&lt;script&gt;alert(&#34;tiêu đề&#34;)&lt;/script&gt;" in results or "&lt;script&gt;" in results
    article = text_of(fixture_client.get("/article/unsafe?q=<script>"))
    assert "<script>alert" not in article and "<b>chữ đậm</b>" not in article
    assert "&lt;b&gt;chữ đậm&lt;/b&gt;" in article
    api = fixture_client.get("/api/search?q=nguy+hiểm").get_json()
    assert "<script>" not in api["hits"][0]["snippet"]  # escaped in the snippet, raw in the title
    assert api["hits"][0]["title"].startswith("Tiêu đề <script>")


def test_an_app_without_an_index_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="no index at"):
        create_app({"INDEX_DIR": str(tmp_path / "missing")})


def test_suggestion_and_expansions_are_shown(client: FlaskClient) -> None:
    page = text_of(client.get("/search?q=thanh+uy+hai+phong"))
    assert "Có phải bạn muốn tìm" in page and "thành ủy hải phòng" in page
    telex = text_of(client.get("/search?q=toor+chuwcs"))
    assert "Đã hiểu:" in telex and "toor → tổ" in telex


JAVASCRIPT_URL = "javascript:alert(document.domain)"
LINKED = """\
    ---
    url: {url}
    ---
    Bài có đường dẫn gốc
    Nội dung bài viết về thời tiết ở Đà Nẵng hôm nay.
    """


def test_only_web_addresses_become_links(tmp_path: Path) -> None:
    folder = write_articles(
        tmp_path / "news",
        {
            "script": LINKED.format(url=JAVASCRIPT_URL),
            "web": LINKED.format(url="https://baomoi.com/bai-viet.epi").replace("Đà Nẵng", "Huế"),
        },
    )
    warnings: list[str] = []
    report = index_paths([folder], tmp_path / "ix", quiet=True, warn=warnings.append)
    assert report.indexed == 2 and report.notices == [
        f"{folder / 'script.txt'}: {warnings[0].split(': ', 2)[2]}"
    ]
    assert "url left out, not an http(s) address" in warnings[0] and len(warnings) == 1
    client = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()
    assert client.get("/api/articles/script").get_json()["url"] is None
    assert "javascript:" not in text_of(client.get("/article/script"))
    assert 'href="https://baomoi.com/bai-viet.epi"' in text_of(client.get("/article/web"))


def test_an_index_made_before_the_check_links_no_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_articles(tmp_path / "news", {"script": LINKED.format(url=JAVASCRIPT_URL)})
    monkeypatch.setattr("indexer.ingest.read.web_link", lambda url: url)  # ingestion as it was
    index_paths([folder], tmp_path / "ix", quiet=True)
    monkeypatch.undo()
    client = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()
    page = text_of(client.get("/article/script"))
    assert "Bài có đường dẫn gốc" in page and "javascript:" not in page
    assert client.get("/api/articles/script").get_json()["url"] is None
    assert client.get("/api/search?q=da+nang").get_json()["hits"][0]["url"] is None


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search?q=to+chuc",
        "/api/search?q=to+chuc",
        "/static/style.css",
        "/article/missing",
        "/api/articles/missing",
        "/search?q=%22",
    ],
)
def test_every_response_carries_the_security_headers(client: FlaskClient, url: str) -> None:
    with client.get(url) as response:  # closed: a static file's response holds the file open
        headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


# Whoosh leaves a damaged file open when it fails to read it (see test_cli.py): its warning.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_damaged_index_is_a_503_that_says_what_to_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = tmp_path / "ix"
    index_paths([shipped_corpus()], index_dir, quiet=True)
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    assert client.get("/search?q=Mai").status_code == 200
    for segment in index_dir.glob("*.seg"):  # damaged while the server runs
        segment.write_bytes(segment.read_bytes()[:1000])
    page = client.get("/search?q=Mai")
    assert page.status_code == 503 and "vnsearch index --rebuild" in text_of(page)
    assert str(index_dir) not in text_of(page)  # the server's folders are for its log
    api = client.get("/api/search?q=Mai")
    assert api.status_code == 503 and "vnsearch index --rebuild" in api.get_json()["error"]
    assert any(
        f"vnsearch index --rebuild --index {index_dir}" in record.getMessage() for record in caplog.records
    )
    gc.collect()


def test_a_bug_is_a_500_page_in_vietnamese_and_logged(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("webui.searching.run_search", broken)
    page = client.get("/search?q=Mai")
    assert page.status_code == 500 and "Máy chủ gặp lỗi" in text_of(page) and "a bug" not in text_of(page)
    assert client.get("/api/search?q=Mai").get_json() == {"error": "Máy chủ gặp lỗi khi trả lời yêu cầu này."}
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)
