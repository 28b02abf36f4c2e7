"""`vnsearch export --format opensearch`: a mapping and bulk files another engine can load, and
queries as vnsearch reads them in that engine's query DSL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from whoosh import query as q
from whoosh.searching import Searcher

import indexer.store.export
from indexer.cli import cli
from indexer.query.language import QueryError
from indexer.query.opensearch import request, translate
from indexer.store.build import open_index
from indexer.store.export import mapping
from indexer.store.postings import has_arrays
from indexer.store.schema import LIST_FACETS, TextColumn, build_schema


def exported(index_dir: Path, folder: Path) -> tuple[dict[str, Any], list[list[dict[str, Any]]]]:
    """The mapping, and each bulk file's (action, document) pairs, checked to be bulk NDJSON."""
    result = CliRunner().invoke(cli, ["export", str(folder), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    files = sorted(folder.glob("bulk-*.ndjson"))
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        ["mapping.json", *(f.name for f in files)]
    )
    bulks = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert text.endswith("\n")  # the bulk API wants the last line ended too
        lines = [json.loads(line) for line in text.splitlines()]
        assert len(lines) % 2 == 0
        bulks.append(list(zip(lines[::2], lines[1::2])))
    return json.loads((folder / "mapping.json").read_text(encoding="utf-8")), bulks


def test_the_bulk_files_hold_every_article_and_field(fixture_index_dir: Path, tmp_path: Path) -> None:
    mapping, bulks = exported(fixture_index_dir, tmp_path / "out")
    properties = mapping["mappings"]["properties"]
    assert mapping["mappings"]["dynamic"] == "strict"  # a field the mapping lacks is refused
    manifest = {name for name, field in build_schema().items() if isinstance(field, TextColumn)}
    assert set(properties) == set(build_schema().names()) - manifest
    pairs = [pair for bulk in bulks for pair in bulk]
    with open_index(fixture_index_dir).searcher() as searcher:
        stored = {fields["id"]: fields for fields in searcher.all_stored_fields()}
        lexicons = {
            name: {term.decode() for term in searcher.reader().lexicon(name)}
            for name, field in build_schema().items()
            if has_arrays(field)
        }
    assert sorted(action["index"]["_id"] for action, _ in pairs) == sorted(stored)
    exported_terms: dict[str, set[str]] = {name: set() for name in lexicons}
    for action, document in pairs:
        assert action["index"]["_id"] == document["id"] and set(document) <= set(properties)
        fields = stored[document["id"]]
        assert (document["title"], document["body"]) == (fields["title"], fields["body"])
        if "date" in fields:
            assert datetime.fromisoformat(document["date"]) == fields["date"]
        for name in LIST_FACETS:
            assert document.get(name, []) == [v for v in fields.get(name, "").split(",") if v]
        for name in lexicons:
            exported_terms[name] |= set(document.get(name, "").split())
    # The searched fields hold the terms the index holds, analysed as vnsearch analyses them.
    assert exported_terms == lexicons
    assert "hoi nghi" in next(d["title_fold"] for _, d in pairs if d["id"] == "marks/exact")


def test_bulk_files_are_cut_to_size(
    fixture_index_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer.store.export, "ARTICLES_PER_FILE", 4)
    _, bulks = exported(fixture_index_dir, tmp_path / "out")
    assert [len(bulk) for bulk in bulks[:-1]] == [4] * (len(bulks) - 1) and 1 <= len(bulks[-1]) <= 4


def test_an_export_never_writes_over_other_files(fixture_index_dir: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    (tmp_path / "file").write_text("mine")
    for folder in (taken, tmp_path / "file"):
        result = CliRunner().invoke(cli, ["export", str(folder), "--index", str(fixture_index_dir)])
        assert result.exit_code == 2 and "export into a new or empty folder" in result.stderr
    assert (taken / "notes.txt").read_text() == "mine" and (tmp_path / "file").read_text() == "mine"


QUERIES = ["hoi nghi", "Đảng -đang", '"tổ chức" date:2022', "thanh uy hai phong", "hooij nghij source:Báo"]


@pytest.mark.parametrize("text", QUERIES)
def test_queries_translate_to_the_fields_of_the_mapping(fixture_searcher: Searcher, text: str) -> None:
    properties = mapping()["mappings"]["properties"]
    body = request(fixture_searcher, text, {"source": ["Báo Mẫu"]})
    json.dumps(body)  # plain JSON
    used = list(_leaves(body))
    assert used and all(field in properties for _, field in used)
    # A phrase needs positions, which only the folded fields keep.
    for kind, field in used:
        if kind == "match_phrase":
            assert properties[field]["index_options"] == "positions", field
    if text.startswith('"'):  # the quoted words together, in the year asked for
        assert ("match_phrase", "body_fold") in used and ("range", "date") in used
    if text == "thanh uy hai phong":  # the words side by side rank first
        assert "thanh uy hai phong" in json.dumps(body["rescore"])


def _leaves(node: object) -> Iterator[tuple[str, str]]:
    """(kind, field) of every term, phrase and range in a query body."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("term", "match_phrase", "range"):
                yield from ((key, field) for field in value)
            else:
                yield from _leaves(value)
    elif isinstance(node, list):
        for item in node:
            yield from _leaves(item)


def test_a_query_vnsearch_refuses_is_refused_and_an_unknown_kind_is_said(fixture_searcher: Searcher) -> None:
    with pytest.raises(QueryError):
        request(fixture_searcher, "!!!")
    with pytest.raises(TypeError, match="no translation for Not"):
        translate(q.Not(q.Term("id", "a")))


def test_the_cli_prints_a_request_with_the_page_and_order_asked_for(fixture_index_dir: Path) -> None:
    index = ["--index", str(fixture_index_dir)]
    ranked = CliRunner().invoke(cli, ["search", "hội nghị", "--opensearch", "-n", "5", "-p", "3", *index])
    assert ranked.exit_code == 0, ranked.output
    body = json.loads(ranked.output)
    assert (body["size"], body["from"], body["rescore"]["window_size"]) == (5, 10, 100)
    newest = json.loads(
        CliRunner().invoke(cli, ["search", "hội nghị", "--opensearch", "--sort", "newest", *index]).output
    )
    # The engine refuses a rescore beside a sort: the order asked for instead.
    assert "rescore" not in newest and newest["sort"] == [{"date": {"order": "desc", "missing": "_last"}}]
    refused = CliRunner().invoke(cli, ["search", "!!!", "--opensearch", *index])
    assert refused.exit_code == 2 and "no words" in refused.stderr


def test_ids_the_engines_refuse_are_left_out_with_a_warning(
    fixture_index_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer.store.export, "MAX_ID_BYTES", len("marks/exact"))
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "out"), "--index", str(fixture_index_dir)])
    assert result.exit_code == 0 and "whose id is longer than OpenSearch takes" in result.stderr
    assert "marks/folded" in result.stderr and "marks/exact" not in result.stderr


def test_pages_past_the_engines_window_are_refused(fixture_searcher: Searcher) -> None:
    with pytest.raises(QueryError, match="past the first 10,000"):
        request(fixture_searcher, "hội nghị", size=100, page=101)
    assert request(fixture_searcher, "hội nghị", size=100, page=100)["from"] == 9_900
