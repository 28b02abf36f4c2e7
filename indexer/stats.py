"""Figures about an index: what `vnsearch stats` prints."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex


def index_stats(ix: FileIndex) -> dict[str, Any]:
    folder = Path(ix.storage.folder)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        articles = searcher.doc_count()
        terms = sum(1 for _ in reader.all_terms())
    last_update = datetime.fromtimestamp(ix.last_modified(), tz=timezone.utc).astimezone()
    return {
        "path": str(folder),
        "articles": articles,
        "terms": terms,
        "size_bytes": sum(f.stat().st_size for f in folder.iterdir() if f.is_file()),
        "last_update": last_update.isoformat(timespec="seconds"),
    }
