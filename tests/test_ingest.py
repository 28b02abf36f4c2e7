"""Reading real scraped news: metadata, boilerplate, formats, and bad files."""

import json
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.ingest.clean import clean_text
from indexer.ingest.read import Extracted, Problem, read_articles, web_link
from indexer.ingest.titles import slug_of
from indexer.store.build import shipped_corpus

FIXTURES = Path(__file__).parent / "fixtures" / "scraped"


def extract(path: Path) -> Extracted:
    [item] = list(read_articles(path, path.parent))
    assert isinstance(item, Extracted), item
    return item


def reasons(item: Extracted) -> dict[str, str]:
    return {dropped.text: dropped.reason for dropped in item.dropped}


# --- the seeds, with values read from the files ---------------------------------------------

SEEDS = {
    "000_900c3636f8b06404": (
        "Hội nghị quán triệt, triển khai thực hiện các quy định, hướng dẫn mới ban hành của Trung ương "
        "về công tác tổ chức xây dựng Đảng",
        datetime(2023, 11, 16, 10, 11),
        "Mỹ Tiến, Ksor Tuối",
    ),
    "001_86232ecdeac32804": (
        "Hội nghị toàn quốc tổng kết Ngành Tổ chức xây dựng Đảng",
        datetime(2023, 12, 28, 9, 47),
        None,
    ),
    "002_f1f41421099c2c4c": (
        "Đẩy mạnh thực hiện Nghị quyết Trung ương 4 về xây dựng, chỉnh đốn Đảng ở mức độ cao hơn",
        None,
        None,
    ),
    "003_7ba0f6455497b9a9": (
        "Quán triệt, triển khai thực hiện các văn bản mới của Trung ương về công tác tổ chức xây dựng Đảng",
        datetime(2023, 2, 17, 19, 50),
        "Đức Đồng, Hồng Thư",
    ),
    "004_b09fdb954b2a7c93": (
        "Hội nghị giao ban công tác tổ chức xây dựng Đảng khu vực miền Bắc năm 2023 tại Hải Phòng",
        datetime(2023, 6, 23, 10, 15),
        "Hồng Thanh",
    ),
}


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_headline_date_and_byline(seed: str) -> None:
    article = extract(shipped_corpus() / f"{seed}.txt").article
    title, date, author = SEEDS[seed]
    assert (article.title, article.date, article.author) == (title, date, author)


def test_a_dateline_names_the_source() -> None:
    assert extract(shipped_corpus() / "002_f1f41421099c2c4c.txt").article.source == "Baonghean.vn"


@pytest.mark.parametrize(
    ("seed", "line", "reason"),
    [
        ("001_86232ecdeac32804", "Công ty Phân lân nung chảy Văn Điển", "above the headline"),
        ("002_f1f41421099c2c4c", "mask", "above the headline"),
        ("003_7ba0f6455497b9a9", "Đường dây nóng: 0237 3721150", "above the headline"),
        ("000_900c3636f8b06404", "Lượt xem: 7", "counter"),
        ("000_900c3636f8b06404", "Trả lời", "comment box"),
        (
            "001_86232ecdeac32804",
            "hoi nghi toan quoc tong ket nganh to chuc xay dung Dang hinh anh 1",
            "unaccented",
        ),
        ("002_f1f41421099c2c4c", "Tin mới", "related-articles"),
        ("003_7ba0f6455497b9a9", "Ý kiến bạn đọc", "comment box"),
        ("003_7ba0f6455497b9a9", "20:09 , 19/03/2026", "below the story"),
        (
            "003_7ba0f6455497b9a9",
            "Khởi công xây dựng trường nội trú liên cấp Tiểu học và THCS Hiền Kiệt",
            "below the story",
        ),
        ("004_b09fdb954b2a7c93", "Từ khóa:", "tag line"),
        ("004_b09fdb954b2a7c93", "captcha", "below the story"),
        ("004_b09fdb954b2a7c93", "Phóng sự ảnh", "below the story"),
    ],
)
def test_seed_boilerplate_is_left_out_with_a_reason(seed: str, line: str, reason: str) -> None:
    item = extract(shipped_corpus() / f"{seed}.txt")
    assert reason in reasons(item)[line]
    assert line not in item.article.body


