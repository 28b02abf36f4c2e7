"""Completions for what is being typed in the search box, with or without marks.

The vocabulary is the index's own: the pairs of syllables its articles write side by side, in
the language model (`indexer.store.language_model`), each in its written forms under its folded one,
so `to ch` and `tổ ch` both complete to `tổ chức`, the pair the articles write most.
"""

from __future__ import annotations

from contextlib import closing
from typing import Any

from whoosh.searching import Searcher

from indexer.query.language import QueryError
from indexer.query.search import search
from indexer.store.language_model import LanguageModel
from indexer.text.analysis import fold_term
from indexer.text.normalize import has_marks, normalize


def suggest(searcher: Searcher, text: str, limit: int = 8) -> list[dict[str, Any]]:
    """Completions of the last words typed, then the titles of the best matches."""
    words = normalize(text).split()
    if not words:
        return []
    with closing(LanguageModel.of(searcher)) as lm:
        completions = _complete(lm, words, limit)
    suggestions = [{"text": c, "kind": "word"} for c in completions]
    try:
        best = search(searcher, completions[0] if completions else text, per_page=3)
    except QueryError:
        return suggestions
    titles = [{"text": hit["title"], "kind": "title", "id": hit["id"]} for hit in best["hits"]]
    return (suggestions + titles)[:limit]


def _complete(lm: LanguageModel, words: list[str], limit: int) -> list[str]:
    """The pairs of syllables that the last word typed (maybe only begun) completes: after the
    word before it when there is one (`hai ph` -> `hải phòng`), else starting with it."""
    typed, prefix = words[-1], fold_term(words[-1])
    if len(words) > 1:
        head, previous = words[:-2], words[-2]
        pairs = lm.pairs_after(fold_term(previous), prefix, limit * 4)
        pairs = [(a, b) for a, b in pairs if _as_typed(a, previous) and _as_typed(b, typed)]
        if pairs:
            return [" ".join([*head, a, b]) for a, b in pairs[:limit]]
    head = words[:-1]
    pairs = [(a, b) for a, b in lm.pairs_starting(prefix, limit * 4) if _as_typed(a, typed)]
    return [" ".join([*head, a, b]) for a, b in pairs[:limit]]


def _as_typed(written: str, typed: str) -> bool:
    """Whether a written syllable keeps the marks typed (`tổ ch` completes to `tổ chức` only)."""
    return not has_marks(typed) or written.startswith(typed)
