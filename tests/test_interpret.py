"""Query intelligence: Telex/VNI, abbreviations, typos, i/y variants and restored marks."""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as q
from whoosh.searching import Searcher

from indexer.query.interpret import Alternative, _in_context, _written_like
from indexer.query.language import Clause
from indexer.query.ranking import WHOLE_RUNS, Analysed, QueryBuilder, WholeRun, analyse
from indexer.query.search import search
from indexer.store.language_model import Counts, LanguageModel
from indexer.text.abbreviations import defined_pairs, key
from indexer.text.input_methods import decode
from indexer.text.marks import TextLexicon, restore

from .conftest import searcher_of


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("toor", ("tổ", "telex")),
        ("chuwcs", ("chức", "telex")),
        ("ddangr", ("đảng", "telex")),
        ("nguowif", ("người", "telex")),
        ("hoaf", ("hòa", "telex")),
        ("vieetj", ("việt", "telex")),
        ("ddawks", ("đắk", "telex")),
        ("lawks", ("lắk", "telex")),  # final k: Central Highlands names
        ("to63", ("tổ", "vni")),
        ("chu71c", ("chức", "vni")),
        ("d9a3ng", ("đảng", "vni")),
        ("viet", None),
        ("xin", None),
        ("tổ", None),
        ("2023", None),
    ],
)
def test_decode_telex_and_vni(typed: str, meant: tuple[str, str] | None) -> None:
    assert decode(typed) == meant


def test_abbreviations_defined_in_the_text() -> None:
    text = "Chủ tịch Hội đồng nhân dân (HĐND) tỉnh và Trung tâm Dự báo (TTDB) cùng Ủy ban (XYZ) họp."
    assert defined_pairs(text) == [("HĐND", "Hội đồng nhân dân"), ("TTDB", "Trung tâm Dự báo")]
    assert key("TP.HCM") == ("tp", "hcm") and key("HĐND") == ("hdnd",)


@contextmanager
def language_model(folder: Path, *texts: str) -> Iterator[LanguageModel]:
    """The counts of `texts`, saved in `folder` and opened."""
    counts = Counts()
    counts.add(*texts)
    counts.save(folder)
    model = LanguageModel(folder)
    try:
        yield model
    finally:
        model.close()


def test_marks_are_restored_from_the_counts(tmp_path: Path) -> None:
    texts = (
        "Thành ủy Hải Phòng họp. Thành ủy Hải Phòng chỉ đạo.",
        "Thanh Hóa và thanh niên. Đảng viên đang học.",
    )
    with language_model(tmp_path, *texts) as model:
        assert model.restore(["thanh", "uy", "hai", "phong"]) == ["thành", "ủy", "hải", "phòng"]
        assert model.restore(["thanh", "hoa"]) == ["thanh", "hóa"]
        assert model.restore(["zzz"]) == ["zzz"]  # never seen: left as typed


def test_a_slug_gets_the_marks_its_own_article_gives_it() -> None:
    text = (
        "Người mẫu Demi Rose vừa chia sẻ bức ảnh gợi cảm trên trang cá nhân.\n"
        "Demi Rose từng vướng tin đồn nâng ngực, nhưng cô phủ nhận."
    )
    assert restore("demi rose phu nhan tin don nang nguc".split(), TextLexicon(text)) == [
        "demi",
        "rose",
        "phủ",
        "nhận",
        "tin",
        "đồn",
        "nâng",
        "ngực",
    ]
    # A syllable the article does not hold gets the marks of the language's common words.
    assert restore(["hoc", "sinh"], TextLexicon("Bài viết.")) == ["học", "sinh"]


def test_near_spellings_are_ordered_by_their_neighbours(tmp_path: Path) -> None:
    with language_model(tmp_path, "Hoạt động. " * 5 + "Kế hoạch năm nay.") as model:
        near = ["hoat", "hoach"]  # `hoac` is one edit from both; `hoạt` is the more frequent
        assert _in_context(near, ["ke", "hoac"], 1, model) == ["hoach", "hoat"]
        assert _in_context(near, ["hoac", "dong"], 0, model) == ["hoat", "hoach"]
        assert _in_context(near, ["hoac"], 0, model) == near  # no neighbours: as given


