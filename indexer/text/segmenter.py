"""underthesea's word segmenter, with its CRF model scored once per distinct n-gram.

underthesea's `word_tokenize` splits a line into syllables with a regex, then a linear-chain CRF
labels each syllable `B-W` (begins a word) or `I-W` (continues one). Each label's score at a
syllable is a sum of weights of features, which are templates over the syllables around it:
`T[-1]` (the one before), `T[0,1].lower` (this and the next, lowercased), `T[2].istitle`, ...
underthesea writes out some forty such feature strings per syllable for its tagger to look up
again, and that is most of its time (measured in docs/benchmarks.md).

Every template reads one n-gram of one to three syllables, so what a template adds to a
position depends only on that n-gram's text. Here each distinct n-gram's weights are looked
up once, in the same model file, and kept: a line's scores are then sums of cached rows, and
the same Viterbi search as underthesea's gives the same labels, hence the same words
(tests/test_segmenter.py compares with `underthesea.word_tokenize`). Should an underthesea release
ship a model this module does not understand, underthesea's own tagger labels the syllables.

The syllables come with their offsets in the line, which underthesea's words do not have.
"""

from __future__ import annotations

import re
import struct
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from indexer.text.normalize import clusters

# A template: `T[-1]`, `T[0,2]`, optionally with a function of the n-gram's text.
_TEMPLATE = re.compile(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\.(\w+))?")
# n-grams that do not fit in the line read as these.
_BEFORE_START, _AFTER_END = "BOS", "EOS"
# underthesea's word segmentation model, a folder of its package.
MODEL = "ws_crf_vlsp2013_20230727"
# The tagger's labels, in the order its model file lists them.
_LABELS = ["B-W", "I-W"]
# Distinct n-grams kept per length before their cache starts again: plenty for the words of
# news, and a bound on the memory of a worker that indexes millions of articles.
CACHE_LIMIT = 100_000


class Syllable(NamedTuple):
    """A token of underthesea's regex tokenizer (a syllable, a number, a code, a sign), where
    it stands in the line, and whether it begins a word or continues the one before."""

    text: str
    start: int
    end: int
    begins_word: bool


def syllables(line: str) -> list[Syllable]:
    """The syllables of a line, labelled as `underthesea.word_tokenize` labels them (its
    words are the syllables from one that begins a word to the next, joined by spaces), with
    their offsets in the line. underthesea first normalises the line's characters (NFC, `ð` as
    `đ`), which changes nothing's place in a line that is NFC already, as `normalize.AlignedText`
    makes it.

    >>> [s.text for s in syllables("Bác sĩ bây giờ") if s.begins_word]
    ['Bác', 'bây']
    """
    from underthesea.pipeline.word_tokenize import regex_tokenize

    normalise = regex_tokenize.normalize_characters_in_text
    text, starts, ends = normalise(line), None, None
    if not unicodedata.is_normalized("NFC", line) or len(text) != len(line):
        # Rare (a stray combining mark, letters that compose across characters): normalised
        # a character and its marks at a time, each character remembering where it came from.
        text, starts, ends = _normalised_in_clusters(line, normalise)
    # Each alternative of underthesea's pattern is one named group, so the token is the whole
    # match (underthesea's `tokenize` looks for the group with `groupdict()`, which costs as
    # much as the matching).
    matches = list(regex_tokenize.patterns.finditer(text))
    begins = _tagger().begins_word([match.group() for match in matches])
    if begins:
        begins[0] = True  # as underthesea's words have it, whatever the label
    if starts is None or ends is None:
        return [
            Syllable(match.group(), match.start(), match.end(), first)
            for match, first in zip(matches, begins)
        ]
    return [
        Syllable(match.group(), starts[match.start()], ends[match.end() - 1], first)
        for match, first in zip(matches, begins)
    ]


