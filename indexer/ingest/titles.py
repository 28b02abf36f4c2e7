"""A title for an article whose file holds no headline line, from the best evidence left.

Scraped text often keeps only the story's paragraphs. Such an article is still indexed: its
title comes from its URL's slug (`.../demi-rose-lien-tuc-tung-anh-goi-cam-2021042...htm`), with
the marks the article itself and the language's common words make most likely (`Demi Rose
liên tục tung ảnh gợi cảm`), or else from the story's first sentence, cut at a word boundary.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

from indexer.text.analysis import fold_term
from indexer.text.marks import TextLexicon, restore
from indexer.text.normalize import canonical
from indexer.text.segment import plain_syllables

MIN_SLUG_WORDS = 3  # fewer words are a section or an id (`/the-thao/`, `/bai-123`), not a headline
MAX_TITLE_WORDS = 20  # a first sentence longer than this is cut, at a word boundary
SLUG_MATCH = 0.6  # share of a slug's words a line must hold, in order, to be the headline it names
# Share of a slug's words a story must hold, in order, for the slug to be taken as its title
# (a menu's slug, `tin-tuc-trong-ngay`, is not). Stories that lack a headline line hold 0.1 to
# 1 of their slug's words (measured on real news: docs/benchmarks.md).
SLUG_IN_STORY = 0.2
_SLUG_WORD = re.compile(r"^[a-z0-9]+$")
_NUMBER_ID = re.compile(r"^(?:[a-z]{0,4}\d{5,}|\d+)$")  # `20210427095048044`, `post123456`, `123`
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’']?\s+(?=[\"“‘'(]?[^\W\d_])")


def slug_of(url: str | None) -> list[str] | None:
    """The words of a URL's last path segment when it reads like a headline: lowercase ASCII
    words joined by hyphens (`gan-100000-ca-covid-19-tai-my-2020110111.htm` -> `gan`, `100000`,
    `ca`, `covid`, `19`, `tai`, `my`), ids and extensions left out. None for anything else."""
    if not url:
        return None
    path = unquote(urlparse(url).path).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    last = re.sub(r"\.[a-z]{2,5}$", "", last.lower())
    words = [word for word in re.split(r"[-_]+", last) if word]
    if not words or not all(_SLUG_WORD.match(word) for word in words):
        return None
    while words and _NUMBER_ID.match(words[-1]) and len(words[-1]) >= 5:
        words.pop()  # the article's number after its slug
    return words if len(words) >= MIN_SLUG_WORDS else None


def slug_match(text: str, slug: list[str]) -> float:
    """The share of the slug's words that the text holds in the same order (folded)."""
    folded = [fold_term(s.text) for s in plain_syllables(text)]
    found, at = 0, 0
    for word in slug:
        try:
            at = folded.index(word, at) + 1
            found += 1
        except ValueError:
            continue
    return found / len(slug)


def title_from_slug(slug: list[str], text: str) -> str:
    """The slug's words with their most likely marks, cased as the text writes them."""
    written = restore(slug, TextLexicon(text))
    cased = _cased_forms(text)
    words = [cased.get(word, word) for word in written]
    title = " ".join(words)
    return title[:1].upper() + title[1:]


def title_from_first_sentence(body: str) -> str:
    """The first sentence of the story, cut at a word boundary after MAX_TITLE_WORDS words."""
    first_line = next((line.strip() for line in body.split("\n") if line.strip()), "")
    sentence = _SENTENCE_END.split(first_line, maxsplit=1)[0]
    words = sentence.split()
    if len(words) <= MAX_TITLE_WORDS:
        return " ".join(words)
    return " ".join(words[:MAX_TITLE_WORDS]).rstrip(",;:–-") + "…"


def _cased_forms(text: str) -> dict[str, str]:
    """Each syllable's most frequent writing in the text where it does not open a sentence,
    when that is not all lowercase (`Demi`, `Rose`, `iPhone`): names keep their capitals in
    the title, words that only open sentences do not."""
    counts: dict[str, dict[str, int]] = {}
    for span in plain_syllables(text):
        if _opens_sentence(text, span.start):
            continue
        writing = canonical(text[span.start : span.end])
        by_writing = counts.setdefault(span.text, {})
        by_writing[writing] = by_writing.get(writing, 0) + 1
    cased = {}
    for syllable, writings in counts.items():
        most = max(writings, key=writings.__getitem__)  # the first of equals: as first written
        if most != syllable:
            cased[syllable] = most
    return cased


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the syllable at `start` opens the text, a line or a sentence (after an opening
    quote or bracket, maybe)."""
    before = text[max(0, start - 4) : start].rstrip(" \"“‘'([-–")
    return before[-1:] in ("\n", ".", "!", "?", "…", ":") or (not before and start <= 4)