def test_a_typo_keeps_the_marks_typed(tmp_path: Path) -> None:
    with language_model(tmp_path, "Hợp tác. " * 5 + "Đang họp.") as model:
        assert _written_like("họpp", "hop", model) == "họp"  # though `hợp` is more frequent
        assert _written_like("hopp", "hop", model) == "hợp"  # no marks typed: the most frequent
        assert _written_like("họpp", "zzz", model) == "zzz"  # never seen: as folded


def test_words_side_by_side_are_ranked_as_typed_and_as_corrected() -> None:
    typed = analyse(Clause("kế hoac năm"))
    corrected = Analysed(typed.clause, typed.words, typed.units, ("kế", "hoạch", "năm"))
    terms = {
        bonus.terms
        for bonus in QueryBuilder(use_marks=False).bonus([[corrected]])
        if bonus.field == "body_fold"
    }
    assert {
        ("ke", "hoac"),
        ("ke", "hoach"),
        ("hoach", "nam"),
        ("ke", "hoach", "nam"),
        ("ke", "hoac", "nam"),
    } <= terms


def test_whole_runs_try_each_typo_s_near_spellings_and_stay_few() -> None:
    # Twelve misspelt syllables, six near spellings each: as meant, as typed, then one other
    # reading at a time, from the first syllable on (not 7 ** 12 combinations); readings that
    # fold alike are one run.
    typed = analyse(Clause(" ".join(["dann"] * 11 + ["bann"])))
    near = ("dân", "đàn", "đang", "đan", "dan", "danh")
    units = tuple((Alternative((s,)), *(Alternative((n,), 0.5) for n in near)) for s in typed.syllables)
    meant = tuple(["đang"] * 11 + ["bản"])
    runs = QueryBuilder(use_marks=False).whole_runs([[Analysed(typed.clause, typed.words, units, meant)]])
    body = [run.phrase.words for run in runs if run.phrase.fieldname == "body_fold"]
    as_meant = ["dang"] * 11 + ["ban"]
    assert len(body) == WHOLE_RUNS
    assert body == [
        as_meant,
        ["dann"] * 11 + ["bann"],
        ["dan", *as_meant[1:]],
        ["danh", *as_meant[1:]],
        ["dang", "dan", *as_meant[2:]],
        ["dang", "danh", *as_meant[2:]],
    ]


def test_a_whole_run_is_as_rare_as_the_live_articles_holding_it() -> None:
    # Deleted articles stay in `found`'s length until a merge: the rarity counts live ones.
    run = WholeRun(q.Phrase("body_fold", ["a", "b"]), weight=2.0)
    scores = run.scores(np.array([True, False, False, False]), documents=2).scores
    assert scores.tolist() == pytest.approx([2.0 * math.log(1 + 2 / 1), 0, 0, 0])


def test_whole_runs_with_marks_count_the_marks_typed() -> None:
    clause = analyse(Clause("ứng phó trước"))
    runs = QueryBuilder(use_marks=True).whole_runs([[clause]])
    body = [run for run in runs if run.phrase.fieldname == "body_fold"]
    assert [run.marks for run in body] == [(), tuple(q.Term("body_syl", s) for s in ("ứng", "phó", "trước"))]
    assert body[1].weight > body[0].weight


