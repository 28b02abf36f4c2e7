"""Properties that hold for any text at all, checked with Hypothesis on arbitrary Unicode:
combining marks, NUL and control characters, lone surrogates, right-to-left text, emoji,
Vietnamese in both tone placements, and long inputs.

- Normalising is idempotent and never raises; folding in place is the translation it stands for.
- Segmentation, syllables and every analyser's tokens point into the original text.
- Parsing a query, and the whole `search()`, raise nothing but `QueryError`.
- A snippet is escaped HTML whatever the text and spans.

The same examples on every run (`derandomize`, in conftest.py's profile), so that CI is not
flaky; `pytest tests/test_properties.py --hypothesis-profile=thorough` looks much further.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import indexer.text.normalize as normalize_module
from indexer.query.language import QueryError, parse_query
from indexer.query.search import search
from indexer.query.snippets import make_snippet
from indexer.store.build import open_index
from indexer.store.schema import FORMS
from indexer.text.analysis import fold_term
from indexer.text.normalize import UNFOLDED, AlignedText, fold_in_place, normalize
from indexer.text.segment import plain_syllables, segment

# Pieces real text and hostile input are made of, mixed with arbitrary characters.
PIECES = [
    "Hà Nội",
    "Thành uỷ",
    "thành ủy",
    "Hoà",
    "hòa",
    "Đảng",
    "đang",
    "khoá",
    "U23",
    "80B",
    "COVID-19",
    "TP.HCM",
    "iPhone7",
    "Hari Won",
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    "\u200b",
    "\ufeff",
    "\u00ad",
    "\u0301",
    "\u0300\u0323",
    "\u031b",
    "a\u0301",
    "\x00",
    "\x1b[31m",
    "\ud800",
    "\udfff",
    "\u202e",
    "مرحبا",
    "שלום",
    "😀",
    "👨‍👩‍👧",
    "北京",
    "ß",
    "ǂ",
    "İ",
    "ﬁ",
    "\u1100\u1161",
    "-",
    '"',
    "(",
    ")",
    "OR",
    "AND",
    "NOT",
    "title:",
    "source:",
    "date:",
    "2023-06",
    "..",
    "*",
    "<script>",
    "&amp;",
]
ANY_CHARACTER = st.characters(blacklist_categories=())  # surrogates and unassigned code points too
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(ANY_CHARACTER, max_size=4)), max_size=30).map(
    "".join
)


@given(TEXT)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(TEXT)
def test_aligned_text_maps_every_character_back_into_the_original(text: str) -> None:
    aligned = AlignedText(text)
    for start in range(len(aligned.text) + 1):
        begin, end = aligned.original_span(start, min(start + 3, len(aligned.text)))
        assert 0 <= begin <= end <= len(text)


@given(TEXT)
def test_words_and_syllables_point_into_the_original(text: str) -> None:
    previous = 0
    for word in segment(text):
        assert 0 <= word.start < word.end <= len(text) and word.start >= previous
        previous = word.start
        for syllable in word.syllables:
            assert word.start <= syllable.start < syllable.end <= word.end
            # What the offsets cover holds the syllable, marks, case and tone placement aside
            # (they cover whole characters with their marks: a stray mark may be left out of it).
            covered = unicodedata.normalize("NFC", text[syllable.start : syllable.end])
            assert fold_term(syllable.text).replace(" ", "") in fold_term(normalize(covered)).replace(" ", "")
    for syllable in plain_syllables(text):
        assert 0 <= syllable.start < syllable.end <= len(text)


@given(TEXT)
def test_folding_in_place_is_the_translation_it_stands_for(text: str) -> None:
    # fold_in_place looks each character up in a table (and the rarest one by one): it must
    # say what the translation table and the regular expression it was made from say.
    folded = fold_in_place(text)
    if folded is not None:
        assert folded == normalize_module._UNFOLDED_LETTER.sub(
            UNFOLDED, text.translate(normalize_module._FOLD_ONE_FOR_ONE)
        )


@given(TEXT)
def test_every_analysers_tokens_point_into_the_original(text: str) -> None:
    for analyzer in FORMS.values():
        for token in analyzer(text, positions=True, chars=True):
            assert 0 <= token.startchar < token.endchar <= len(text) and token.text


@given(TEXT)
def test_parsing_raises_nothing_but_query_error(text: str) -> None:
    try:
        parse_query(text)
    except QueryError as error:
        assert str(error) and error.vietnamese


@given(TEXT, st.lists(st.tuples(st.integers(0, 400), st.integers(0, 40)), max_size=8))
def test_a_snippet_is_escaped_html_with_only_its_marks(text: str, spans: list[tuple[int, int]]) -> None:
    spans = [(start, min(len(text), start + length)) for start, length in spans if start < len(text)]
    snippet = make_snippet(text, spans)
    assert "<" not in re.sub(r"</?mark>", "", snippet)


@settings(max_examples=100)
@given(TEXT)
def test_search_raises_nothing_but_query_error(corpus_index_dir: Path, text: str) -> None:
    with open_index(corpus_index_dir).searcher() as searcher:
        try:
            result = search(searcher, text)
        except QueryError:
            return
    json.dumps(result)
    assert result["total"] >= 0


def test_ten_thousand_characters_of_anything(corpus_index_dir: Path) -> None:
    text = "".join(PIECES) * (10_000 // len("".join(PIECES)) + 1)
    assert normalize(normalize(text)) == normalize(text)
    assert all(0 <= w.start < w.end <= len(text) for w in segment(text))
    with open_index(corpus_index_dir).searcher() as searcher:
        try:
            search(searcher, text)
        except QueryError as error:
            assert "too long" in str(error)


# What Hypothesis found, kept as plain examples: each failed before its fix.
@pytest.mark.parametrize(
    "text",
    [
        "Thành uỷ\u0301",  # a stray mark after a syllable whose tone would move
        "\x1b[31mİ",  # lowercase İ is i + U+0307: `mi` must not become `my` before it
        "Hà Nội\ud800\u0301",  # a dropped character's mark, which would land on the i
    ],
)
def test_normalize_found_not_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


def test_i_and_y_are_one_only_in_a_whole_syllable() -> None:
    assert normalize("2023-06SI Lí") == "2023-06si lý"  # `06si` is one syllable, as indexed


def test_lone_surrogates_fold_without_a_warning() -> None:
    assert make_snippet("\ud800 Hà Nội", [(0, 1)]).endswith("Hà Nội")