def test_captions_stay_and_their_credits_go() -> None:
    body = extract(shipped_corpus() / "002_f1f41421099c2c4c.txt").article.body
    assert "Quang cảnh tại điểm cầu Nghệ An." in body
    assert "Thanh Lê" not in body and body.count("Quang cảnh tại điểm cầu Nghệ An.") == 1


# --- other sites' styles (tests/fixtures/scraped) --------------------------------------------


def test_a_category_label_and_a_date_above_the_headline() -> None:
    item = extract(FIXTURES / "express_style.txt")
    article = item.article
    assert article.title == "Hà Nội mở rộng vành đai 4 qua ba tỉnh"
    assert article.date == datetime(2023, 6, 5, 8, 30)
    assert article.author == "Võ Hải"
    assert "Công nhân thi công đoạn qua huyện Mê Linh." in article.body and "Ngọc Thành" not in article.body
    for gone in [
        "Chia sẻ 125 Thích 2.1K",
        "Tin liên quan",
        "Bắc Ninh hoàn thành giải phóng mặt bằng dự án",
        "Copyright",
    ]:
        assert gone not in article.body


def test_dateline_byline_at_the_end_tags_and_comment_form() -> None:
    article = extract(FIXTURES / "dateline_style.txt").article
    assert article.title == "Học sinh Quảng Ninh được nghỉ học tránh bão số 3"
    assert (article.source, article.author) == ("Dân trí", "Nguyễn Dương")
    assert article.date == datetime(2024, 9, 5, 15, 20)
    assert (
        "(Ảnh minh họa)" not in article.body and "Học sinh tại một trường tiểu học ở Hạ Long" in article.body
    )
    for gone in ["Trang chủ", "Lượt xem", "Tags:", "Gửi bình luận", "Mã xác nhận"]:
        assert gone not in article.body


def test_hotline_ad_repeated_caption_source_credit_and_most_read_list() -> None:
    item = extract(FIXTURES / "most_read_style.txt")
    article = item.article
    assert article.title == "Bệnh viện Chợ Rẫy thực hiện ca ghép thận thứ 1.000"
    assert (article.date, article.source) == (datetime(2023, 5, 12, 19, 50), "TTO")
    assert article.body.count("Ê-kíp phẫu thuật trong ca ghép thận.") == 1
    for gone in ["Hotline", "Quảng cáo", "Theo TTXVN", "Đọc nhiều nhất", "Giá vàng", "không khí lạnh"]:
        assert gone not in article.body
    assert reasons(item)["14:05 , 11/05/2023"] == "related-articles list"


def test_html_page_through_trafilatura() -> None:
    article = extract(FIXTURES / "page.html").article
    assert article.title == "Hải Phòng khánh thành cầu mới"
    assert article.date == datetime(2024, 3, 5, 8, 30)
    assert (article.author, article.source) == ("Minh Anh", "Báo Hải Phòng")
    assert article.url == "https://baohaiphong.vn/hai-phong-khanh-thanh-cau-moi.html"
    assert "cầu Hoàng Văn Thụ" in article.body
    for gone in ["Trang chủ", "Hotline", "Tin liên quan", "Lạch Huyện", "Giấy phép"]:
        assert gone not in article.body


def test_entities_of_an_article() -> None:
    article = extract(shipped_corpus() / "004_b09fdb954b2a7c93.txt").article
    assert {"Nguyễn Quang Dương", "Lê Tiến Châu", "Đào Trọng Đức"} <= set(article.people)
    assert "Hải Phòng" in article.places
    assert {"Ban Tổ chức Trung ương", "Thành ủy Hải Phòng"} <= set(article.organisations)


# --- real news layouts: where the title comes from ------------------------------------------


def read_one(tmp_path: Path, text: str, name: str = "tin.txt") -> Extracted:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(path)


