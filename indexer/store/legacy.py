"""The module paths that indexes built before the move into rooms were written with.

A Whoosh index pickles its schema (our analysers and field types) and its segments (our
codec) by module path. When modules move, Python must still find the old paths, or every
existing index becomes unreadable: as Whoosh's own `legacy` module did after its
reorganisation. Indexes written since pickle the new paths.
"""

from __future__ import annotations

import importlib
import sys

# Old path -> where that module lives now (only the modules whose classes indexes pickle).
MOVED = {
    "indexer.analysis": "indexer.text.analysis",
    "indexer.schema": "indexer.store.schema",
    "indexer.postings": "indexer.store.postings",
    "indexer.writer": "indexer.store.writer",
}


def keep_old_paths_loadable() -> None:
    """Make each old path import as the module it moved to (before an index is opened)."""
    for old, new in MOVED.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)