def _normalised_in_clusters(line: str, normalise: Callable[[str], str]) -> tuple[str, list[int], list[int]]:
    """`normalise` applied to each character with the combining marks after it, and for each
    character of the result, the start and end in `line` of what it came from."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in clusters(line):
        piece = normalise(line[start:end])
        pieces.append(piece)
        starts.extend([start] * len(piece))
        ends.extend([end] * len(piece))
    return "".join(pieces), starts, ends


# --- the features -----------------------------------------------------------------------------


def _same(text: str) -> str:
    return text


def _is_int32(text: str) -> bool:
    # underthesea's `isdigit` is "parses as a 32-bit integer": `-5` and `+12` are digits,
    # `²` and `99999999999` are not.
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return False
    return -(2**31) <= int(text) < 2**31


def _is_title(text: str) -> bool:
    # underthesea's `istitle`: every syllable's first character is its own uppercase, so
    # `HÀ`, `12` and `-` are titles and `iPhone` is not (unlike Python's `str.istitle`).
    if " " not in text:  # a syllable: most calls
        return text[:1].upper() == text[:1]
    return all(piece[:1].upper() == piece[:1] for piece in text.split(" "))


# The functions a template may apply to its n-gram (None: the text itself).
FUNCTIONS = (None, "lower", "isdigit", "istitle", "is_in_dict")
_BY_TEXT = (None, "lower")  # the functions whose values are an n-gram's text
# Characters whose case Python 3.11 (Unicode 14) and underthesea_core's Rust (a later Unicode)
# agree on: ASCII, Latin-1, Latin Extended-A, ơ and ư, combining marks, the other Vietnamese
# letters, punctuation.
_USUAL = re.compile(r"[\x00-\u017f\u01a0\u01a1\u01af\u01b0\u0300-\u036f\u1ea0-\u1ef9\u2000-\u206f]*")


class _Features:
    """The values of underthesea's feature functions for the text of an n-gram."""

    def __init__(self, dictionary: frozenset[str]):
        self.dictionary = dictionary
        self._featurizer: Any = None
        # Python's versions, right for the characters of `_USUAL`.
        self._functions: dict[str | None, Callable[[str], str]] = {
            None: _same,
            "lower": str.lower,
            "isdigit": lambda text: str(_is_int32(text)),
            "istitle": lambda text: str(_is_title(text)),
            "is_in_dict": lambda text: str(text.lower() in dictionary),
        }

    def values(self, text: str, names: list[str | None]) -> list[str]:
        if not self.usual(text):
            return self._underthesea_values(text, names)
        functions = self._functions
        return [functions[name](text) for name in names]

    @staticmethod
    def usual(text: str) -> bool:
        """Whether Python's functions give underthesea's values for this text."""
        return _USUAL.fullmatch(text) is not None

    def _underthesea_values(self, text: str, names: list[str | None]) -> list[str]:
        # A letter Python and Rust may case differently (`ɤ`, IPA for `ơ`): underthesea_core's
        # own featurizer, on the n-gram as one token (its functions read the whole text).
        if self._featurizer is None:
            from underthesea_core import CRFFeaturizer

            templates = ["T[0]" + (f".{name}" if name else "") for name in FUNCTIONS]
            self._featurizer = CRFFeaturizer(templates, set(self.dictionary))
        row = self._featurizer.process([[[text]]])[0][0]
        found = dict(zip(FUNCTIONS, (feature.partition("=")[2] for feature in row)))
        return [found[name] for name in names]


class _Line:
    """The n-grams of a line, one length at a time, with what the feature functions need of
    each, worked out from its syllables rather than from each n-gram's text again: an
    n-gram's lowercase is its syllables' joined, it is a title when each of them is
    (`_is_title` reads syllable by syllable), and its characters are usual when theirs are."""

    def __init__(self, syllables: list[str]):
        self._syllables = syllables
        self._lowered = [syllable.lower() for syllable in syllables]
        self._titles = [_is_title(syllable) for syllable in syllables]
        self._unusual = (
            None
            if _Features.usual(" ".join(syllables))  # nearly every line
            else [not _Features.usual(syllable) for syllable in syllables]
        )
        self.length = 1
        # The n-gram at `i` reads the syllables from `i` to `i + length`.
        self.grams, self.lowered, self.titles = syllables, self._lowered, self._titles

    def lengthen(self) -> None:
        """Move to the n-grams one syllable longer: each n-gram and the syllable after its end."""
        after = self.length
        self.length += 1
        self.grams = [f"{gram} {next}" for gram, next in zip(self.grams, self._syllables[after:])]
        self.lowered = [f"{gram} {next}" for gram, next in zip(self.lowered, self._lowered[after:])]
        self.titles = [gram and next for gram, next in zip(self.titles, self._titles[after:])]

    def usual(self, at: int) -> bool:
        """Whether the characters of the n-gram at `at` are usual."""
        return self._unusual is None or not any(self._unusual[at : at + self.length])


