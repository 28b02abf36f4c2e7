"""Articles added from standard input (`vnsearch add -`), kept whole beside the index.

They have no file to read again, so `vnsearch index --rebuild` takes them from this record,
which is written with every commit that adds, changes or removes one of them: a damaged index
does not lose them. An index made before the record was kept has them in its stored fields
only: they are read from there until the next commit writes the record.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from whoosh.index import Index

from indexer.ingest.read import Article
from indexer.store.manifest import STDIN, write_json
from indexer.store.schema import LIST_FACETS, split_list

STDIN_FILE = "vnsearch-stdin.json"
_TEXTS = ("title", "body", "source", "author", "url")

Record = dict[str, object]  # an article as JSON: its stored fields, the date in ISO form


def record_of(article: Article) -> Record:
    """What the record keeps of an article."""
    record: Record = {name: getattr(article, name) for name in _TEXTS if getattr(article, name)}
    if article.date:
        record["date"] = article.date.isoformat()
    record.update({name: list(getattr(article, name)) for name in LIST_FACETS if getattr(article, name)})
    return record


def article_of(article_id: str, record: Record) -> Article:
    """The article a record (or an article's stored fields) holds."""

    def text(name: str) -> str | None:
        value = record.get(name)
        return value if isinstance(value, str) and value else None

    def facet(name: str) -> tuple[str, ...]:
        value = record.get(name, ())
        if isinstance(value, str):  # stored fields join the values
            return tuple(split_list(value))
        return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()

    date = record.get("date")
    if isinstance(date, str):
        try:
            date = datetime.fromisoformat(date)
        except ValueError:
            date = None
    return Article(
        id=article_id,
        path=STDIN,
        title=text("title") or "",
        body=text("body") or "",
        date=date if isinstance(date, datetime) else None,
        source=text("source"),
        author=text("author"),
        url=text("url"),
        **{name: facet(name) for name in LIST_FACETS},
    )


def read_records(index_dir: Path) -> dict[str, Record] | None:
    """The articles from standard input, by id; None when there is no record, or it is damaged."""
    try:
        records = json.loads((index_dir / STDIN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(records, dict) or not all(isinstance(r, dict) for r in records.values()):
        return None
    return records


def write_records(index_dir: Path, records: dict[str, Record]) -> None:
    """Replace the record, whole or not at all."""
    write_json(index_dir / STDIN_FILE, dict(sorted(records.items())))


def stored_records(ix: Index, ids: list[str]) -> dict[str, Record]:
    """The records of these articles, from what the index stores of them."""
    records: dict[str, Record] = {}
    with ix.searcher() as searcher:
        for article_id in ids:
            fields = searcher.document(id=article_id)
            if fields is not None:
                records[article_id] = record_of(article_of(article_id, fields))
    return records
