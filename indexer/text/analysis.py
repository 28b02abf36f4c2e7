"""Whoosh tokenizers and filters for Vietnamese, built on `indexer.text.segment`.

Two analysers index every text field:

- `syllable_analyzer`: the syllables of underthesea's words with their marks (`tổ`, `chức`), so
  one syllable of a compound still finds it;
- `folded_analyzer`: syllables without marks (`to`, `chuc`), for queries typed without them.

Every token carries `pos`, `startchar` and `endchar`; the character offsets point into the
ORIGINAL text, so a hit in any variant is highlighted where it was written. The schema pickles
these objects into the index, which is why they live in an importable module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Analyzer, Filter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer  # (not exported by `whoosh.analysis` in whoosh3)

from indexer.text.normalize import fold
from indexer.text.segment import Span, Word, plain_syllables, segment

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


class _SegmentTokenizer(Tokenizer):
    """Yields one token per span that `_spans` picks out of the segmented text."""

    def _spans(self, value: str) -> Iterator[Span | Word]:
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Whoosh asks for the value as one token (e.g. a term typed in a query).
            spans: Iterator[Span | Word] = iter([Span(value.lower(), 0, len(value))])
        else:
            spans = self._spans(value)
        for pos, span in enumerate(spans):
            token.text = span.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[span.start : span.end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + span.start
                token.endchar = start_char + span.end
            yield token


class WordTokenizer(_SegmentTokenizer):
    """Words as underthesea segments them, lowercased: `Tổ chức` -> `tổ chức`. No field of
    this version's indexes uses it; the schemas of earlier versions' indexes pickled it, and
    must still open, to be told to rebuild (`indexer.store.build.open_index`)."""

    def _spans(self, value: str) -> Iterator[Span | Word]:
        return iter(segment(value))


class SyllableTokenizer(_SegmentTokenizer):
    """The syllables of those words, lowercased: `Tổ chức` -> `tổ`, `chức`."""

    def _spans(self, value: str) -> Iterator[Span]:
        return (syllable for word in segment(value) for syllable in word.syllables)


class NameTokenizer(_SegmentTokenizer):
    """The syllables of a short text (a source, an author), without word segmentation."""

    def _spans(self, value: str) -> Iterator[Span]:
        return iter(plain_syllables(value))


class FoldFilter(Filter):
    """Removes every mark, `đ` included: `Đảng` -> `dang`."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold_term(token.text)
            yield token


@lru_cache(maxsize=100_000)
def fold_term(term: str) -> str:
    """The folded form of one term as it is indexed: ASCII letters and digits only."""
    return _NOT_ALNUM.sub("", fold(term)) or term


def index_terms(analyzer: Analyzer, value: str) -> list[str] | None:
    """The terms one of these analysers makes of a text, in order (a term's position is its
    place in the list): `[token.text for token in analyzer(value)]` without a Whoosh token
    passed through a generator per analyser for each of them, which costs more than the
    terms. None for any other analyser."""
    items = analyzer.items if isinstance(analyzer, CompositeAnalyzer) else [analyzer]
    tokenizer, filters = items[0], items[1:]
    if not isinstance(tokenizer, _SegmentTokenizer) or not all(
        isinstance(item, FoldFilter) for item in filters
    ):
        return None
    terms = [span.text for span in tokenizer._spans(value)]
    for _ in filters:
        terms = [fold_term(term) for term in terms]
    return terms


syllable_analyzer = SyllableTokenizer()
folded_analyzer = SyllableTokenizer() | FoldFilter()
name_analyzer = NameTokenizer() | FoldFilter()