@dataclass(frozen=True)
class _Template:
    """One feature template: the n-gram it reads, relative to the position labelled, and the
    weights (per label) of the values it takes."""

    start: int
    end: int
    function: str | None  # one of FUNCTIONS
    weights: dict[str, list[float]]

    def weight(self, value: str) -> list[float] | None:
        return self.weights.get(value)


class _Grams:
    """The n-grams of one length, each with its score row: what it adds to the labels of the
    positions that read it, one line per template start."""

    def __init__(self, length: int, templates: list[_Template], features: _Features):
        self.length = length
        self.features = features
        self.starts = sorted({template.start for template in templates})
        # Templates grouped by function: a new n-gram's `lower` or `is_in_dict` is computed
        # once, then looked up for each start.
        by_function: dict[str | None, list[tuple[int, dict[str, list[float]]]]] = {}
        for template in templates:
            column = self.starts.index(template.start)
            by_function.setdefault(template.function, []).append((column, template.weights))
        self.functions = list(by_function)
        self.columns = list(by_function.values())
        # The texts the model has weights for.
        self.known = {
            value
            for function, columns in by_function.items()
            if function in _BY_TEXT
            for _, weights in columns
            for value in weights
        }
        self._index: dict[str | tuple[bool, ...], int] = {}
        self._rows = np.zeros((1024, len(self.starts), 2))
        # The web server segments queries in several threads; rows are handed out one by one.
        self._lock = threading.Lock()

    def rows(self, line: _Line) -> np.ndarray:
        """The score row of each n-gram of a line (`line` is at this length)."""
        with self._lock:
            if len(self._index) + len(line.grams) > CACHE_LIMIT:
                self._index.clear()
            index, known, dictionary = self._index, self.known, self.features.dictionary
            first_new = len(index)
            new: list[list[list[float]]] = []
            ids = []
            for at, (gram, lowered, title) in enumerate(zip(line.grams, line.lowered, line.titles)):
                row = index.get(gram)
                if row is None and (gram in known or lowered in known or not line.usual(at)):
                    row = self._add(gram, self.features.values(gram, self.functions), new)
                elif row is None:
                    # Most n-grams of real news: the model has no weights for their text (names
                    # and numbers keep coming). They score by their other values only, one row
                    # for each combination of them, kept under the combination: a row for each
                    # n-gram would fill the cache and start it again.
                    facts = (self.length == 1 and _is_int32(gram), title, lowered in dictionary)
                    row = index.get(facts)
                    if row is None:
                        row = self._add(facts, self._values_of(facts), new)
                ids.append(row)
            if new:
                # Stored together: one numpy conversion for all of a line's new n-grams.
                while len(self._rows) < first_new + len(new):
                    self._rows = np.concatenate([self._rows, np.zeros_like(self._rows)])
                self._rows[first_new : first_new + len(new)] = new
            return self._rows[ids]

    def _values_of(self, facts: tuple[bool, bool, bool]) -> list[str]:
        """The values of this length's functions for an n-gram the model has no text for."""
        by_function: dict[str | None, str] = dict(zip(("isdigit", "istitle", "is_in_dict"), map(str, facts)))
        return [by_function.get(function, "\x00") for function in self.functions]

    def _add(self, key: str | tuple[bool, ...], values: list[str], new: list[list[list[float]]]) -> int:
        # Summed in Python floats: a numpy operation per weight would cost more than the lookup.
        scores = [[0.0, 0.0] for _ in self.starts]
        for value, columns in zip(values, self.columns):
            for column, weights in columns:
                weight = weights.get(value)
                if weight is not None:
                    scores[column][0] += weight[0]
                    scores[column][1] += weight[1]
        new.append(scores)
        row = self._index[key] = len(self._index)
        return row


