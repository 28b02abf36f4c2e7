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
    result = CliRunner().invoke(relevance.main, [
        "--count", str(COUNT), "--targets", str(TARGETS), "--corpus", str(corpus), "--work", str(work), "--json",
    ])
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
    assert all(v in ("above", "tie", "below") for vs in goals["versus_baselines"].values() for v in vs.values())
    assert isinstance(goals["all_met"], bool)
    assert {"nproc", "python", "date"} <= set(results["machine"])


def test_queries_are_made_as_described() -> None:
    assert relevance.telex("Đảng") == "ddangr"
    assert [relevance.telex(s) for s in "tổ chức người khỏe".split()] == ["toor", "chuwcs", "nguwowif", "khoer"]
    assert [relevance.flip_tone(s) for s in ("hòa", "thuỷ", "Ủy", "hoàn", "quý")] == ["hoà", "thủy", "Uỷ", "hoàn", "quý"]
    assert relevance.fold("Đảng Ủy") == "dang uy"
    assert relevance.fts5_quote('say "hi" NEAR TP.HCM') == '"say" """hi""" "NEAR" "TP.HCM"'
    # Windows stay inside a run of syllables: not across punctuation, nor across `⅔`.
    assert [w for _, w in relevance.windows("Tổ chức, xây dựng Đảng ⅔ năm", 2)] == [
        ("Tổ", "chức"), ("xây", "dựng"), ("dựng", "Đảng")]


def test_report_is_a_table(results: dict[str, Any]) -> None:
    text = relevance.report(results)
    assert "vnsearch MRR@10 / R@10" in text and "FTS5 MRR@10 / R@10" in text and "Whoosh default" in text
    assert all(relevance.LABELS[kind] in text for kind in results["metrics"])
    assert "All goals met:" in text


def test_copies_hold_the_words_in_any_i_y_spelling_and_with_their_marks() -> None:
    docs = [relevance.Doc(id, title, "") for id, title in (
        ("a", "Các chí sĩ yêu nước"), ("b", "nhân sỹ trí thức"), ("c", "sì sụp"),
        ("d", "tỉ lệ"), ("e", "Tỷ giá"), ("f", "cần tránh"), ("g", "chiến tranh"))]
    stats = relevance.Stats(docs)
    assert stats.verbatim(["sỹ"], title_only=True) == {"a", "b"}
    assert stats.verbatim(["tỷ"], title_only=True) == {"d", "e"}
    assert stats.verbatim(["tranh"], title_only=True) == {"g"}
    assert stats.verbatim(["sĩ yêu"]) == {"a"}
