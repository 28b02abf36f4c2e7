"""vnsearch's engine: everything that is not HTTP. Text in, index out, queries in, results out.

Four rooms, each importing only the ones before it: `text` (Vietnamese text: canonical form,
folding, word segmentation, analysers), `ingest` (files to articles), `store` (the index on
disk) and `query` (a query to the result dict). `cli` is the `vnsearch` command. From Python:

    from indexer import default_index_dir, open_index, search
    with open_index(default_index_dir()).searcher() as searcher:
        print(search(searcher, "thành ủy hải phòng")["hits"][0]["title"])
"""

from __future__ import annotations

import importlib
from typing import Any

# Each public name and the module it comes from, imported on first use (as underthesea loads
# its models): importing one room, `indexer.text` say, does not load the whole engine.
_PUBLIC = {
    "ArticleNotFound": "indexer.query.article",
    "IndexDamaged": "indexer.store.build",
    "IndexUnavailable": "indexer.store.build",
    "IngestError": "indexer.ingest.errors",
    "QueryError": "indexer.query.language",
    "default_index_dir": "indexer.store.build",
    "get_article": "indexer.query.article",
    "index_paths": "indexer.store.build",
    "open_index": "indexer.store.build",
    "search": "indexer.query.search",
    "suggest": "indexer.query.suggest",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
