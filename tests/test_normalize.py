import unicodedata

import pytest

from indexer.text.normalize import AlignedText, canonical_tone, fold, has_marks, normalize


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        # Open syllables with two vowels: the tone goes on the first (hòa, ủy, khóa).
        ("hoà", "hòa"),
        ("uỷ", "ủy"),
        ("khoá", "khóa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Uỷ", "Ủy"),
        ("HOÀ", "HÒA"),
        ("xoè", "xòe"),
        ("tuỳ", "tùy"),
        # Already canonical, or placed by a final consonant or a modified vowel: unchanged.
        ("hòa", "hòa"),
        ("hoàn", "hoàn"),
        ("thuyền", "thuyền"),
        ("người", "người"),
        ("quý", "quý"),
        ("gì", "gì"),
        ("giữa", "giữa"),
        ("huỳnh", "huỳnh"),
        ("khuỷu", "khuỷu"),
        ("mùa", "mùa"),
        ("ngoài", "ngoài"),
        # Wrong placements are corrected the same way.
        ("ngoaì", "ngoài"),
        ("hoàng", "hoàng"),
        ("hoáng", "hoáng"),
        ("hóang", "hoáng"),
        # Not Vietnamese syllables: left alone.
        ("Ksor", "Ksor"),
        ("café", "café"),
        ("naïve", "naïve"),
    ],
)
def test_canonical_tone(written: str, canonical: str) -> None:
    assert canonical_tone(written) == canonical


def test_normalize_makes_variants_equal() -> None:
    variants = [
        "Thành uỷ khoá XIII",
        "Thành ủy khóa XIII",
        unicodedata.normalize("NFD", "Thành uỷ khoá XIII"),
        "THÀNH UỶ KHOÁ XIII",
        "Thành\u00a0uỷ\u200b khoá\u2009XIII",
    ]
    assert {normalize(v) for v in variants} == {"thành ủy khóa xiii"}


def test_aligned_text_maps_back_to_the_original() -> None:
    original = "Ban\u00a0Tổ chức\u200b " + unicodedata.normalize("NFD", "Thành uỷ") + " Hải Phòng"
    aligned = AlignedText(original)
    assert aligned.text == "Ban Tổ chức Thành ủy Hải Phòng"
    for word in ["Ban", "Tổ chức", "Thành ủy", "Hải Phòng"]:
        start = aligned.text.index(word)
        original_start, original_end = aligned.original_span(start, start + len(word))
        assert normalize(original[original_start:original_end]) == normalize(word)
    # The decomposed syllables span more characters in the original than in the text.
    start = aligned.text.index("Thành ủy")
    assert original[slice(*aligned.original_span(start, start + 8))] == unicodedata.normalize(
        "NFD", "Thành uỷ"
    )


def test_controls_and_surrogates_do_not_survive() -> None:
    assert AlignedText("a\x00b\tc\ud800d\x7fe").text == "a b cd e"


def test_fold_maps_d_bar_and_every_mark() -> None:
    assert fold("Đảng đang đăng dạng") == "dang dang dang dang"
    assert fold("Tổ chức") == "to chuc"


def test_has_marks() -> None:
    assert has_marks("Đ") and has_marks("tổ") and has_marks(unicodedata.normalize("NFD", "tổ"))
    assert not has_marks("to chuc") and not has_marks("— 2023 ...")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("kĩ thuật", "kỹ thuật"),
        ("lí luận", "lý luận"),
        ("Quí", "Quý"),
        ("bác sĩ", "bác sỹ"),
        ("tỉ lệ", "tỷ lệ"),
    ],
)
def test_i_and_y_variants_are_one(one: str, other: str) -> None:
    assert normalize(one) == normalize(other)


def test_i_and_y_stay_apart_where_they_do_not_alternate() -> None:
    assert normalize("vị") == "vị" and normalize("tin") == "tin" and normalize("hai") == "hai"
