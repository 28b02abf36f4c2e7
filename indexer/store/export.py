"""An index's articles as OpenSearch (or Elasticsearch) takes them: an index mapping, and bulk
files of documents whose searched fields are analysed already (docs/scaling.md).

vnsearch's analysis stays vnsearch's: each searched field goes out as its terms in order,
joined by spaces (`thành ủy hải phòng` as `thanh uy hai phong` in `title_fold`), for the
engine's whitespace tokenizer to split again and do nothing more. Facets are keyword fields,
the stored text is kept but not indexed. The manifest of local files (path, folder, stamp,
hash) means nothing to a cluster and is left out. Not yet tried against a live cluster.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh.fields import DATETIME, ID, KEYWORD, STORED
from whoosh.index import Index

from indexer.store.postings import has_arrays, keeps_positions
from indexer.store.schema import LIST_FACETS, TextColumn, build_schema, split_list
from indexer.text.analysis import index_terms

INDEX_NAME = "vnsearch"
ARTICLES_PER_FILE = 1_000  # a bulk file of real news is then about 10 MB: one request each
ANALYSER = "pre_analysed"
MAX_ID_BYTES = 512  # the engines refuse a document whose _id is longer
# The texts each analysed field is made from, when not a field of the same name's (`title_fold`
# from `title`): the facets keep their canonical form, which folds to the same syllables.
_SOURCES = {"source_fold": "source", "author_fold": "author"}


def mapping() -> dict[str, Any]:
    """The index's settings and mappings, from vnsearch's schema."""
    schema = build_schema()
    properties: dict[str, Any] = {}
    for name, field in schema.items():
        if has_arrays(field):
            # BM25 with norms, as vnsearch scores; positions only where vnsearch keeps them.
            properties[name] = {
                "type": "text",
                "analyzer": ANALYSER,
                "index_options": "positions" if keeps_positions(field) else "freqs",
            }
        elif isinstance(field, DATETIME):
            properties[name] = {"type": "date"}
        elif isinstance(field, (ID, KEYWORD)):
            properties[name] = {"type": "keyword"}
        elif isinstance(field, STORED):
            properties[name] = {"type": "text", "index": False}
        elif not isinstance(field, TextColumn):  # the manifest's columns are left out
            raise TypeError(f"no mapping for the field {name} ({type(field).__name__})")
    return {
        "settings": {
            "analysis": {"analyzer": {ANALYSER: {"type": "custom", "tokenizer": "whitespace"}}},
        },
        "mappings": {"dynamic": "strict", "properties": properties},
    }


def documents(ix: Index) -> Iterator[dict[str, Any]]:
    """Each article of the index as a document of the mapping."""
    schema = build_schema()
    properties = mapping()["mappings"]["properties"]
    analysed = {name: field.analyzer for name, field in schema.items() if has_arrays(field)}
    with ix.searcher() as searcher:
        for stored in searcher.all_stored_fields():
            document: dict[str, Any] = {}
            for name in properties:
                if name in analysed:
                    text = stored.get(_SOURCES.get(name, name.rsplit("_", 1)[0]))
                    terms = index_terms(analysed[name], text) if isinstance(text, str) else None
                    if terms:
                        document[name] = " ".join(terms)
                elif stored.get(name) not in (None, ""):
                    document[name] = _value(name, stored[name])
            yield document


def _value(name: str, value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if name in LIST_FACETS and isinstance(value, str):
        return split_list(value)
    return value


def write_bulk(
    ix: Index, folder: Path, progress: Callable[[int], object] = lambda articles: None
) -> tuple[int, list[Path], list[str]]:
    """Write `mapping.json` and `bulk-00001.ndjson`, ... (ARTICLES_PER_FILE articles each) into
    `folder`, which must be empty or absent; return the articles written, the bulk files, and
    the ids left out: longer than the engines take (MAX_ID_BYTES)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FileExistsError(f"{folder} is not an empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mapping.json").write_text(json.dumps(mapping(), indent=1) + "\n", encoding="utf-8")
    files: list[Path] = []
    too_long: list[str] = []
    written = 0
    handle = None
    try:
        for document in documents(ix):
            progress(1)
            if len(document["id"].encode("utf-8")) > MAX_ID_BYTES:
                too_long.append(document["id"])
                continue
            if written % ARTICLES_PER_FILE == 0:
                if handle is not None:
                    handle.close()
                files.append(folder / f"bulk-{len(files) + 1:05d}.ndjson")
                handle = files[-1].open("w", encoding="utf-8")
            action = {"index": {"_index": INDEX_NAME, "_id": document["id"]}}
            for line in (action, document):
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            written += 1
    finally:
        if handle is not None:
            handle.close()
    return written, files, too_long
