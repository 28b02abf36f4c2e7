"""Text normalisation for documents and queries alike (pure functions, no I/O).

Vietnamese text arrives composed (NFC) or decomposed (NFD), with two tone-placement styles
(`hoà`/`hòa`, `uỷ`/`ủy`), odd spaces and invisible characters. Everything that is searched is
first brought to one canonical form here. Documents keep a map from every canonical character
back to the original text, so that search hits can be highlighted in the text as it was written.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from functools import lru_cache

import numpy as np
from unidecode import unidecode

# The five tone marks, as combining characters after NFD. Vowel modifiers (circumflex,
# breve, horn) are not tones: they make different letters (a, ă, â).
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

# A Vietnamese syllable without its tone: initial consonant, vowel nucleus, final consonant.
# `gi` and `qu` count as consonants only when a vowel follows (`gìn` is g + i + n, `quý` is qu + y).
# A final `k` is written in the Central Highlands' place names (`Đắk Lắk`, `Krông Búk`).
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"([aăâeêioôơuưy]+)"
    r"(ch|ng|nh|[cmnptk])?$"
)
_MODIFIED_VOWELS = frozenset("ăâêôơư")

# Characters that become a plain space: no-break and other Unicode spaces, tabs, controls.
# Newlines are kept (they still separate lines for whoever reads the normalised text).
_SPACE_LIKE = {
    code: " "
    for code in [
        *range(0x20),
        0x7F,
        *range(0x80, 0xA0),
        0xA0,
        0x1680,
        *range(0x2000, 0x200B),
        0x2028,
        0x2029,
        0x202F,
        0x205F,
        0x3000,
    ]
    if code != ord("\n")
}
# `ð` (eth) is a common stand-in for `đ` in scraped text; underthesea maps it the same way.
_LOOKALIKES = {ord("ð"): "đ", ord("Ð"): "Đ"}
_ONE_FOR_ONE = str.maketrans({**_SPACE_LIKE, **_LOOKALIKES})

# Characters that are dropped: format characters (zero-width space/joiners, BOM, soft hyphen,
# direction marks) and lone surrogates (undecodable bytes smuggled through as text).
_DROPPED = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
_LETTER_RUN = re.compile(r"([^\W\d_]+)")
_SURROGATE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=50_000)
def canonical_tone(syllable: str) -> str:
    """Put the tone mark of one syllable where underthesea and most dictionaries put it.

    The rule (the "traditional" placement): on the modified vowel if there is one (the last one,
    for ươ); else on the last vowel when a final consonant follows; else on the middle of three
    vowels or the first of two. So `hoà`->`hòa`, `uỷ`->`ủy`, `khoẻ`->`khỏe`, while `hoàn`,
    `thuyền`, `quý` stay. Words that are not Vietnamese syllables are returned unchanged.
    """
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if len(tones) != 1:
        return syllable
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    parts = _SYLLABLE.match(bare.lower())
    if parts is None or len(bare) != len(syllable):
        return syllable
    initial, vowels, final = parts.group(1) or "", parts.group(2), parts.group(3)
    modified = [i for i, v in enumerate(vowels) if v in _MODIFIED_VOWELS]
    if modified:
        index = modified[-1]
    elif final:
        index = len(vowels) - 1
    elif len(vowels) >= 3:
        index = 1
    else:
        index = 0
    at = len(initial) + index
    toned = unicodedata.normalize("NFC", bare[at] + tones[0])
    result = bare[:at] + toned + bare[at + 1 :]
    return result if len(result) == len(syllable) else syllable


# `kĩ`/`kỹ`, `lí`/`lý`, `quí`/`quý`, `sĩ`/`sỹ`: after these consonants a lone final i and y are
# the same vowel written two ways; matching treats them as `y`.
_IY_ONSETS = "h|k|l|m|s|t|qu"  # the consonants after which `i` and `y` are one vowel
_IY = re.compile(rf"^({_IY_ONSETS})([iìíỉĩị]|[yỳýỷỹỵ])$")
_I_TO_Y = str.maketrans("iìíỉĩị", "yỳýỷỹỵ")
# A whole syllable that `canonical_iy` changes: such an onset and a lone `i`, no letter or
# digit either side (`06si` is one syllable, as the index splits it).
# (Not before a combining mark: `mi` + U+0307 would become `mẏ` when normalised again.)
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_IY_RUN = re.compile(rf"(?<![^\W_])({_IY_ONSETS})([iìíỉĩị])(?![^\W_]|[{_COMBINING}])")


def canonical_iy(syllable: str) -> str:
    """`lí` -> `lý`, `kĩ` -> `kỹ` (lowercase syllables); everything else unchanged."""
    match = _IY.match(syllable)
    return match.group(1) + match.group(2).translate(_I_TO_Y) if match else syllable


def is_syllable(text: str) -> bool:
    """Whether a lowercase string without its tone mark is shaped like a Vietnamese syllable."""
    bare = unicodedata.normalize(
        "NFC", "".join(c for c in unicodedata.normalize("NFD", text) if c not in TONE_MARKS)
    )
    return _SYLLABLE.match(bare) is not None


def _canonical_tones(text: str) -> str:
    """Apply `canonical_tone` to every run of letters; lengths never change. A run followed by
    a stray combining mark (`uỷ` + U+0301) is left as it is: moving its tone would put the mark
    after another letter, which it then composes with, and normalising again would change the
    text again."""
    # Split, not `re.sub` with a function: a callback per run costs more than the lookup.
    pieces = _LETTER_RUN.split(text)  # every other piece is a run of letters
    runs = pieces[1::2]
    if not any(map(operator.ne, runs, map(canonical_tone, runs))):  # most texts (looped in C)
        return text
    pieces[1::2] = [
        run if unicodedata.combining(after[:1] or " ") else canonical_tone(run)
        for run, after in zip(runs, pieces[2::2])
    ]
    return "".join(pieces)


class AlignedText:
    """Canonical text plus the map back to the original string it came from.

    `text` is NFC, with canonical tone placement, odd spaces made plain and invisible characters
    dropped; case is kept. `original_span(a, b)` gives the slice of the original string that
    `text[a:b]` came from.
    """

    __slots__ = ("original", "text", "_starts", "_ends")

    def __init__(self, original: str) -> None:
        self.original = original
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        if unicodedata.is_normalized("NFC", original) and not _DROPPED.search(original):
            # The common case: every change is one character for one, offsets are the identity.
            self.text = _canonical_tones(original.translate(_ONE_FOR_ONE))
            return
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for start, end in clusters(original):
            # A dropped character takes its marks along: left alone, they would compose with
            # the letter before it when the text is normalised again.
            dropped = _DROPPED.match(original, start) is not None
            cluster = "" if dropped else _DROPPED.sub("", original[start:end]).translate(_ONE_FOR_ONE)
            composed = unicodedata.normalize("NFC", cluster)
            pieces.append(composed)
            starts.extend([start] * len(composed))
            ends.extend([end] * len(composed))
        self.text = _canonical_tones("".join(pieces))
        self._starts, self._ends = starts, ends

    @property
    def changes_offsets(self) -> bool:
        """Whether `original_span` is anything but the identity."""
        return self._starts is not None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The (start, end) in the original string of the canonical slice text[start:end]."""
        if self._starts is None or self._ends is None:
            return start, end
        if start >= end:
            at = self._starts[start] if start < len(self._starts) else len(self.original)
            return at, at
        return self._starts[start], self._ends[end - 1]


