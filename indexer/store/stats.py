"""Figures about an index: what `vnsearch stats` prints."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex


def index_stats(ix: FileIndex, count_terms: bool = True) -> dict[str, Any]:
    """Articles, distinct terms (all fields; None unless `count_terms`, which reads the whole
    lexicon), size on disk and time of the last commit."""
    folder = Path(ix.storage.folder)
    with ix.searcher() as searcher:
        articles = searcher.doc_count()
        terms = sum(1 for _ in searcher.reader().all_terms()) if count_terms else None
    last_update = datetime.fromtimestamp(ix.last_modified(), tz=UTC).astimezone()
    return {
        "path": str(folder),
        "articles": articles,
        "terms": terms,
        "size_bytes": sum(f.stat().st_size for f in folder.iterdir() if f.is_file()),
        "last_update": last_update.isoformat(timespec="seconds"),
    }
