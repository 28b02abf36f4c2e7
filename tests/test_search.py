"""Search behaviour on the shipped corpus and on hand-written fixtures (conftest.py)."""

import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh.searching import Searcher

from indexer.query import search as search_module
from indexer.query.language import QueryError
from indexer.query.search import search

from .conftest import searcher_of


def ids(result: dict) -> list[str]:
    return [hit["id"] for hit in result["hits"]]


def found(searcher: Searcher, query: str, **options) -> set[str]:
    return set(ids(search(searcher, query, per_page=100, **options)))


# --- the shipped corpus --------------------------------------------------------------------


def test_marks_case_and_unicode_form_do_not_matter(corpus_searcher: Searcher) -> None:
    variants = ["tổ chức", "to chuc", "TỔ CHỨC", unicodedata.normalize("NFD", "tổ chức")]
    results = [found(corpus_searcher, v) for v in variants]
    assert results[0] and all(r == results[0] for r in results)


@pytest.mark.parametrize("query", ["Thành ủy Hải Phòng", "thanh uy hai phong", "Thành uỷ Hải Phòng"])
def test_tone_placement_and_marks_find_thanh_uy(corpus_searcher: Searcher, query: str) -> None:
    assert "004_b09fdb954b2a7c93" in found(corpus_searcher, query)


def test_one_syllable_finds_the_compound(corpus_searcher: Searcher) -> None:
    mentions = {path.stem for path in _corpus_files() if "Trương Thị Mai" in path.read_text(encoding="utf-8")}
    assert mentions and mentions <= found(corpus_searcher, "Mai")


def test_both_tone_placements_are_one_query(corpus_searcher: Searcher) -> None:
    assert search(corpus_searcher, "khóa XIII")["hits"] == search(corpus_searcher, "khoá XIII")["hits"]
    assert "004_b09fdb954b2a7c93" in found(corpus_searcher, "khóa XIII")


def test_snippet_marks_the_original_text(corpus_searcher: Searcher) -> None:
    [hit] = [h for h in search(corpus_searcher, "thanh uy")["hits"] if h["id"].startswith("004")]
    marked = re.findall(r"<mark>(.*?)</mark>", hit["snippet"])
    assert any(normalize_marked(m) in ("thành ủy", "thành uỷ") for m in marked)
    assert "Thành uỷ" in "".join(marked)  # as written in the article, not normalised


def normalize_marked(text: str) -> str:
    return text.lower()


def test_result_shape(corpus_searcher: Searcher) -> None:
    result = search(corpus_searcher, "Hải Phòng", per_page=2)
    assert set(result) == {
        "query",
        "total",
        "page",
        "per_page",
        "hits",
        "facets",
        "suggestion",
        "relaxed",
        "expansions",
    }
    assert result["query"] == "Hải Phòng" and result["page"] == 1 and result["per_page"] == 2
    hit = result["hits"][0]
    assert set(hit) == {"id", "title", "date", "source", "author", "url", "score", "snippet"}
    assert hit["date"] == "2023-06-23T10:15:00+07:00"
    assert set(result["facets"]) == {"source", "author", "year", "month", "people", "places", "organisations"}
    json.dumps(result)  # plain data all the way down


def test_the_publication_date_of_each_seed(corpus_searcher: Searcher) -> None:
    dates = {hit["id"][:3]: hit["date"] for hit in search(corpus_searcher, "Trung ương", per_page=10)["hits"]}
    assert dates["000"] == "2023-11-16T10:11:00+07:00"
    assert dates["001"] == "2023-12-28T09:47:00+07:00"
    assert dates["004"] == "2023-06-23T10:15:00+07:00"


def test_pages_split_the_results(corpus_searcher: Searcher) -> None:
    everything = ids(search(corpus_searcher, "Đảng", per_page=100))
    pages = [ids(search(corpus_searcher, "Đảng", per_page=2, page=p)) for p in (1, 2, 3)]
    assert sum(pages, []) == everything and len(everything) == 5


def test_a_page_past_the_end_gives_the_last_page(corpus_searcher: Searcher) -> None:
    result = search(corpus_searcher, "Đảng", per_page=2, page=99)
    assert result["page"] == 3 and len(result["hits"]) == 1


def test_all_words_required_then_any_word(corpus_searcher: Searcher) -> None:
    covid, hai_phong = found(corpus_searcher, "Covid"), found(corpus_searcher, "Hải Phòng")
    assert covid and hai_phong and not covid & hai_phong
    assert not search(corpus_searcher, "Covid")["relaxed"]
    relaxed = search(corpus_searcher, "Covid Hải Phòng", per_page=100)
    assert relaxed["relaxed"] and set(ids(relaxed)) == covid | hai_phong
    assert not search(corpus_searcher, "xyzzyq qwzzx")["relaxed"]


