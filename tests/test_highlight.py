"""Where a query's syllables stand in a body (`indexer.query.highlight.body_spans`): the fast path
(text folded in place) and the syllable-by-syllable path agree."""

import unicodedata

import pytest

from indexer.query.highlight import Highlight, WrittenIn, body_spans
from indexer.text.normalize import fold_in_place

BODY = "Kĩ sư Đảng đang họp; tin tin tin. Thuỷ điện Hoà Bình, lí do: TP.HCM và Thủy điện."


def marked(body: str, units: list[Highlight]) -> list[str]:
    """The marked texts, in NFC, so that both forms of a body compare."""
    return [unicodedata.normalize("NFC", body[a:b]) for a, b in sorted(body_spans(body, units))]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
@pytest.mark.parametrize(
    ("syllables", "use_marks", "expected"),
    [
        (["dang"], False, ["Đảng", "đang"]),  # no marks typed: every variant
        (["đảng"], True, ["Đảng"]),  # marks typed: the same marks when the body has them
        (["kỹ", "sư"], True, ["Kĩ sư"]),  # i and y are one
        (["tin", "tin"], False, ["tin tin", "tin tin"]),  # overlapping matches both found
        (["thủy", "điện"], True, ["Thuỷ điện", "Thủy điện"]),  # either tone placement
        (["tp", "hcm"], False, ["TP.HCM"]),
        (["hoa", "binh"], False, ["Hoà Bình"]),
        (["zzz"], False, []),
    ],
)
def test_spans_mark_the_syllables_meant(
    form: str, syllables: list[str], use_marks: bool, expected: list[str]
) -> None:
    body = unicodedata.normalize(form, BODY)
    assert marked(body, [Highlight.of(syllables, use_marks)]) == expected


def test_invisible_characters_do_not_hide_a_word() -> None:
    body = "Hà\u200b Nội và Hải Phòng"  # a zero-width space, as scraped text has
    assert marked(body, [Highlight.of(["ha", "noi"], False)]) == ["Hà\u200b Nội"]


def test_a_capital_is_found_as_its_small_letter_folds() -> None:
    # unidecode folds the capital `Ʊ` to `y` but its small letter `ʊ` to `u`; the index
    # lowercases first, so the body's `Ʊ` is a `u`.
    assert fold_in_place("Ʊ Tổ") == "u to"


def test_a_letter_that_folds_to_several_keeps_the_rest_of_the_text_on_the_fast_path() -> None:
    # `ß` folds to `ss`: the text cannot be folded one character for one there, but only the
    # syllable holding it is left unmatched, not the whole body sent down the slow path.
    assert fold_in_place("Straße ở Hà Nội") == "straǂe o ha noi"
    body = "Phố Straße ở Hà Nội, 中国 và Hà Nội"
    assert marked(body, [Highlight.of(["ha", "noi"], False)]) == ["Hà Nội", "Hà Nội"]
    assert marked(body, [Highlight.of(["stra"], False)]) == []  # not a syllable of it


@pytest.mark.parametrize(
    "text, written, held",
    [
        ("xe BKS 92C-046.13 băng qua", "92C-046", True),
        ("xe BKS 92C - 046.13 băng qua", "92C-046", False),  # other punctuation between the words
        ("Các quán Karaoke vũ trường", "karaoke vu", True),  # case and marks aside
        ("Các quán Karaoke, vũ trường", "karaoke vũ", False),
        ("Sangri La-2017 đang diễn ra", "la-2017", True),
        ("Đối thoại Shangri-La 2017", "La-2017", False),
        ("Praha-Budapest", "Praha", False),  # the start of a longer hyphenated word
        ("ở Praha, Séc", "(Praha)", True),  # punctuation around the words is not asked for
        ("kĩ sư Mỹ", "kỹ sư mỹ", True),  # i and y as one, as the index has them
        ("trinh sát PC45 bất ngờ", "PC45 bắt", False),  # typed with marks: the same marks
        ("Đông bị PC45 bắt giữ", "pc45 bat", True),  # typed without: any
        ("Hà Nội", "!!", False),  # no words
    ],
)
def test_a_name_is_held_as_written(text: str, written: str, held: bool) -> None:
    assert WrittenIn(text).holds(written) is held