def test_the_first_line_is_the_headline_though_the_lead_below_it_has_no_full_stop(tmp_path: Path) -> None:
    # Headline, lead, body: the lead is headline-shaped too (short, no full stop), but only
    # strong evidence would make anything but the first line the headline.
    item = read_one(
        tmp_path,
        (
            "Nông dân miền Tây trúng mùa sầu riêng\n"
            "Giá sầu riêng tăng mạnh giúp nhiều hộ nông dân ở Tiền Giang thu lãi lớn trong vụ này\n"
            "Theo ghi nhận của phóng viên, nhiều nhà vườn ở huyện Cai Lậy đã bán hết sầu riêng ngay "
            "tại vườn với giá cao hơn năm ngoái. Thương lái từ các tỉnh lân cận đến thu mua liên tục.\n"
        ),
    )
    assert item.article.title == "Nông dân miền Tây trúng mùa sầu riêng"
    assert item.title_source == "headline line"
    assert item.article.body.startswith("Giá sầu riêng tăng mạnh")


def test_a_story_without_a_headline_takes_its_title_from_the_url(tmp_path: Path) -> None:
    item = read_one(
        tmp_path,
        (
            "---\nurl: https://bao.example.vn/xa-hoi/nong-dan-trung-mua-sau-rieng-20230512093000123.htm\n---\n"
            "Theo ghi nhận của phóng viên, nhiều nông dân ở huyện Cai Lậy trúng mùa sầu riêng năm nay, "
            "bán hết ngay tại vườn với giá cao hơn năm ngoái.\n"
            "Thương lái từ các tỉnh lân cận đến thu mua sầu riêng liên tục; nông dân phấn khởi.\n"
        ),
    )
    assert item.article.title == "Nông dân trúng mùa sầu riêng"
    assert item.title_source == "URL"
    assert item.article.body.startswith("Theo ghi nhận của phóng viên")  # nothing of the story lost


def test_a_story_without_a_headline_or_url_takes_its_first_sentence(tmp_path: Path) -> None:
    first = (
        "Theo ghi nhận của phóng viên, nhiều nông dân ở huyện Cai Lậy trúng mùa sầu riêng năm nay, "
        "bán hết ngay tại vườn với giá cao hơn năm ngoái."
    )
    item = read_one(tmp_path, f"{first} Thương lái đến thu mua liên tục.\nNông dân phấn khởi vì được giá.\n")
    assert (
        item.article.title
        == "Theo ghi nhận của phóng viên, nhiều nông dân ở huyện Cai Lậy trúng mùa sầu riêng năm nay, bán…"
    )
    assert item.title_source == "first sentence"
    assert item.article.body.startswith(first)
    short = read_one(tmp_path, f"Nông dân trúng mùa sầu riêng. {first}\n", "short.txt")
    assert short.article.title == "Nông dân trúng mùa sầu riêng."


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (
            "https://dantri.com.vn/the-gioi/gan-100000-ca-covid-19-tai-my-20201101114516249.htm",
            ["gan", "100000", "ca", "covid", "19", "tai", "my"],
        ),
        (
            "https://bao.example.vn/nong-dan-trung-mua-sau-rieng.html",
            ["nong", "dan", "trung", "mua", "sau", "rieng"],
        ),
        ("https://bao.example.vn/nong-dan-trung-mua-post123456.html", ["nong", "dan", "trung", "mua"]),
        ("https://bao.example.vn/the-thao/", None),  # a section
        ("https://bao.example.vn/bai-viet?id=12345", None),
        ("https://bao.example.vn/20201101114516249.htm", None),
        ("javascript:alert(1)", None),
        ("not a url", None),
    ],
)
def test_the_words_of_a_url_slug(url: str, words: list[str] | None) -> None:
    assert slug_of(url) == words


def test_the_url_names_which_line_is_the_headline(tmp_path: Path) -> None:
    item = read_one(
        tmp_path,
        (
            "---\nurl: https://bao.example.vn/nong-dan-trung-mua-sau-rieng.html\n---\n"
            "Tin nông nghiệp mới nhất hôm nay\n"
            "Nông dân trúng mùa sầu riêng\n"
            "Theo ghi nhận của phóng viên, nhiều nông dân ở huyện Cai Lậy trúng mùa sầu riêng năm nay, "
            "bán hết ngay tại vườn với giá cao hơn năm ngoái.\n"
        ),
    )
    assert item.article.title == "Nông dân trúng mùa sầu riêng"


