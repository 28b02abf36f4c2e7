"""Where an index's bytes go: by file, by searched field (document numbers, weights, positions
of the arrays files), and by table of the language model.

    python benchmarks/index_size.py INDEX_DIR [--text-bytes N] [--json]

With `--text-bytes` (the size of the articles' text, as index_bench reports it) every figure
is also given as a share of the text.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import click

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import table, write_json


def breakdown(index_dir: Path) -> dict[str, Any]:
    from indexer.store.build import open_index
    from indexer.store.language_model import FILENAME
    from indexer.store.postings import SegmentArrays

    files: Counter[str] = Counter()
    for path in index_dir.iterdir():
        if path.is_file():
            files[path.suffix or path.name] += path.stat().st_size
    fields: dict[str, Counter[str]] = {}
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        for leaf, _ in searcher.leaf_searchers():
            reader = leaf.reader()
            arrays = SegmentArrays.of(reader._storage, reader.segment())  # noqa: SLF001
            for field, terms in arrays.table.items():
                counts = fields.setdefault(field, Counter())
                for entry in terms.values():
                    counts["terms"] += 1
                    counts["postings"] += entry[1]
                    counts["positions"] += entry[2]
                    counts["bytes"] += arrays.entry_bytes(entry)
    language = {}
    if (index_dir / FILENAME).exists():
        with closing(sqlite3.connect(index_dir / FILENAME)) as db:
            try:
                rows = db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
                language = {name: size for name, size in rows}
            except sqlite3.OperationalError:  # an SQLite built without dbstat
                language = {}
    return {
        "files": dict(files),
        "fields": {f: dict(c) for f, c in sorted(fields.items())},
        "language_model": language,
        "total": sum(files.values()),
    }


def report(sizes: dict[str, Any], text_bytes: int | None) -> str:
    def share(n: int) -> str:
        return f"{n / text_bytes:.3f}x" if text_bytes else ""

    def mb(n: int) -> str:
        return f"{n / 1e6:,.1f}"

    rows = [[name, mb(n), share(n)] for name, n in sorted(sizes["files"].items(), key=lambda item: -item[1])]
    rows.append(["all", mb(sizes["total"]), share(sizes["total"])])
    text = ["By file type (MB):", table(["file", "MB", "of text"], rows), ""]
    rows = [
        [
            field,
            f"{c['terms']:,}",
            f"{c['postings']:,}",
            f"{c['positions']:,}",
            mb(c["bytes"]),
            share(c["bytes"]),
        ]
        for field, c in sizes["fields"].items()
    ]
    text += ["Arrays by field:", table(["field", "terms", "postings", "positions", "MB", "of text"], rows)]
    if sizes["language_model"]:
        rows = [
            [name, mb(n), share(n)]
            for name, n in sorted(sizes["language_model"].items(), key=lambda item: -item[1])
        ]
        text += ["", "Language model by table or index:", table(["", "MB", "of text"], rows)]
    return "\n".join(text)


@click.command()
@click.argument("index_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--text-bytes", type=click.IntRange(min=1), help="The articles' text size, to give shares of it."
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the results as JSON here."
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of tables.")
def main(index_dir: Path, text_bytes: int | None, out: Path | None, as_json: bool) -> None:
    """Where the bytes of the index at INDEX_DIR go."""
    sizes = breakdown(index_dir)
    sizes["text_bytes"] = text_bytes
    write_json(sizes, out, also_print=as_json)
    if not as_json:
        click.echo(report(sizes, text_bytes))


if __name__ == "__main__":
    main()
