"""vnsearch's engine: everything that is not HTTP. Text in, index out, queries in, results out.

Four rooms, each importing only the ones before it: `text` (Vietnamese text: canonical form,
folding, word segmentation, analysers), `ingest` (files to articles), `store` (the index on
disk) and `query` (a query to the result dict). `cli` is the `vnsearch` command. From Python:

    from indexer import default_index_dir, open_index, search
    with open_index(default_index_dir()).searcher() as searcher:
        print(search(searcher, "thành ủy hải phòng")["hits"][0]["title"])
"""

from indexer.ingest import IngestError
from indexer.query import ArticleNotFound, QueryError, get_article
from indexer.query.search import search
from indexer.query.suggest import suggest
from indexer.store import IndexDamaged, IndexUnavailable, default_index_dir, index_paths, open_index

__all__ = [
    "ArticleNotFound",
    "IndexDamaged",
    "IndexUnavailable",
    "IngestError",
    "QueryError",
    "default_index_dir",
    "get_article",
    "index_paths",
    "open_index",
    "search",
    "suggest",
]