def test_a_site_menu_above_the_headline_is_navigation(tmp_path: Path) -> None:
    item = read_one(
        tmp_path,
        (
            "Trang chủ > Kinh tế > Nông nghiệp\n"
            "Nông dân trúng mùa sầu riêng\n"
            "Theo ghi nhận của phóng viên, nhiều nông dân ở huyện Cai Lậy trúng mùa sầu riêng năm nay, "
            "bán hết ngay tại vườn với giá cao hơn năm ngoái.\n"
        ),
    )
    assert item.article.title == "Nông dân trúng mùa sầu riêng"
    assert "Trang chủ" not in item.article.body


# --- formats ----------------------------------------------------------------------------------


def test_front_matter_wins_over_what_the_text_says(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "---\ntitle: Tiêu đề thật\ndate: 2022-01-02 03:04\nsource: Báo Mẫu\nauthor: Lan Anh\nurl: https://x.vn/a\n---\n"
        "Một dòng tiêu đề khác\n10:15 23/06/2023\nNội dung bài báo rất ngắn gọn nhưng đầy đủ ý nghĩa.\n",
        encoding="utf-8",
    )
    article = extract(path).article
    assert (article.title, article.date, article.source, article.author, article.url) == (
        "Tiêu đề thật",
        datetime(2022, 1, 2, 3, 4),
        "Báo Mẫu",
        "Lan Anh",
        "https://x.vn/a",
    )


def test_json_one_article_or_a_list(tmp_path: Path) -> None:
    one = {
        "title": "Tin một",
        "content": "Nội dung tin một.",
        "published": "2023-06-23T10:15:00+07:00",
        "author": {"name": "Minh Anh"},
        "url": "https://www.baomau.vn/tin-mot",
    }
    (tmp_path / "one.json").write_text(json.dumps(one, ensure_ascii=False), encoding="utf-8")
    article = extract(tmp_path / "one.json").article
    assert (article.id, article.author, article.source) == ("one", "Minh Anh", "baomau.vn")
    assert article.date == datetime(2023, 6, 23, 10, 15)
    many = [
        {"id": "a1", "title": "Tin A", "body": "Nội dung A."},
        {"title": "Tin B", "text": "<p>Nội dung <b>B</b>.</p>"},
    ]
    (tmp_path / "many.json").write_text(json.dumps(many, ensure_ascii=False), encoding="utf-8")
    items = list(read_articles(tmp_path / "many.json", tmp_path))
    assert [i.article.id for i in items] == ["many/a1", "many/2"]
    assert items[1].article.body == "Nội dung B."


def test_jsonl_keeps_going_after_a_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "Tin A", "body": "Nội dung A."}, ensure_ascii=False),
        "{not json",
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "Không có nội dung"}, ensure_ascii=False),
        "",
        json.dumps({"title": "Tin E", "body": "Nội dung E."}, ensure_ascii=False),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    items = list(read_articles(tmp_path / "feed.jsonl", tmp_path))
    assert [i.article.id for i in items if isinstance(i, Extracted)] == ["feed/1", "feed/6"]
    problems = [i for i in items if isinstance(i, Problem)]
    assert [(p.line, p.reason.split(":")[0]) for p in problems] == [
        (2, "invalid JSON"),
        (3, "not a JSON object"),
        (4, "no article text (expected one of"),
    ]
    assert str(problems[0]).endswith(
        "feed.jsonl:2: invalid JSON: Expecting property name enclosed in double quotes"
    )


