"""The index for the current request: one searcher per request, closed at its end, so every
request reads the latest committed articles."""

from __future__ import annotations

from typing import Any

from flask import current_app, g

from indexer.store import Index, Searcher


def get_index() -> Index:
    return current_app.extensions["vnsearch_index"]


def get_searcher() -> Searcher:
    if "searcher" not in g:
        g.searcher = get_index().searcher()
    return g.searcher


def close_searcher(error: BaseException | None = None) -> None:
    searcher: Any = g.pop("searcher", None)
    if searcher is not None:
        searcher.close()
