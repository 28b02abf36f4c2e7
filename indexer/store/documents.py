"""What becomes of a file's articles before they are written: the work a worker does.

Reading, cleaning and segmenting are most of the cost of indexing, so they run away from the
indexing process: in its local pool of processes (`indexer.store.build`) or on a Dask cluster
(`indexer.store.cluster`). Both call `prepare` on a file, and both write an article into a
segment with `document_fields`, the analysed fields and `manifest_fields`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

from whoosh.fields import Schema

from indexer.ingest.read import Article, Extracted, Problem, read_articles
from indexer.store.language_model import Counts
from indexer.store.manifest import Entry
from indexer.store.postings import Analysed, analyse, has_arrays
from indexer.store.schema import FORMS, LIST_FACETS, LIST_SEPARATOR, TEXT_FIELDS, build_schema
from indexer.text.normalize import canonical

Job = tuple[Path, Path, str]  # a file, the folder it was found in, its stamp


class Analysis(NamedTuple):
    """What a worker made of an article beside the article itself: its searched text fields
    analysed (`postings.Analysed`) and its language-model counts."""

    fields: dict[str, Analysed]
    counts: Counts


# A file's articles (or problems), each with what a worker made of it (None: not analysed yet).
Prepared = list[tuple[Extracted | Problem, Analysis | None]]


def prepare(job: Job) -> Prepared:
    """In a worker: the articles of a file, each with its analysis."""
    file, root, _ = job
    prepared: Prepared = []
    for item in read_articles(file, root):
        if isinstance(item, Extracted):
            prepared.append((item, Analysis(analysed_fields(item.article), counts_of(item.article))))
        else:
            prepared.append((item, None))
    return prepared


def analysed_fields(article: Article) -> dict[str, Analysed]:
    """The article's searched text fields, analysed as the index's writer would."""
    schema = _schema()
    return {
        name: analyse(schema[name], value)
        for name, value in document_fields(article).items()
        if has_arrays(schema[name]) and isinstance(value, str)
    }


@cache
def _schema() -> Schema:  # built once per worker
    return build_schema()


def counts_of(article: Article) -> Counts:
    counts = Counts()
    counts.add(article.title, article.body)
    return counts


def manifest_fields(entry: Entry) -> dict[str, str]:
    return {"path": entry.path, "root": entry.root, "stamp": entry.stamp, "content_hash": entry.content_hash}


def document_fields(article: Article) -> dict[str, object]:
    """The Whoosh fields of one article."""
    fields: dict[str, object] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
    }
    for name in TEXT_FIELDS:
        text = getattr(article, name)
        fields.update({f"{name}_{form}": text for form in FORMS})
    if article.url:
        fields["url"] = article.url
    if article.date:
        fields["date"] = article.date
        fields["year"] = f"{article.date:%Y}"
        fields["month"] = f"{article.date:%Y-%m}"
    # Facet values in canonical form, so `Thuỷ` and `Thủy` are one author.
    for name in ("source", "author"):
        value = getattr(article, name)
        if value:
            fields[name] = canonical(value)
            fields[f"{name}_fold"] = value
    for name in LIST_FACETS:
        values = getattr(article, name)
        if values:
            fields[name] = LIST_SEPARATOR.join(canonical(v) for v in values)
    return fields
