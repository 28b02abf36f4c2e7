"""Articles added from standard input (`vnsearch add -`), kept whole beside the index.

They have no file to read again, so `vnsearch index --rebuild` takes them from this record: a
damaged index does not lose them. The record is written after each commit that adds, changes or
removes one of them, and brought in step with the index at the start of every run that writes
(`in_step`; a rebuild too, while the old index can be read): a run stopped between its commit
and the record, a lost or damaged record, or an index made before the record was kept, are made
good from what the index stores.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from whoosh.index import Index

from indexer.ingest.dates import parse_date
from indexer.ingest.read import Article, web_link
from indexer.store.manifest import STDIN, write_json
from indexer.store.schema import LIST_FACETS, split_list

STDIN_FILE = "vnsearch-stdin.json"
_TEXTS = ("title", "body", "source", "author", "url")

Record = dict[str, object]  # an article as JSON: its stored fields, the date in ISO form


def record_of(article: Article, content_hash: str | None = None) -> Record:
    """What the record keeps of an article, with the content hash the index has for it (by
    default, the article's own): how a run tells a record that lags behind the index."""
    record: Record = {name: getattr(article, name) for name in _TEXTS if getattr(article, name)}
    record["content_hash"] = content_hash or article.content_hash
    if article.date:
        record["date"] = article.date.isoformat()
    record.update({name: list(getattr(article, name)) for name in LIST_FACETS if getattr(article, name)})
    return record


def article_of(article_id: str, record: Record) -> Article | None:
    """The article a record (or an article's stored fields) holds; None for one with no text.
    A record is a file anyone could edit: values of the wrong type are left out, text that no
    index can store (lone surrogates) is cut out, a link must be http(s)."""

    def text(name: str) -> str:
        value = record.get(name)
        return _storable(value).strip() if isinstance(value, str) else ""

    def facet(name: str) -> tuple[str, ...]:
        value = record.get(name)
        values = split_list(value) if isinstance(value, str) else value if isinstance(value, list) else []
        return tuple(_storable(item) for item in values if isinstance(item, str) and _storable(item).strip())

    date = record.get("date")
    if isinstance(date, str):
        date = parse_date(date)
    if not (text("title") or text("body")):
        return None
    return Article(
        id=_storable(article_id),
        path=STDIN,
        title=text("title"),
        body=text("body"),
        date=date if isinstance(date, datetime) else None,
        source=text("source") or None,
        author=text("author") or None,
        url=web_link(text("url")),
        **{name: facet(name) for name in LIST_FACETS},
    )


def _storable(value: str) -> str:
    return value.encode("utf-8", "ignore").decode("utf-8")


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


def in_step(index_dir: Path, ix: Index, held: dict[str, str]) -> tuple[dict[str, Record], bool]:
    """The record of the articles from standard input that the index holds (`held`: id ->
    content hash), and whether the file must be written again: entries of articles no longer
    held go, and those it lacks or holds in another version are taken from the index."""
    records = read_records(index_dir)
    kept = {
        article_id: record
        for article_id, record in (records or {}).items()
        if article_id in held and record.get("content_hash") == held[article_id]
    }
    kept.update(_stored_records(ix, {i: h for i, h in held.items() if i not in kept}))
    return kept, kept != records


def to_rebuild(index_dir: Path, ix: Index, held: dict[str, str]) -> tuple[list[Article], list[str]]:
    """For a rebuild: the articles from standard input, and notices. While the old index holds
    some (`held`), it is the truth and the record is brought in step with it (`in_step`); an
    index that holds none, or could not be read, leaves the record as the only source. A
    damaged record is kept aside, for whoever can mend it."""
    notices = []
    path = index_dir / STDIN_FILE
    recorded = read_records(index_dir)
    if recorded is None and os.path.lexists(path):
        aside = _free_name(path.with_name(f"{STDIN_FILE}.damaged"))
        try:
            os.replace(path, aside)
            kept = f"kept as {aside.name}"
        except OSError as error:
            kept = f"it cannot be kept aside ({error.strerror})"
        notices.append(f"{path} is damaged: {kept}; the articles from standard input come from the old index")
    records = in_step(index_dir, ix, held)[0] if held else recorded or {}
    articles = []
    for article_id, record in records.items():
        article = article_of(article_id, record)
        if article is None:
            notices.append(f"{STDIN_FILE}: {article_id} has no text, left out")
        else:
            articles.append(article)
    return articles, notices


def _free_name(path: Path) -> Path:
    """`path`, or `path.2`, `path.3`, ...: the first that is not taken."""
    number = 1
    candidate = path
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{path.name}.{number}")
    return candidate


def _stored_records(ix: Index, held: dict[str, str]) -> dict[str, Record]:
    """The records of these articles (id -> content hash), from what the index stores of them."""
    records: dict[str, Record] = {}
    with ix.searcher() as searcher:
        for article_id, content_hash in sorted(held.items()):
            fields = searcher.document(id=article_id)
            article = article_of(article_id, fields) if fields is not None else None
            if article is not None:
                records[article_id] = record_of(article, content_hash)
    return records
