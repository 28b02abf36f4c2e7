"""Completions for what is being typed in the search box, with or without marks.

The vocabulary is the index's own words (underthesea compounds from titles and bodies), each
kept in its most frequent written form under its folded key, so `to ch` and `tổ ch` both
complete to `tổ chức`. It is built once per index generation.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from whoosh.searching import Searcher

from indexer.language_model import index_folder
from indexer.normalize import fold, has_marks, normalize
from indexer.query import QueryError
from indexer.search import search

MIN_BODY_FREQUENCY = 2  # a word seen in one body only is more likely a typo than a completion


@dataclass(frozen=True)
class _Vocabulary:
    keys: list[str]  # folded forms, sorted
    words: list[tuple[str, int]]  # (written form, document frequency), in the same order


def suggest(searcher: Searcher, text: str, limit: int = 8) -> list[dict[str, Any]]:
    """Completions of the last words typed, then the titles of the best matches."""
    words = normalize(text).split()
    if not words:
        return []
    vocabulary = _vocabulary(searcher)
    completions = _complete(vocabulary, words, limit)
    suggestions = [{"text": c, "kind": "word"} for c in completions]
    try:
        best = search(searcher, completions[0] if completions else text, per_page=3)
    except QueryError:
        return suggestions
    titles = [{"text": hit["title"], "kind": "title", "id": hit["id"]} for hit in best["hits"]]
    return (suggestions + titles)[:limit]


def _complete(vocabulary: _Vocabulary, words: list[str], limit: int) -> list[str]:
    # The longest run of last words that starts some word of the index: `hai ph` -> `hải phòng`.
    for size in range(min(3, len(words)), 0, -1):
        typed = " ".join(words[-size:])
        key = fold(typed)
        first = bisect.bisect_left(vocabulary.keys, key)
        last = bisect.bisect_left(vocabulary.keys, key + "\uffff")
        found = [vocabulary.words[i] for i in range(first, last) if len(vocabulary.keys[i].split()) >= size]
        if has_marks(typed):
            found = [(w, n) for w, n in found if w.startswith(typed)]
        if found:
            head = " ".join(words[:-size])
            ranked = sorted(found, key=lambda item: -item[1])[:limit]
            return [f"{head} {word}".strip() for word, _ in ranked]
    return []


_cache: dict[tuple[str, int], _Vocabulary] = {}


def _vocabulary(searcher: Searcher) -> _Vocabulary:
    """The vocabulary of the index generation this searcher reads, built on first use."""
    key = (str(index_folder(searcher)), searcher.reader().generation())
    if key not in _cache:
        _cache.clear()  # an older generation is not read again
        _cache[key] = _build_vocabulary(searcher)
    return _cache[key]


def _build_vocabulary(searcher: Searcher) -> _Vocabulary:
    best: dict[str, tuple[str, int]] = {}
    reader = searcher.reader()
    for field, minimum in (("title_word", 1), ("body_word", MIN_BODY_FREQUENCY)):
        for term, info in reader.iter_field(field):
            frequency = info.doc_frequency()
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            if frequency < minimum or not any(c.isalpha() for c in word):
                continue
            key = fold(word)
            if key not in best or best[key][1] < frequency:
                best[key] = (word, frequency)
    keys = sorted(best)
    return _Vocabulary(keys, [best[key] for key in keys])