class _Tagger:
    """underthesea's CRF word segmentation model, read from its files."""

    def __init__(self, templates: list[_Template], transitions: np.ndarray, features: _Features):
        self.templates = templates
        longest = max(t.end - t.start + 1 for t in templates)
        self.grams = [
            _Grams(length, [t for t in templates if t.end - t.start + 1 == length], features)
            for length in range(1, longest + 1)
        ]
        # Only the first and last few positions have templates that read past the line.
        self.reach_back = max(0, -min(t.start for t in templates))
        self.reach_ahead = max(0, max(t.end for t in templates))
        self.transitions = transitions.tolist()
        self._edges: dict[int, np.ndarray] = {}  # by line length (in syllables)

    def begins_word(self, syllables: list[str]) -> list[bool]:
        """For each syllable, whether the best labelling has it begin a word."""
        if not syllables:
            return []
        scores = self._emissions(syllables)
        # As two columns: numpy makes a list of floats far faster than a list of pairs.
        labels = _viterbi(scores[:, 0].tolist(), scores[:, 1].tolist(), self.transitions)
        return [label == 0 for label in labels]

    def _emissions(self, syllables: list[str]) -> np.ndarray:
        count = len(syllables)
        edges = self._edges.get(count)
        if edges is None:
            if len(self._edges) > 1024:
                self._edges.clear()
            edges = self._edges[count] = self._edge_scores(count)
        scores = edges.copy()
        line = _Line(syllables)
        for group in self.grams:
            if group.length > line.length:
                line.lengthen()
            if not line.grams:
                break
            if not group.starts:
                continue
            rows = group.rows(line)
            for column, start in enumerate(group.starts):
                # The n-gram at `i` is read by position `i - start`, when it is in the line.
                first, last = max(0, start), min(len(line.grams), count + start)
                if first < last:
                    scores[first - start : last - start] += rows[first:last, column]
        return scores

    def _edge_scores(self, count: int) -> np.ndarray:
        """The scores of the templates that read past either end of a line of `count`
        syllables: their values are `BOS` and `EOS`."""
        scores = np.zeros((count, 2))
        near_an_end = set(range(min(count, self.reach_back))) | set(
            range(max(0, count - self.reach_ahead), count)
        )
        for position in near_an_end:
            for template in self.templates:
                if position + template.start < 0:
                    value = _BEFORE_START
                elif position + template.end >= count:
                    value = _AFTER_END
                else:
                    continue
                weight = template.weight(value)
                if weight is not None:
                    scores[position] += weight
        return scores


def _viterbi(scores_b: list[float], scores_i: list[float], transitions: list[list[float]]) -> list[int]:
    """The best labelling (0 or 1 at each position) for the scores of each label at each
    position, as underthesea's tagger finds it: on equal scores the lower label wins."""
    (bb, bi), (ib, ii) = transitions
    best_b, best_i = scores_b[0], scores_i[0]
    back: list[tuple[int, int]] = []
    for emit_b, emit_i in zip(scores_b[1:], scores_i[1:]):
        # The best label before a B and before an I (ties to B, as underthesea's `>` does).
        from_b, from_i = best_b + bb, best_i + ib
        if from_b >= from_i:
            before_b, to_b = 0, from_b
        else:
            before_b, to_b = 1, from_i
        from_b, from_i = best_b + bi, best_i + ii
        if from_b >= from_i:
            before_i, to_i = 0, from_b
        else:
            before_i, to_i = 1, from_i
        back.append((before_b, before_i))
        best_b, best_i = to_b + emit_b, to_i + emit_i
    label = 0 if best_b >= best_i else 1
    labels = [label]
    for before in reversed(back):
        label = before[label]
        labels.append(label)
    labels.reverse()
    return labels


# --- the model files --------------------------------------------------------------------------


