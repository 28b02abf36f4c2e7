"""Word segmentation with exact offsets into the original text.

underthesea's model finds where Vietnamese words begin and end (`tổ chức` is one word of two
syllables). Here the text is first brought to its canonical form (`normalize.AlignedText`),
segmented (`segmenter.syllables` says where each syllable stands in that form), and every word
and syllable is mapped back to the characters of the ORIGINAL text. Nothing here knows Whoosh,
so the same segmentation can feed any engine.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import NamedTuple

from indexer.text.normalize import AlignedText, canonical_iy
from indexer.text.segmenter import Syllable, syllables

# Syllables are the runs of letters and digits inside a word: `TP.HCM` -> `TP`, `HCM`;
# `16/11/2023` -> `16`, `11`, `2023`. A word with no such run is punctuation and is skipped.
_SYLLABLE = re.compile(r"[^\W_]+")
# A word that is only letters, digits and single spaces: its text is its syllables joined.
_PLAIN = re.compile(r"[^\W_]+(?: [^\W_]+)*")


class Span(NamedTuple):
    """A piece of text: its canonical lowercase form and where it stands in the original."""

    text: str
    start: int
    end: int


class Word(NamedTuple):
    """A word as underthesea segments it, with the syllables it is made of. `cased` is its
    canonical form with case kept (`Thành ủy`), for names. (A named tuple, not a dataclass:
    an article makes thousands of them, and tuples are the cheapest to make.)"""

    text: str
    start: int
    end: int
    cased: str
    syllables: tuple[Span, ...]


Segmentation = tuple[Word, ...]
CACHE_SIZE = 64
# Whoosh analyses one value once per field (words, syllables, folded syllables), and entities
# and counts read it too: the expensive segmentation runs once per text, not five times.
_cache: OrderedDict[str, Segmentation] = OrderedDict()


def segment(text: str) -> Segmentation:
    """Split a text into words and syllables, with offsets into `text` itself.

    >>> [w.text for w in segment("Thành uỷ Hải Phòng")]
    ['thành ủy', 'hải phòng']
    """
    words = _cache.get(text)
    if words is None:
        words = _cache[text] = _segment(text)
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(text)
    return words


def syllable_lines(text: str) -> Iterator[list[str]]:
    """The syllables of each line of text: what stands side by side (a line break parts them)."""
    line: list[str] = []
    previous_end = None
    for word in segment(text):
        if previous_end is not None and "\n" in text[previous_end : word.start]:
            yield line
            line = []
        line.extend(s.text for s in word.syllables)
        previous_end = word.end
    if line:
        yield line


def plain_syllables(text: str) -> list[Span]:
    """The syllables of a short text without word segmentation (names, sources): cheap, and
    the same syllables `segment()` would give."""
    aligned = AlignedText(text)
    return [
        Span(canonical_iy(m.group(0).lower()), *aligned.original_span(m.start(), m.end()))
        for m in _SYLLABLE.finditer(aligned.text)
    ]


def _segment(text: str) -> Segmentation:
    aligned = AlignedText(text)
    words: list[Word] = []
    line_start = 0
    for line in aligned.text.split("\n"):
        # One line at a time: paragraphs are independent, and a huge file never becomes
        # one huge sequence for the tagger.
        if line.strip():
            words.extend(_segment_line(line, line_start, aligned))
        line_start += len(line) + 1
    return tuple(words)


def _segment_line(line: str, offset: int, aligned: AlignedText) -> list[Word]:
    # The hot loop of indexing (every word of every article): offsets that are the identity
    # are not mapped, and syllables are made lowercase canonical once each.
    span = aligned.original_span if aligned.changes_offsets else _same_span
    words = []
    tokens = syllables(line)
    begins = _begins_word(tokens)
    for number, token in enumerate(tokens):
        if not begins[number]:
            continue
        end = number + 1
        while end < len(tokens) and not begins[end]:
            end += 1
        if end == number + 1 and token.text.isalnum():
            # One syllable, letters and digits only: most words.
            text = _canonical_syllable(token.text)
            start_end = span(offset + token.start, offset + token.end)
            words.append(Word(text, *start_end, token.text, (Span(text, *start_end),)))
        else:
            word = _make_word(line, token.start, tokens[end - 1].end, offset, span)
            if word is not None:
                words.append(word)
    return words


def _begins_word(tokens: list[Syllable]) -> list[bool]:
    """Whether each token begins a word. Letters and digits written together are one syllable,
    however underthesea splits them: it reads `80B` whole but `80b` as `80` and `b`, and the
    same code must be the same term in a query and in an article, whatever its case."""
    begins = [token.begins_word for token in tokens]
    for number in range(1, len(tokens)):
        before, token = tokens[number - 1], tokens[number]
        if (
            begins[number]
            and before.end == token.start
            and before.text[-1].isalnum()
            and token.text[0].isalnum()
        ):
            begins[number] = False
    return begins


def _make_word(
    line: str, start: int, end: int, offset: int, span: Callable[[int, int], tuple[int, int]]
) -> Word | None:
    syllables = tuple(
        [
            Span(_canonical_syllable(m.group()), *span(offset + m.start(), offset + m.end()))
            for m in _SYLLABLE.finditer(line, start, end)
        ]
    )
    if not syllables:
        return None
    cased = " ".join(line[start:end].split())
    return Word(
        " ".join([s.text for s in syllables]) if _PLAIN.fullmatch(cased) else _lower_word(cased),
        *span(offset + start, offset + end),
        cased,
        syllables,
    )


def _same_span(start: int, end: int) -> tuple[int, int]:
    return start, end


@lru_cache(maxsize=200_000)
def _canonical_syllable(syllable: str) -> str:
    return canonical_iy(syllable.lower())


def _lower_word(cased: str) -> str:
    return " ".join(canonical_iy(piece) for piece in cased.lower().split(" "))
