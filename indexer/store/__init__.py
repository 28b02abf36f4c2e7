"""The index on disk: building it, keeping it up to date, and reading it fast.

The Whoosh schema (`schema`), indexing runs and their crash safety (`build`, `manifest`,
`merge`), postings kept as arrays and memory-mapped files (`postings`, `writer`, `storage`,
`cache`), the language model of syllable counts (`language_model`), figures about an index
(`stats`), and the names older indexes were written with (`legacy`). May import
`indexer.text` and `indexer.ingest`.
"""

from whoosh.index import Index
from whoosh.searching import Searcher

from indexer.store.build import (
    BuildReport,
    IndexDamaged,
    IndexUnavailable,
    default_index_dir,
    index_paths,
    open_index,
)

# `Index` and `Searcher` are what an interface holds (`webui` keeps one searcher per request):
# named here so that interfaces need not know Whoosh's modules.
__all__ = [
    "BuildReport",
    "Index",
    "IndexDamaged",
    "IndexUnavailable",
    "Searcher",
    "default_index_dir",
    "index_paths",
    "open_index",
]