MALFORMED = [
    '"unclosed',
    "AND",
    "OR",
    "NOT",
    "(((",
    ")))",
    "title:",
    "*",
    "-",
    "--",
    '""',
    "date:",
    "x" * 5000,
    "tổ chức " * 400,
    "\x00\x01\x02",
    "a\x1bb",
    "\ud800",
    "Mai \udcff",
    "\u200b",
    "title:(((",
    "source:***",
    "date:..",
    "NOT NOT",
    "-(",
    "OR OR OR Mai",
    "a" * 300,
]


@pytest.mark.parametrize("query", MALFORMED, ids=lambda q: repr(q[:20]))
def test_malformed_queries_give_an_error_or_results(corpus_searcher: Searcher, query: str) -> None:
    try:
        result = search(corpus_searcher, query)
    except QueryError as error:
        assert str(error) and "\n" not in str(error) and error.vietnamese and "\n" not in error.vietnamese
    else:
        json.dumps(result)
        assert result["total"] >= 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"page": 0}, "page"),
        ({"per_page": 0}, "per page"),
        ({"per_page": 1000}, "per page"),
        ({"sort": "random"}, "sort"),
        ({"filters": {"colour": ["red"]}}, "filter"),
    ],
)
def test_bad_options_are_query_errors(corpus_searcher: Searcher, options: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        search(corpus_searcher, "Mai", **options)


# --- ranking on hand-written fixtures ---------------------------------------------------------


# A headline holding two of the words, and a story holding the whole clause in its body.
WHOLE_RUN = {
    "headline": "Ứng phó với bão số 5\nCác tỉnh ven biển khẩn trương ứng phó với bão trước khi bão vào bờ.\n",
    "story": "Sẵn sàng phương án thi\nNhà trường chủ động ứng phó trước dịch bệnh, thi cử vẫn diễn ra.\n",
}


@pytest.fixture(scope="module")
def whole_run_searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    with searcher_of(WHOLE_RUN, tmp_path_factory) as opened:
        yield opened


@pytest.mark.parametrize("query", ["ứng phó trước", "ung pho truoc", "ungs phos truowcs", "ứng phó trướcc"])
def test_the_whole_clause_standing_together_ranks_first(
    whole_run_searcher: Searcher, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the best result by its words alone is re-ranked with the bonuses: what lifts the
    # story there is the whole run (as typed, without marks, in Telex, or with a typo).
    monkeypatch.setattr(search_module, "RERANK", 1)
    assert ids(search(whole_run_searcher, query)) == ["story", "headline"]


WRITTEN = {
    # By the words alone, the article with the code written apart ranks first.
    "spaced": "Xe tải 92C - 046 gặp nạn\n\nXe tải biển số 92C - 046 va chạm với tàu hỏa.\n",
    "joined": "Tàu hỏa tông xe tải 92C-046.13\n\nMột đoàn tàu đâm vào xe tải ở Quảng Nam.\n",
    # The code as typed once, in a long story about something else: far below the others.
    "passing": "Tin vắn trong ngày\n\n"
    + "Hôm nay trời nắng, giá rau tăng ở chợ. " * 60
    + "Xe 92C-046 đã sửa xong.\n",
}


@pytest.fixture(scope="module")
def written_searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    with searcher_of(WRITTEN, tmp_path_factory) as opened:
        yield opened


@pytest.mark.parametrize(
    "query, expected",
    [
        ("92C-046", ["joined", "spaced", "passing"]),  # a passing mention, far below, is not lifted
        ("92c-046", ["joined", "spaced", "passing"]),
        ("xe 92C-046", ["passing", "spaced", "joined"]),  # the whole clause as typed is first by its words
    ],
)
def test_a_code_as_typed_ranks_first(written_searcher: Searcher, query: str, expected: list[str]) -> None:
    result = search(written_searcher, query)
    assert ids(result) == expected
    scores = [hit["score"] for hit in result["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_a_code_typed_apart_ranks_by_its_words(written_searcher: Searcher) -> None:
    assert ids(search(written_searcher, "92C - 046")) == ["spaced", "joined", "passing"]


def test_same_marks_rank_first(fixture_searcher: Searcher) -> None:
    assert ids(search(fixture_searcher, "Đảng"))[:2] == ["marks/exact", "marks/folded"]
    assert ids(search(fixture_searcher, "đang"))[:2] == ["marks/folded", "marks/exact"]


def test_unmarked_query_finds_every_variant(fixture_searcher: Searcher) -> None:
    assert found(fixture_searcher, "dang") == {"marks/exact", "marks/folded"}


def test_a_whole_compound_ranks_above_scattered_syllables(fixture_searcher: Searcher) -> None:
    for query in ["tổ chức", "to chuc"]:
        assert ids(search(fixture_searcher, query)) == ["words/compound", "words/scattered"]


def test_a_quoted_phrase_matches_only_the_contiguous_phrase(fixture_searcher: Searcher) -> None:
    assert found(fixture_searcher, '"tổ chức"') == {"words/compound"}
    assert found(fixture_searcher, '"to chuc"') == {"words/compound"}
    assert found(fixture_searcher, '"chức tổ"') == set()


def test_or_and_exclusions(fixture_searcher: Searcher) -> None:
    assert found(fixture_searcher, "thời tiết OR khách quốc tế") == {"undated", "words/compound"}
    assert found(fixture_searcher, "hội nghị -Đảng") == {"marks/folded"}
    assert found(fixture_searcher, "hội nghị NOT dang") == set()


def test_title_field(fixture_searcher: Searcher) -> None:
    assert found(fixture_searcher, "title:sáng") == {"words/compound"}
    assert found(fixture_searcher, "title:lịch") == set()


def test_metadata_in_the_query(fixture_searcher: Searcher) -> None:
    assert found(fixture_searcher, "hội nghị author:hong thanh") == {"marks/exact"}
    assert found(fixture_searcher, 'source:"tong hop"') == {"words/compound", "words/scattered"}
    assert found(fixture_searcher, "source:tong") == {"words/compound", "words/scattered"}


def test_date_filters(fixture_searcher: Searcher) -> None:
    assert found(fixture_searcher, "hội nghị date:2023-06") == {"marks/exact"}
    assert found(fixture_searcher, "lịch date:..2021") == {"words/scattered"}
    assert found(fixture_searcher, "lịch", filters={"date": ["2022"]}) == {"words/compound"}


def test_sort_by_date_puts_undated_articles_last(fixture_searcher: Searcher) -> None:
    everything = "hội nghị OR lịch OR thời tiết"
    newest = ids(search(fixture_searcher, everything, sort="newest"))
    oldest = ids(search(fixture_searcher, everything, sort="oldest"))
    assert len(newest) == len(oldest) == 5
    assert newest[0] == "marks/folded" and newest[-1] == "undated"
    assert oldest[0] == "words/scattered" and oldest[-1] == "undated"


def test_facets_count_the_whole_result_set(fixture_searcher: Searcher) -> None:
    facets = search(fixture_searcher, "lịch OR hội nghị", per_page=1)["facets"]
    assert facets["source"] == [
        {"value": "Báo Mẫu", "count": 2, "selected": False},
        {"value": "Tin Tổng Hợp", "count": 2, "selected": False},
    ]
    assert {f["value"]: f["count"] for f in facets["year"]} == {"2023": 2, "2022": 1, "2021": 1}


def test_facet_values_combine_with_or_within_and_and_across(fixture_searcher: Searcher) -> None:
    query = "lịch OR hội nghị"
    assert found(fixture_searcher, query, filters={"year": ["2021", "2022"]}) == {
        "words/compound",
        "words/scattered",
    }
    both = search(fixture_searcher, query, filters={"year": ["2023"], "source": ["Báo Mẫu"]})
    assert set(ids(both)) == {"marks/exact", "marks/folded"}
    # A selected facet still counts its other values, so they can be added to the selection.
    year = {f["value"]: (f["count"], f["selected"]) for f in both["facets"]["year"]}
    assert year == {"2023": (2, True)}
    source = search(fixture_searcher, query, filters={"source": ["Báo Mẫu"]})["facets"]["source"]
    assert {f["value"]: (f["count"], f["selected"]) for f in source} == {
        "Báo Mẫu": (2, True),
        "Tin Tổng Hợp": (2, False),
    }


def test_a_filter_alone_lists_its_articles(fixture_searcher: Searcher) -> None:
    assert found(fixture_searcher, "date:2023") == {"marks/exact", "marks/folded"}


def _corpus_files():
    from indexer.store.build import shipped_corpus

    return sorted(shipped_corpus().glob("*.txt"))


def test_a_quoted_phrase_is_marked_only_where_it_stands_whole(corpus_searcher: Searcher) -> None:
    [hit] = search(corpus_searcher, '"thanh uy hai phong"')["hits"]
    marked = re.findall(r"<mark>(.*?)</mark>", hit["snippet"])
    assert marked and all(m == "Thành uỷ Hải Phòng" for m in marked)
    plain = search(corpus_searcher, "thanh uy hai phong")["hits"][0]["snippet"]
    assert "<mark>Thành uỷ</mark>" in plain  # the words alone are marked when not quoted


def test_the_readmes_python_example_runs_as_written(
    corpus_index_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```python\n", 1)[1].split("```", 1)[0]
    lines = [line for line in example.splitlines() if line.strip()]
    assert lines[0].startswith("from indexer import ") and len(lines) == 3
    monkeypatch.setenv("VNSEARCH_INDEX", str(corpus_index_dir))
    exec(compile(example, "README.md", "exec"), {})
    assert "Hải Phòng" in capsys.readouterr().out
