"""The segmenter must give exactly the words underthesea's own `word_tokenize` gives."""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

import joblib
import pytest
from underthesea.pipeline import word_tokenize as underthesea_package
from underthesea_core import CRFFeaturizer

from benchmarks.make_corpus import vlsp_sentences
from benchmarks.segment_bench import our_words as word_tokenize
from benchmarks.segment_bench import underthesea_words
from indexer.text import segmenter
from indexer.text.segmenter import syllables

REPO = Path(__file__).resolve().parent.parent

# Lines that reach the features' corners: capitals, digits, signs, codes, addresses, runs of
# punctuation, one syllable, and the ends of a line.
EDGE_LINES = [
    "HÀ NỘI - Sáng 12/3, UBND TP.HCM họp về COVID-19 với 2147483647 và 2147483648 người.",
    "Giá iPhone 15 Pro Max giảm -5% còn +12 triệu đồng; liên hệ 0912-345-678 hoặc tin@bao.vn.",
    "Xem https://vnexpress.net/thoi-su ... Ảnh: AFP >> Đọc thêm",
    "Ông Nguyễn Văn A (trái) và bà Trần Thị B.",
    "Một",
    "1,5",
    "?!",
    "Đà Nẵng Đà Nẵng Đà Nẵng",
    "ﬀ ǅa ΑΣ İstanbul ²³ ١٢ 12a A1 Mc'Donald o'Neil",
]


def corpus_lines() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "corpus").glob("*.txt"))]
    texts += [
        path.read_text(encoding="utf-8") for path in sorted((REPO / "tests/fixtures/scraped").glob("*.txt"))
    ]
    return [line for text in texts for line in text.splitlines() if line.strip()]


@pytest.fixture
def fresh_tagger():
    """A tagger with empty caches, and the shared one back afterwards."""
    segmenter._tagger.cache_clear()
    yield segmenter._tagger()
    segmenter._tagger.cache_clear()


def test_the_words_are_underthesea_s_on_news_text(fresh_tagger) -> None:
    lines = corpus_lines() + vlsp_sentences() + EDGE_LINES
    assert isinstance(fresh_tagger, segmenter._Tagger), "the installed underthesea model was not understood"
    mismatches = [line for line in lines if word_tokenize(line) != underthesea_words(line)]
    assert mismatches == []


def test_the_words_are_the_same_when_the_caches_start_again(fresh_tagger, monkeypatch) -> None:
    monkeypatch.setattr(segmenter, "CACHE_LIMIT", 50)
    lines = corpus_lines()[:40]
    assert [word_tokenize(line) for line in lines] == [underthesea_words(line) for line in lines]


