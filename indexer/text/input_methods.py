"""Reading words typed without a Vietnamese input method: Telex (`toor chuwcs`, `ddangr`) and
VNI (`to63 chu71c`), the two ways people type marks as letters or digits.

`decode(word)` gives the syllable such a word spells, or None when it spells none. Whether that
reading is the one meant (`box` is an English word, not `bõ`) is for the caller to judge.
"""

from __future__ import annotations

import re
import unicodedata

from indexer.text.normalize import canonical_tone, is_syllable

_TONES = {"acute": "\u0301", "grave": "\u0300", "hook": "\u0309", "tilde": "\u0303", "dot": "\u0323"}
_TELEX_TONES = {"s": "acute", "f": "grave", "r": "hook", "x": "tilde", "j": "dot"}
_VNI_TONES = {"1": "acute", "2": "grave", "3": "hook", "4": "tilde", "5": "dot"}
# Letters with their modifiers, as each method types them (longest first).
_TELEX_LETTERS = [
    ("uow", "ươ"),
    ("dd", "đ"),
    ("aa", "â"),
    ("ee", "ê"),
    ("oo", "ô"),
    ("aw", "ă"),
    ("ow", "ơ"),
    ("uw", "ư"),
    ("w", "ư"),
]
_VNI_LETTERS = [
    ("u7o7", "ươ"),
    ("uo7", "ươ"),
    ("d9", "đ"),
    ("a6", "â"),
    ("e6", "ê"),
    ("o6", "ô"),
    ("a8", "ă"),
    ("o7", "ơ"),
    ("u7", "ư"),
]
_TELEX_WORD = re.compile(r"^[a-z]+$")
_VNI_WORD = re.compile(r"^[a-z]+[1-9][a-z1-9]*$|^[a-z]*[1-9][a-z]+[1-9]?[a-z]*$")
_FIRST_VOWEL = re.compile(r"[aeiouy]")


def decode(word: str) -> tuple[str, str] | None:
    """(syllable, "telex" or "vni") for a word typed with marks as keys, else None."""
    word = word.lower()
    if _VNI_WORD.match(word):
        syllable = _decode(word, _VNI_TONES, _VNI_LETTERS)
        return (syllable, "vni") if syllable else None
    if _TELEX_WORD.match(word):
        syllable = _decode(word, _TELEX_TONES, _TELEX_LETTERS)
        return (syllable, "telex") if syllable and syllable != word else None
    return None


def _decode(word: str, tone_keys: dict[str, str], letters: list[tuple[str, str]]) -> str | None:
    vowel = _FIRST_VOWEL.search(word)
    if vowel is None:
        return None
    # Tone keys come after the first vowel (before it, `tr`, `ph` are consonants).
    head, tail = word[: vowel.start()], word[vowel.start() :]
    tones = [tone_keys[c] for c in tail if c in tone_keys]
    tail = "".join(c for c in tail if c not in tone_keys)
    if len(tones) > 1:
        return None
    text = head + tail
    for typed, letter in letters:
        text = text.replace(typed, letter)
    if any(c.isdigit() for c in text):
        return None
    if tones:
        first = re.search(r"[aăâeêioôơuưy]", text)
        if first is None:
            return None
        # Put the tone on any vowel, then let the canonical rule move it where it belongs.
        at = first.start()
        text = unicodedata.normalize("NFC", text[: at + 1] + _TONES[tones[0]] + text[at + 1 :])
        text = canonical_tone(text)
    return text if is_syllable(text) else None
