"""An index built before the engine's modules moved into rooms (`indexer.analysis` became
`indexer.text.analysis`, and so on) still opens, answers and takes new articles: its schema and
segments pickle our classes by their old module paths (`indexer.store.legacy`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from indexer.cli import cli

# Two articles added from standard input by commit 1c06c49, the last before the move.
FIXTURE = Path(__file__).parent / "fixtures" / "index-before-rooms"


def test_an_index_built_before_the_move_opens_answers_and_takes_new_articles(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    shutil.copytree(FIXTURE, index_dir)
    (toc,) = index_dir.glob("_MAIN_*.toc")
    assert (
        b"indexer.analysis" in toc.read_bytes() and b"indexer.postings" in toc.read_bytes()
    )  # the old paths
    index = ["--index", str(index_dir)]

    def found(query: str) -> list[str]:
        result = CliRunner().invoke(cli, ["search", query, "--json", *index])
        assert result.exit_code == 0, result.output
        return [hit["id"] for hit in json.loads(result.output)["hits"]]

    assert CliRunner().invoke(cli, ["check", *index]).exit_code == 0
    assert found("thanh uy hai phong") == ["hai-phong"]
    assert found("80b") == ["xe-80b"]
    added = CliRunner().invoke(
        cli, ["add", "-", "--id", "hue", *index], input="Mưa lớn ở Huế\nHuế mưa lớn suốt đêm.\n"
    )
    assert added.exit_code == 0, added.output
    assert found("Huế") == ["hue"]
    assert sorted(found("cao tốc")) == ["hai-phong", "xe-80b"]  # the old segments with the new one