def clusters(text: str) -> list[tuple[int, int]]:
    """Spans of one base character with the combining marks that follow it."""
    spans: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        if spans and unicodedata.combining(char):
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans


def canonical(text: str) -> str:
    """The canonical form of a name or label, for display and for exact matching: like
    `normalize` but with case kept and runs of spaces made one."""
    return " ".join(AlignedText(text).text.split())


def normalize(text: str) -> str:
    """The canonical form of a text (see `AlignedText`), lowercased, with i/y variants made
    one (`canonical_iy`): what gets compared."""
    lowered = AlignedText(text).text.lower()
    return _IY_RUN.sub(lambda m: m.group(1) + m.group(2).translate(_I_TO_Y), lowered)


def fold(text: str) -> str:
    """Drop every mark, `đ` included (`Đảng` -> `dang`); lowercase. Unicode decomposition
    alone leaves `đ` as it is, which is why this uses unidecode. Lone surrogates (bytes that
    were not text) are dropped, as unidecode would, without its warning."""
    return unidecode(_SURROGATE.sub("", text)).lower()


def _one_letter_folds() -> dict[int, str]:
    """Every Latin letter whose fold is one ASCII letter (Vietnamese letters all are). A
    capital folds as its small letter does: the index lowercases before it folds (`Ʊ` is `y`
    to unidecode, its small letter `ʊ` is `u`)."""
    table = {}
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        folded = fold(chr(code).lower())
        if len(folded) == 1 and folded.isascii() and folded.isalpha() and chr(code).isalpha():
            table[code] = folded
    return table


_FOLD_ONE_FOR_ONE = str.maketrans({**_one_letter_folds(), ord("ð"): "d", ord("Ð"): "d"})
_UNFOLDED_LETTER = re.compile(r"[^\W\x00-\x7f]")  # a letter or digit still not ASCII
UNFOLDED = "ǂ"  # stands in for it: a letter, so the syllable it is in stays whole, but no query's


def _folded_code(code: int) -> int:
    """What one character becomes in `fold_in_place`, as a code point."""
    char = chr(code).translate(_FOLD_ONE_FOR_ONE)
    return ord(UNFOLDED) if _UNFOLDED_LETTER.match(char) else ord(char)


# fold_in_place reads a body as an array of code points and looks each one up here, several
# times faster than `str.translate` and a regular expression over every character. Vietnamese
# letters end at U+1EF9, the quotation marks and dashes of news at U+206F; rarer characters are
# looked up one by one.
_FOLDED_CODES = np.array([_folded_code(code) for code in range(0x2070)], dtype=np.uint32)


def fold_in_place(text: str) -> str | None:
    """`text` folded character for character, so that offsets stay those of `text`; each
    syllable as `fold(normalize(syllable))` gives it, but with `i` and `y` as written (`ki`
    stays `ki`, see `canonical_iy`) and a letter that does not fold to one ASCII letter (`ß`,
    `æ`, Chinese) as UNFOLDED. None when that cannot be done one character for one (decomposed
    marks, invisible characters)."""
    if not unicodedata.is_normalized("NFC", text) or _DROPPED.search(text):
        return None
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    rare = codes >= len(_FOLDED_CODES)
    folded = _FOLDED_CODES[np.where(rare, 0, codes)]
    if rare.any():
        distinct, where = np.unique(codes[rare], return_inverse=True)
        folded[rare] = np.array([_folded_code(int(code)) for code in distinct], dtype=np.uint32)[where]
    return folded.tobytes().decode("utf-32-le")


def has_marks(text: str) -> bool:
    """Whether the text carries any mark on a letter (tone, vowel modifier, or đ)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "đ" in decomposed.lower() or any(unicodedata.combining(c) for c in decomposed)
