"""The relevance benchmark runs end to end at a smoke size, so it cannot rot. No score is
asserted: only that every figure is there and is a number in range."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from benchmarks import relevance

COUNT, TARGETS = 60, 15


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    corpus, work = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("work")
    result = CliRunner().invoke(
        relevance.main,
        [
            "--count",
            str(COUNT),
            "--targets",
            str(TARGETS),
            "--corpus",
            str(corpus),
            "--work",
            str(work),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert not any(work.iterdir())  # the indexes were built in a temporary folder, then removed
    return json.loads(result.stdout)


def in_range(value: Any) -> bool:
    return isinstance(value, (int, float)) and 0 <= value <= 1


def test_every_type_with_queries_has_three_systems_scored(results: dict[str, Any]) -> None:
    assert results["documents"] >= COUNT  # the synthetic articles and corpus/ (less any duplicates)
    counts, metrics = results["queries_per_type"], results["metrics"]
    assert set(counts) == set(relevance.TYPES)
    assert set(metrics) == {kind for kind, n in counts.items() if n}
    # Every target gets the queries made from its own body and title.
    assert counts["accented"] == counts["unaccented"] == counts["telex"] == counts["syllable"] == TARGETS
    assert set(results["strict"]) == set(metrics)
    for kind, scored in metrics.items():
        assert scored["mean_relevant"] >= 1  # the target, and its copies
        for table, extra in ((scored, {"mean_relevant"}), (results["strict"][kind], set())):
            assert table["n"] == counts[kind]
            assert set(table) == {"n", *relevance.SYSTEMS, *extra}
            for system in relevance.SYSTEMS:
                assert set(table[system]) == {"mrr10", "recall10"}
                assert in_range(table[system]["mrr10"]) and in_range(table[system]["recall10"])
                assert table[system]["mrr10"] <= table[system]["recall10"]


def test_coverage_and_goals_are_reported(results: dict[str, Any]) -> None:
    coverage = results["coverage"]
    assert coverage["targets"] == TARGETS
    assert results["queries_per_type"]["abbreviation"] == coverage["with_abbreviation"] <= TARGETS
    assert results["queries_per_type"]["tone"] == coverage["with_tone_variant"] <= TARGETS
    goals = results["goals"]
    assert set(goals["mrr10_floors"]) == set(relevance.GOALS) & set(results["metrics"])
    assert set(goals["versus_baselines"]) == set(results["metrics"])
    assert all(
        v in ("above", "tie", "below") for vs in goals["versus_baselines"].values() for v in vs.values()
    )
    assert isinstance(goals["all_met"], bool)
    assert {"nproc", "python", "date"} <= set(results["machine"])


def test_queries_are_made_as_described() -> None:
    assert relevance.telex("Đảng") == "ddangr"
    assert [relevance.telex(s) for s in "tổ chức người khỏe".split()] == [
        "toor",
        "chuwcs",
        "nguwowif",
        "khoer",
    ]
    assert [relevance.flip_tone(s) for s in ("hòa", "thuỷ", "Ủy", "hoàn", "quý")] == [
        "hoà",
        "thủy",
        "Uỷ",
        "hoàn",
        "quý",
    ]
    assert relevance.fold("Đảng Ủy") == "dang uy"
    assert relevance.fts5_quote('say "hi" NEAR TP.HCM') == '"say" """hi""" "NEAR" "TP.HCM"'
    # Windows stay inside a run of syllables: not across punctuation, nor across `⅔`.
    assert [w for _, w in relevance.windows("Tổ chức, xây dựng Đảng ⅔ năm", 2)] == [
        ("Tổ", "chức"),
        ("xây", "dựng"),
        ("dựng", "Đảng"),
    ]


def test_report_is_a_table(results: dict[str, Any]) -> None:
    text = relevance.report(results)
    assert "vnsearch MRR@10 / R@10" in text and "FTS5 MRR@10 / R@10" in text and "Whoosh default" in text
    assert all(relevance.LABELS[kind] in text for kind in results["metrics"])
    assert "All goals met:" in text


def test_copies_hold_the_words_in_any_i_y_spelling_and_with_their_marks() -> None:
    docs = [
        relevance.Doc(id, title, "")
        for id, title in (
            ("a", "Các chí sĩ yêu nước"),
            ("b", "nhân sỹ trí thức"),
            ("c", "sì sụp"),
            ("d", "tỉ lệ"),
            ("e", "Tỷ giá"),
            ("f", "cần tránh"),
            ("g", "chiến tranh"),
        )
    ]
    stats = relevance.Stats(docs)
    assert stats.verbatim(["sỹ"], title_only=True) == {"a", "b"}
    assert stats.verbatim(["tỷ"], title_only=True) == {"d", "e"}
    assert stats.verbatim(["tranh"], title_only=True) == {"g"}
    assert stats.verbatim(["sĩ yêu"]) == {"a"}


# --- real news (--articles) -----------------------------------------------------------------

# A few short articles written for this test (the real news the benchmark is meant for is never
# committed): names, codes, both tone placements. The shipped corpus/ is added to them.
NEWS = {
    "hari.txt": "Ca sĩ Hari Won trở lại sân khấu Đà Lạt\n"
    "Tối qua, ca sĩ Hari Won hát trước hàng nghìn khán giả ở quảng trường Lâm Viên. "
    "Buổi diễn kéo dài hai giờ, khán giả đội mưa phùn ở lại tới cuối.\n",
    "u23.txt": "Đội tuyển U23 Việt Nam hội quân chuẩn bị vòng loại châu Á\n"
    "Ba mươi cầu thủ U23 tập trung ở Trung tâm đào tạo bóng đá trẻ. Huấn luyện viên "
    "cho biết đội sẽ đá giao hữu với câu lạc bộ Hoàng Anh Gia Lai trong tuần tới.\n",
    "vios.txt": "Toyota Vios vẫn bán chạy nhất tháng Ba\n"
    "Mẫu Toyota Vios bán được hơn hai nghìn xe, dù thị trường ô tô chững lại. "
    "Hãng Toyota tặng kèm bảo hiểm thân vỏ cho khách mua xe trong tháng.\n",
    "iphone.txt": "Apple ra mắt iPhone mới, giá từ hai mươi triệu đồng\n"
    "Chiếc iPhone mới có camera tốt hơn và pin dùng trọn một ngày. Người dùng ở "
    "Hà Nội xếp hàng từ sáng sớm để mua máy ngày đầu mở bán.\n",
    "a92.txt": "Bắt giữ đối tượng vận chuyển ma túy, phòng A92 vào cuộc\n"
    "Phòng A92 phối hợp với công an huyện Sơn Hòa bắt quả tang hai đối tượng. "
    "Vụ án đang được mở rộng điều tra, tang vật gồm sáu bánh heroin.\n",
    "covid.txt": "Thêm ca mắc COVID-19 ở Đà Nẵng, thủy thủ tàu hàng được cách ly\n"
    "Bệnh nhân là thuỷ thủ trên tàu hàng cập cảng Tiên Sa. Những người tiếp xúc gần "
    "được xét nghiệm COVID-19 và theo dõi sức khoẻ ở khu cách ly tập trung.\n",
}


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from indexer.store.build import shipped_corpus

    folder, work = tmp_path_factory.mktemp("news"), tmp_path_factory.mktemp("news-work")
    for name, text in NEWS.items():
        (folder / name).write_text(text, encoding="utf-8")
    for path in shipped_corpus().glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    result = CliRunner().invoke(
        relevance.main,
        [
            "--articles",
            str(folder),
            "--targets",
            "20",
            "--work",
            str(work),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert not any(work.iterdir())
    return json.loads(result.stdout)


def test_news_mode_scores_every_type_with_three_systems(news: dict[str, Any]) -> None:
    counts, metrics = news["queries_per_type"], news["metrics"]
    assert news["documents"] == len(NEWS) + 5 and news["coverage"]["targets"] == news["documents"]
    assert set(counts) == set(relevance.NEWS_TYPES)
    assert set(metrics) == {kind for kind, n in counts.items() if n}
    assert counts["body_accented"] == counts["body_unaccented"] == counts["body_telex"] >= len(NEWS)
    assert counts["name"] >= 4  # Hari Won, U23, Toyota Vios, iPhone, A92, COVID-19
    for kind, scored in metrics.items():
        assert scored["mean_relevant"] >= 1
        for table in (scored, news["strict"][kind]):
            assert table["n"] == counts[kind]
            for system in relevance.NEWS_SYSTEMS:
                assert in_range(table[system]["mrr10"]) and in_range(table[system]["recall10"])
                assert table[system]["mrr10"] <= table[system]["recall10"]
    goals = news["goals"]
    assert set(goals["mrr10_floors"]) == set(relevance.NEWS_GOALS) & set(metrics)
    assert set(goals["versus_baselines"]) == set(metrics) and isinstance(goals["all_met"], bool)
    assert set(news["name_rewrites"]) == {"name", "name_lower"}
    # The accented words find their article in every system: the baselines work.
    assert all(metrics["body_accented"][system]["recall10"] == 1 for system in relevance.NEWS_SYSTEMS)
    text = relevance.news_report(news)
    assert "Tantivy MRR@10 / R@10" in text and "All goals met:" in text and "names/codes: lowercase" in text


def test_news_queries_follow_the_rules(news: dict[str, Any]) -> None:
    for kind, sample in news["sample_queries"].items():
        if sample and kind.endswith("_accented"):
            words = sample["query"].split()
            assert 3 <= len(words) <= 5 and all(w.isalpha() for w in words)
    name = news["sample_queries"]["name"]["query"]
    assert 1 <= len(name.split()) <= 3 and any(relevance.is_name_token(t) for t in name.split())


def test_name_tokens() -> None:
    abbreviations = relevance._abbreviation_syllables()
    names = [
        "Hari",
        "Won",
        "iPhone",
        "Toyota",
        "Vios",
        "U23",
        "A92",
        "COVID-19",
        "80B",
        "Jong-un",
        "NATO",
        "internet",
        "37B-016",
    ]
    assert all(relevance.is_name_token(t, abbreviations) for t in names)
    not_names = [
        "Việt",
        "Nam",
        "hòa",
        "UBND",
        "TP",
        "HCM",
        "XIII",
        "2017",
        "Đắk",
        "B",
        "Kim",
        "Ch",
        "PV",
        "TBT",
        "7km",
        "2h45",
    ]
    assert not any(relevance.is_name_token(t, abbreviations) for t in not_names)


def test_name_copies_hold_whole_tokens() -> None:
    docs = [
        relevance.Doc(id, title, body)
        for id, title, body in (
            ("a", "Hari Won hát", ""),
            ("b", "", "ca sĩ hari won, Won-bin"),
            ("c", "Won-bin", "Hari"),
            ("d", "COVID-19 tại Hà Nội", ""),
            ("e", "covid 19", "U23 Việt Nam"),
            ("f", "U230", ""),
        )
    ]
    stats = relevance.NewsStats(docs)
    assert stats.name_verbatim("Hari Won") == {"a", "b"}
    assert stats.name_verbatim("Won") == {"a", "b"}  # not `Won-bin`
    assert stats.name_verbatim("COVID-19") == {"d"}
    assert stats.name_verbatim("U23") == {"e"}


def test_baseline_queries_are_quoted() -> None:
    assert relevance.tantivy_quote('COVID-19 say "hi" a\\b OR') == '"COVID-19" "say" "\\"hi\\"" "a\\\\b" "OR"'
    assert relevance.literal("Hari Won") == '"Hari" "Won"'


def test_a_name_query_that_lost_its_literal_reading_is_counted() -> None:
    docs = [relevance.Doc("a", "Hari Won", ""), relevance.Doc("b", "Hải", "")]
    query = relevance.Query("name", "Hari Won", "a", frozenset({"a"}))
    results = {"vnsearch": [["b"]], "fts5": [["a"]], "tantivy": [["a"]]}
    details = [
        {
            "total": 0,
            "relaxed": True,
            "literal_total": 1,
            "expansions": [{"kind": "telex", "from": "hari", "to": "hải"}],
        }
    ]
    evaluated = relevance.evaluate_news([query], results, details, docs)
    names = evaluated["name_rewrites"]["name"]
    assert {k: v for k, v in names.items() if k not in ("examples", "dropped")} == {
        "n": 1,
        "rewritten": 1,
        "rewritten_and_dropped": 1,
        "literal_dropped": 1,
    }
    assert [e["query"] for e in names["dropped"]] == [e["query"] for e in names["examples"]] == ["Hari Won"]
    assert [f["query"] for f in evaluated["failures"]] == ["Hari Won"]
    assert evaluated["goals"]["versus_baselines"]["name"]["met"] is False


def test_rare_words_are_counted_verbatim_with_their_marks() -> None:
    docs = [
        relevance.Doc(id, title, "")
        for id, title in (
            ("a", "tổ chức Đảng"),
            ("b", "tổ chức đang họp"),
            ("c", "to chuc"),
            ("d", "chức tổ"),
        )
    ]
    stats = relevance.NewsStats(docs)  # under 200 articles: rare means in fewer than 2
    assert stats.rare_below == 2
    assert not stats.is_rare_word(relevance.stream("tổ chức")) and not stats.is_rare_word(" tổ ")
    assert stats.is_rare_word(relevance.stream("Đảng")) and stats.is_rare_word(relevance.stream("chức tổ"))
    assert relevance.stream("tổ chức") in relevance.words_of("Tổ chức Đảng họp")