def _model_folder() -> Path:
    from underthesea.pipeline import word_tokenize as package

    return Path(package.__file__).parent / "models" / MODEL


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """The word list the model ships with: about 72,500 lowercase words, most of several
    syllables (`tổ chức`). Empty if the installed underthesea has none where it is expected."""
    import joblib

    try:
        return frozenset(joblib.load(_model_folder() / "dictionary.bin"))
    except (OSError, ValueError):
        return frozenset()


@lru_cache(maxsize=1)
def _tagger() -> _Tagger | _UndertheseaTagger:
    """The model of the installed underthesea, read here; or underthesea's own tagger if its
    files are not as this module expects."""
    import joblib

    folder = _model_folder()
    words = dictionary()
    try:
        names = joblib.load(folder / "features.bin")
        labels, attributes, transitions = _read_crfsuite((folder / "models.bin").read_bytes())
    except (OSError, ValueError, struct.error):
        return _UndertheseaTagger(folder)
    if labels != _LABELS or not words:
        return _UndertheseaTagger(folder)
    by_name: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    for attribute, weights in attributes.items():
        name, _, value = attribute.partition("=")
        if name in by_name:
            by_name[name][value] = weights
    templates = []
    for name in names:
        match = _TEMPLATE.fullmatch(name)
        if match is None or match.group(3) not in FUNCTIONS:
            return _UndertheseaTagger(folder)
        start = int(match.group(1))
        end = int(match.group(2) or start)
        templates.append(_Template(start, end, match.group(3), by_name[name]))
    return _Tagger(templates, transitions, _Features(words))


class _UndertheseaTagger:
    """underthesea's own featurizer and tagger: slower, and always what it means."""

    def __init__(self, folder: Path):
        from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

        self.model = FastCRFSequenceTagger()
        self.model.load(str(folder))

    def begins_word(self, syllables: list[str]) -> list[bool]:
        if not syllables:
            return []
        return [label != "I-W" for label in self.model.predict([[syllable] for syllable in syllables])]


def _read_crfsuite(data: bytes) -> tuple[list[str], dict[str, list[float]], np.ndarray]:
    """Labels, attributes with their weight per label, and label transitions, from a model
    file in CRFsuite's format (which underthesea_core reads and writes)."""
    (magic, _, kind, _, _, label_count, attribute_count, features_at, labels_at, attributes_at, _, _) = (
        struct.unpack_from("<4sI4sIIIIIIIII", data, 0)
    )
    if magic != b"lCRF" or kind != b"FOMC":
        raise ValueError("not a CRFsuite model")
    labels = _read_cqdb(data, labels_at)
    names = _read_cqdb(data, attributes_at)
    if len(labels) != label_count or len(names) != attribute_count:
        raise ValueError("counts do not match")
    chunk, _, feature_count = struct.unpack_from("<4sII", data, features_at)
    if chunk != b"FEAT":
        raise ValueError("no features")
    features = np.frombuffer(
        data,
        dtype=[("kind", "<u4"), ("source", "<u4"), ("target", "<u4"), ("weight", "<f8")],
        count=feature_count,
        offset=features_at + 12,
    )
    state = features[features["kind"] == 0]
    weights = np.zeros((attribute_count, label_count))
    weights[state["source"], state["target"]] = state[
        "weight"
    ]  # a repeated feature: the last, as Rust sets it
    transition = features[features["kind"] == 1]
    transitions = np.zeros((label_count, label_count))
    transitions[transition["source"], transition["target"]] = transition["weight"]
    return labels, dict(zip(names, weights.tolist())), transitions


def _read_cqdb(data: bytes, at: int) -> list[str]:
    """The strings of a CQDB (CRFsuite's string table) in id order, from its backward array."""
    chunk, _, _, _, count, backward_at = struct.unpack_from("<4sIIIII", data, at)
    if chunk != b"CQDB":
        raise ValueError("no string table")
    strings = []
    for id_, offset in enumerate(struct.unpack_from(f"<{count}I", data, at + backward_at)):
        stored_id, size = struct.unpack_from("<II", data, at + offset)
        if stored_id != id_:
            raise ValueError("string table out of order")
        strings.append(data[at + offset + 8 : at + offset + 7 + size].decode("utf-8"))
    return strings
