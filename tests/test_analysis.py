"""Tokens carry exact offsets into the ORIGINAL text, for every analyser and every article."""

import unicodedata
from pathlib import Path

import pytest
from whoosh.analysis import StandardAnalyzer

from indexer.store.build import shipped_corpus
from indexer.text.analysis import fold_term, folded_analyzer, index_terms, name_analyzer, syllable_analyzer
from indexer.text.normalize import normalize
from indexer.text.segment import segment

CORPUS_FILES = sorted(shipped_corpus().glob("*.txt"))
ANALYZERS = {
    "syllable": (syllable_analyzer, normalize),
    "folded": (folded_analyzer, lambda s: fold_term(normalize(s))),
}


def tokens(analyzer, text: str) -> list[tuple[str, int, int, int]]:
    return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True)]


def test_the_corpus_ships_the_five_seeds() -> None:
    assert len(CORPUS_FILES) == 5


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("form", ["as written", "decomposed (NFD)"])
@pytest.mark.parametrize("kind", ANALYZERS)
def test_every_token_is_its_original_text_normalised(path: Path, form: str, kind: str) -> None:
    text = path.read_text(encoding="utf-8")
    if form == "decomposed (NFD)":
        text = unicodedata.normalize("NFD", text)
    analyzer, expected = ANALYZERS[kind]
    found = tokens(analyzer, text)
    assert len(found) > 200
    for token, _, start, end in found:
        assert " ".join(expected(text[start:end]).split()) == token
    positions = [pos for _, pos, _, _ in found]
    assert positions == list(range(len(found)))


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_no_letter_or_digit_is_left_out(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    covered = set()
    for word in segment(text):
        for syllable in word.syllables:
            covered.update(range(syllable.start, syllable.end))
    missing = [i for i, char in enumerate(text) if char.isalnum() and i not in covered]
    assert missing == []


def test_syllables_with_and_without_marks() -> None:
    assert [t for t, *_ in tokens(syllable_analyzer, "Tổ chức TP.HCM")] == ["tổ", "chức", "tp", "hcm"]
    assert [t for t, *_ in tokens(folded_analyzer, "Đảng đang TỔ CHỨC")] == ["dang", "dang", "to", "chuc"]


def test_punctuation_is_not_a_token() -> None:
    assert [w.text for w in segment("Hà Nội, (16/11) – “Đảng”!")] == ["hà nội", "16/11", "đảng"]


def test_tone_placement_does_not_change_tokens() -> None:
    assert tokens(syllable_analyzer, "Thành uỷ khoá XIII") == [
        ("thành", 0, 0, 5),
        ("ủy", 1, 6, 8),
        ("khóa", 2, 9, 13),
        ("xiii", 3, 14, 18),
    ]


def test_start_char_offsets_the_characters() -> None:
    [(text, _, start, end)] = tokens(syllable_analyzer.__class__(), "Mai") or [None]
    assert (text, start, end) == ("mai", 0, 3)
    shifted = list(syllable_analyzer("Mai", chars=True, start_char=10))
    assert (shifted[0].startchar, shifted[0].endchar) == (10, 13)


@pytest.mark.parametrize("analyzer", [syllable_analyzer, folded_analyzer, name_analyzer])
def test_index_terms_are_the_analysers_tokens(analyzer) -> None:
    # Indexing lists the terms without Whoosh's tokens: the same terms at the same positions.
    for path in CORPUS_FILES:
        text = path.read_text(encoding="utf-8")
        expected = [(t.text, t.pos) for t in analyzer(text, positions=True)]
        assert list(zip(index_terms(analyzer, text), range(len(expected) + 1))) == expected


def test_other_analysers_are_left_to_whoosh() -> None:
    assert index_terms(StandardAnalyzer(), "Hà Nội") is None
