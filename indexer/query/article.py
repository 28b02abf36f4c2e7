"""One article as plain data: its metadata, its body with the search's words marked, and the
articles most like it."""

from __future__ import annotations

from typing import Any

from whoosh.searching import Searcher

from indexer.ingest.dates import to_iso
from indexer.ingest.read import web_link
from indexer.query.highlight import body_spans
from indexer.query.search import query_units
from indexer.query.snippets import mark_all
from indexer.store.schema import LIST_FACETS, split_list

RELATED = 5


class ArticleNotFound(KeyError):
    """No article has that id."""


def get_article(searcher: Searcher, article_id: str, query: str | None = None) -> dict[str, Any]:
    """The article `article_id`; with `query`, its words are marked in `body_html`
    (paragraphs as `<p>`, text HTML-escaped). Raises `ArticleNotFound`."""
    docnum = searcher.document_number(id=article_id)
    if docnum is None:
        raise ArticleNotFound(article_id)
    fields = searcher.stored_fields(docnum)
    body = fields.get("body", "")
    spans = body_spans(body, query_units(query)) if query else []
    return {
        "id": fields["id"],
        "title": fields.get("title", ""),
        "date": to_iso(fields.get("date")),
        "source": fields.get("source"),
        "author": fields.get("author"),
        "url": web_link(fields.get("url")),  # an index made before ingestion checked it
        **{name: split_list(fields.get(name, "")) for name in LIST_FACETS},
        "body": body,
        "body_html": "".join(f"<p>{line}</p>" for line in mark_all(body, spans).split("\n") if line.strip()),
        "related": _related(searcher, docnum, body),
    }


def _related(searcher: Searcher, docnum: int, body: str) -> list[dict[str, Any]]:
    """The articles whose key words are most like this one's (Whoosh's more-like-this)."""
    if not body.strip():
        return []
    hits = searcher.more_like(docnum, "body_fold", text=body, top=RELATED, numterms=12)
    # The stored values only: whoosh3's `hit.get` falls back to a field's sortable column,
    # which has no date for an article without one.
    stored = [hit.fields() for hit in hits]
    return [
        {"id": fields["id"], "title": fields.get("title", ""), "date": to_iso(fields.get("date"))}
        for fields in stored
    ]