def test_threads_share_the_caches_safely(fresh_tagger) -> None:
    lines = corpus_lines()
    expected = [underthesea_words(line) for line in lines]
    results: dict[int, list[list[str]]] = {}

    def run(number: int) -> None:
        results[number] = [word_tokenize(line) for line in lines]

    threads = [threading.Thread(target=run, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result == expected for result in results.values())


def test_each_syllable_is_where_its_offsets_say() -> None:
    for line in corpus_lines() + EDGE_LINES:
        line = unicodedata.normalize("NFC", line)
        for syllable in syllables(line):
            assert line[syllable.start : syllable.end] == syllable.text


def test_eth_reads_as_d_bar_in_its_own_place() -> None:
    line = "Ðà Nẵng"
    assert [(s.text, line[s.start : s.end]) for s in syllables(line)] == [("Đà", "Ðà"), ("Nẵng", "Nẵng")]


@pytest.mark.parametrize(
    "line",
    [
        unicodedata.normalize("NFD", "Hà Nội mưa lớn"),
        "Tin \u1100\u1161 và Hà Nội",  # Hangul jamo: NFC composes them across characters
        "\ufb1d Hà a\u0301",  # NFC makes one character two, and two one: the same length
    ],
)
def test_text_that_is_not_nfc_keeps_its_offsets(line: str) -> None:
    def nfc(text: str) -> str:
        return unicodedata.normalize("NFC", text)

    found = syllables(line)
    # Each syllable points at the characters it came from (one character may give two).
    assert found and all(nfc(s.text) in nfc(line[s.start : s.end]) for s in found)
    assert [s.text for s in found if s.text in ("Hà", "á")]


def test_a_stray_mark_after_a_moved_tone_gives_underthesea_s_words() -> None:
    # Moving the tone of `khoá` to the `o` leaves the stray acute after the `a`: NFC composes them.
    from indexer.text.normalize import AlignedText
    from indexer.text.segment import segment

    text = "Quốc hội khoá\u0301 XII này"
    words = [unicodedata.normalize("NFC", w.cased) for w in segment(text)]
    assert words == underthesea_words(AlignedText(text).text)


def test_hangul_jamo_in_an_article_are_segmented_without_error() -> None:
    from indexer.text.segment import segment

    text = "Tin \u1100\u1161 và Hà Nội\u200b"  # a dropped character: the path that maps offsets
    assert [text[w.start : w.end] for w in segment(text)][-1] == "Hà Nội"


def test_an_empty_line_has_no_words() -> None:
    assert syllables("") == []
    assert syllables("   ") == []


def test_a_model_it_does_not_understand_leaves_the_labels_to_underthesea(monkeypatch) -> None:
    folder = Path(underthesea_package.__file__).parent / "models" / segmenter.MODEL
    monkeypatch.setattr(segmenter, "_tagger", lambda: segmenter._UndertheseaTagger(folder))
    for line in EDGE_LINES:
        assert word_tokenize(line) == underthesea_words(line)


def test_a_model_with_an_unknown_feature_is_left_to_underthesea(monkeypatch, fresh_tagger) -> None:
    segmenter._tagger.cache_clear()
    monkeypatch.setattr(segmenter, "FUNCTIONS", ())
    assert isinstance(segmenter._tagger(), segmenter._UndertheseaTagger)


def test_a_file_that_is_not_a_crfsuite_model_is_refused() -> None:
    with pytest.raises(ValueError):
        segmenter._read_crfsuite(b"PK\x03\x04" + bytes(60))


@pytest.mark.parametrize(
    "token",
    [
        "Hà",
        "HÀ",
        "hà",
        "TP.HCM",
        "COVID-19",
        "iPhone",
        "12",
        "-5",
        "+12",
        "007",
        "2147483647",
        "2147483648",
        "-2147483648",
        "-2147483649",
        "1,5",
        "²",
        "١٢",
        "12a",
        "-",
        "+",
        "ǅa",
        "ß",
        "ΑΣ",
        "İ",
        "Mc'Donald",
        "o'Neil",
        "Ab Cd",
        "Á b",
        "ɤ",
        "Ɤ",
        "âm ɤ",
        "ƛ",
        "ꟛ",  # letters whose case Unicode changed after Python 3.11's version
    ],
)
def test_the_features_are_the_ones_underthesea_computes(token: str) -> None:
    """`isdigit`, `istitle`, `is_in_dict` and `lower` as underthesea_core's featurizer has them,
    which are not Python's `str.isdigit` and `str.istitle`."""
    folder = Path(underthesea_package.__file__).parent / "models" / segmenter.MODEL
    dictionary = joblib.load(folder / "dictionary.bin")
    names = ["T[0].isdigit", "T[0].istitle", "T[0].is_in_dict", "T[0].lower"]
    featurizer = CRFFeaturizer(names, dictionary)
    expected = featurizer.process([[[token]]])[0][0]
    features = segmenter._Features(frozenset(dictionary))
    functions = [name.partition(".")[2] or None for name in names]
    ours = [f"{name}={value}" for name, value in zip(names, features.values(token, functions))]
    assert ours == expected


def test_a_letter_python_cases_otherwise_is_segmented_as_underthesea_does() -> None:
    line = "Nguyên âm ɤ và Ɤ trong bảng IPA"
    assert word_tokenize(line) == underthesea_words(line)