INTELLIGENCE = {
    "ubnd-short": "Tin A về hành chính\nUBND tỉnh Quảng Trị họp bàn kế hoạch phòng chống lũ lụt.\n",
    "ubnd-long": "Tin B về hành chính\nỦy ban nhân dân thành phố Đà Nẵng công bố quy hoạch bến cảng.\n",
    "defines": "Tin C về dự báo\nTrung tâm Dự báo (TTDB) cảnh báo mưa lớn ở miền Trung.\n",
    "expansion-only": "Tin D về dự báo\nTrung tâm Dự báo cho biết nắng nóng kéo dài tại Hà Nội.\n",
    "technique": "Tin E về kĩ thuật\nCác kĩ sư bàn về kĩ thuật xây dựng cầu treo và lí luận mới.\n",
    "party": "Tin F về tổ chức\nTổ chức cơ sở Đảng ở xã được củng cố vững mạnh.\n",
    "singer": (
        "Tin G về giải trí\nCa sĩ Hari Won hát cùng các nghệ sĩ trong đêm nhạc ở Hải Phòng.\n"
        "Bài cuối là Six Days.\n"
    ),
    "seafood": "Tin H về hải sản\nGiá hải sản ở chợ Hải Phòng tăng, tàu hải quân cập cảng.\n",
    "codes": "Tin I về xe\nXe biển số 80B bị phạt; giá xăng RON92 tăng, đội U23 thắng.\n",
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    with searcher_of(INTELLIGENCE, tmp_path_factory) as opened:
        yield opened


def ids(result: dict) -> set[str]:
    return {hit["id"] for hit in result["hits"]}


def test_an_abbreviation_finds_its_expansion_and_back(searcher: Searcher) -> None:
    short = search(searcher, "UBND")
    assert ids(short) == {"ubnd-short", "ubnd-long"}
    assert short["expansions"] == [{"kind": "abbreviation", "from": "ubnd", "to": "Ủy ban nhân dân"}]
    assert ids(search(searcher, "Ủy ban nhân dân")) == {"ubnd-short", "ubnd-long"}
    assert ids(search(searcher, "ubnd Đà Nẵng")) == {"ubnd-long"}


def test_an_abbreviation_the_articles_define(searcher: Searcher) -> None:
    assert ids(search(searcher, "TTDB")) == {"defines", "expansion-only"}


def test_telex_and_vni_queries_search_what_they_mean(searcher: Searcher) -> None:
    accented = ids(search(searcher, "tổ chức Đảng"))
    telex = search(searcher, "toor chuwcs ddangr")
    assert ids(telex) == accented == {"party"}
    assert [e["to"] for e in telex["expansions"] if e["kind"] == "telex"] == ["tổ", "chức", "đảng"]
    assert ids(search(searcher, "to63 chu71c")) == {"party"}


def test_a_word_the_index_holds_is_never_replaced_by_its_telex_reading(searcher: Searcher) -> None:
    # `hari` spells `hải` in Telex, a far more frequent syllable here; but the articles use
    # `Hari` as a word, so it is searched as typed, with `hải` only as a lower alternative.
    for query in ("Hari Won", "hari won"):
        result = search(searcher, query)
        assert ids(result) == {"singer"} and not result["relaxed"]
        assert {"kind": "telex", "from": "hari", "to": "hải"} in result["expansions"]
    ranked = search(searcher, "hari")["hits"]
    assert ranked[0]["id"] == "singer" and {hit["id"] for hit in ranked} == {"singer", "seafood"}


def test_a_telex_reading_is_searched_in_the_i_y_form_the_index_writes(searcher: Searcher) -> None:
    # `kix` and `six` read `kĩ` and `sĩ`, which the index holds as `kỹ` and `sỹ`.
    assert ids(search(searcher, "kix thuaatj")) == {"technique"}
    result = search(searcher, "cas six")  # `six` is also a word of the articles: both are searched
    assert ids(result) == {"singer"}
    assert {"kind": "telex", "from": "six", "to": "sỹ"} in result["expansions"]


@pytest.mark.parametrize("query", ["80B", "80b", "RON92", "ron92", "u23", "U23"])
def test_letters_and_digits_written_together_are_matched_as_typed(searcher: Searcher, query: str) -> None:
    assert ids(search(searcher, query)) == {"codes"}


def test_a_typo_finds_the_word_below_exact_matches(searcher: Searcher) -> None:
    result = search(searcher, "quyhoachh")
    assert result["total"] == 0 or result["expansions"]  # one long syllable with no near word
    typo = search(searcher, "kế hoạchh")
    assert ids(typo) == {"ubnd-short"}
    assert {"kind": "typo", "from": "hoạchh", "to": "hoạch"} in typo["expansions"]


def test_i_and_y_spellings_are_equal(searcher: Searcher) -> None:
    assert ids(search(searcher, "kỹ thuật")) == ids(search(searcher, "kĩ thuật")) == {"technique"}
    assert ids(search(searcher, "lý luận")) == {"technique"}


def test_unaccented_query_gets_a_suggestion_and_prefers_it(corpus_searcher: Searcher) -> None:
    result = search(corpus_searcher, "thanh uy hai phong")
    assert result["suggestion"] == "thành ủy hải phòng"
    assert search(corpus_searcher, "Thành ủy Hải Phòng")["suggestion"] is None  # marks typed, found