def test_folder_name_is_the_last_resort_source(tmp_path: Path) -> None:
    (tmp_path / "vietnamplus").mkdir()
    (tmp_path / "vietnamplus" / "a.txt").write_text("Tiêu đề\nNội dung.\n", encoding="utf-8")
    [item] = list(read_articles(tmp_path / "vietnamplus" / "a.txt", tmp_path))
    assert (item.article.id, item.article.source) == ("vietnamplus/a", "vietnamplus")


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"\xff\xfe" + "Tiêu đề".encode("utf-16-le")[:-1], "broken UTF-16"),
        (b"Ti\xeau \xf0\xea\xff\xfe \x80\x81", "not UTF-8"),
        ("Tiêu đề\nLượt xem: 5\n".encode(), "no story text"),
    ],
)
def test_bad_files_are_problems_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    items = list(read_articles(path, tmp_path))
    assert [type(i) for i in items] == [Problem] and reason in items[0].reason


def test_utf16_with_bom_and_cp1258_are_read(tmp_path: Path) -> None:
    text = "Thành uỷ Hải Phòng họp\nHội nghị bàn về công tác tổ chức xây dựng Đảng năm 2023.\n"
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    assert extract(tmp_path / "utf16.txt").article.title == "Thành uỷ Hải Phòng họp"
    (tmp_path / "cp1258.txt").write_bytes(cp1258(text))
    assert extract(tmp_path / "cp1258.txt").article.title == "Thành uỷ Hải Phòng họp"


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Text as Windows tools write CP1258: letters with their modifiers (â, ơ, đ) as one
    byte, the tone as a combining mark after them."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES)) + tones)
    return "".join(out).encode("cp1258")


def test_a_huge_file_is_skipped_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB on paper, nothing written
    [problem] = list(read_articles(path, tmp_path))
    assert isinstance(problem, Problem) and "too large (50.0 MB" in problem.reason


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Tiêu đề\nNội dung.\n", encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    [problem] = list(read_articles(path, tmp_path))
    assert isinstance(problem, Problem) and problem.reason == "cannot read it (Permission denied)"


def test_lines_of_fewer_than_two_letters_and_no_digit_are_stray_fragments() -> None:
    paragraph = "Đoạn văn của bài báo nói về kinh tế Việt Nam trong năm nay, và về xuất khẩu gạo."
    cleaned = clean_text(f"Tiêu đề bài báo về kinh tế\n\n{paragraph}\n* Ừ *\n| |\nSố 5\nỪ à\n{paragraph}")
    assert [(d.text, d.reason) for d in cleaned.dropped] == [
        ("* Ừ *", "stray fragment"),
        ("| |", "stray fragment"),
    ]
    assert "Số 5" in cleaned.body and "Ừ à" in cleaned.body


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://dantri.com.vn/the-thao/bai.htm", "https://dantri.com.vn/the-thao/bai.htm"),
        ("  HTTP://vnexpress.net/x  ", "HTTP://vnexpress.net/x"),
        ("javascript:alert(document.domain)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox", None),
        ("//evil.example/x", None),  # no scheme: it would take the page's
        ("/bai-viet.htm", None),
        ("http://[::1", None),  # not an address at all
        ("http://host:port/", None),
        ("https:///x", None),
        ("", None),
    ],
)
def test_only_http_addresses_are_kept_as_urls(url: str, kept: str | None) -> None:
    assert web_link(url) == kept


def test_a_url_that_is_not_a_web_address_is_left_out_with_a_warning(tmp_path: Path) -> None:
    item = read_one(
        tmp_path, "---\nurl: javascript:alert(1)\n---\nTiêu đề bài viết\nNội dung của bài viết hôm nay.\n"
    )
    assert item.article.url is None and item.article.source is None
    assert item.warnings == ("url left out, not an http(s) address: 'javascript:alert(1)'",)
    result = CliRunner().invoke(cli, ["inspect", str(tmp_path / "tin.txt")])
    assert result.exit_code == 0 and "Warning:       url left out" in result.output


def test_lone_surrogates_escaped_in_json_are_dropped(tmp_path: Path) -> None:
    # json.loads turns `"\ud800"` into a lone surrogate, which no index can store.
    item = read_one(
        tmp_path, '{"title": "Tin \\ud800 thử", "body": "Nội dung \\udcff về Huế hôm nay."}', "tin.json"
    )
    assert item.article.title == "Tin thử" and item.article.body == "Nội dung về Huế hôm nay."
    item.article.content_hash  # noqa: B018 - raised UnicodeEncodeError, and the whole run with it
