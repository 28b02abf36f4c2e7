"""Generate a synthetic Vietnamese news corpus for benchmarks.

The text is real: the gold-segmented VLSP 2013 test sentences that ship in the underthesea wheel,
plus the paragraphs of the articles in corpus/. Each article takes consecutive sentences from one
place in that stream, so it stays on one topic and phrases repeat across articles as in real news.
About 10% of articles are written in NFD and about 20% in the "new" tone placement (hoà, uỷ),
the two variations the indexer has to see through.

    python benchmarks/make_corpus.py --count 50000 --seed 42
"""

from __future__ import annotations

import bisect
import json
import math
import random
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files
from pathlib import Path

import click
from tqdm import tqdm

VERSION = 1  # bump when the output changes, so cached corpora are regenerated
MANIFEST = "corpus.manifest"  # JSON, but not named .json: the indexer reads .json files as articles
PER_FOLDER = 1000
CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CACHE = Path(__file__).resolve().parent / ".cache"
VLSP = "pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt"

NFD_SHARE, NEW_TONE_SHARE = 0.10, 0.20
BODY_MIN, BODY_MAX = 1_000, 8_000
# Longer sentences are run-ons from the scraped seeds; capping them keeps a dropped last
# paragraph (at most 6 of them) from taking a body under BODY_MIN (see _body).
SENTENCE_MAX = 1_000
HEADLINE_SYLLABLES = range(8, 21)
FIRST_DATE, LAST_DATE = datetime(2019, 1, 1), datetime(2025, 12, 31, 23, 59)

SOURCES = [
    "Báo Nghệ An",
    "VnExpress",
    "Tuổi Trẻ",
    "Thanh Niên",
    "Dân Trí",
    "Nhân Dân",
    "Báo Hải Phòng",
    "VietnamPlus",
]
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Hồng", "Xuân"]
# Hòa, Thủy, Thúy, Khoa carry the oa/uy syllables whose tone placement varies.
GIVEN = [
    "An",
    "Anh",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hòa",
    "Hùng",
    "Hương",
    "Huy",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thủy",
    "Thúy",
    "Trang",
    "Trung",
    "Tuấn",
    "Việt",
    "Yến",
]

# --- tone placement -------------------------------------------------------------------------

_TONE = "[\u0300\u0301\u0303\u0309\u0323]?"  # grave, acute, tilde, hook, dot below (after NFD)
# An open syllable ending in oa/oe/uy: the only ones whose tone placement differs between the
# two styles. `q` is left out because in quý the u belongs to the consonant (always quý).
_OPEN_SYLLABLE = re.compile(f"([bcdđghklmnprstvx]*)([ou])({_TONE})([aey])({_TONE})", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


@cache
def retone(word: str, new: bool) -> str:
    """Put the tone of an open oa/oe/uy syllable on the second vowel (new style) or the first.

    >>> [retone(w, True) for w in ("hòa", "thủy", "khỏe", "khóa", "Ủy", "họa")]
    ['hoà', 'thuỷ', 'khoẻ', 'khoá', 'Uỷ', 'hoạ']
    >>> [retone(w, False) for w in ("hoà", "thuỷ", "khoẻ", "khoá", "Uỷ", "quý", "hoàn", "khoa")]
    ['hòa', 'thủy', 'khỏe', 'khóa', 'Ủy', 'quý', 'hoàn', 'khoa']
    """
    match = _OPEN_SYLLABLE.fullmatch(unicodedata.normalize("NFD", word))
    if match is None:
        return word
    initial, first, tone1, second, tone2 = match.groups()
    if (first + second).lower() not in ("oa", "oe", "uy") or bool(tone1) == bool(tone2):
        return word
    tone = tone1 or tone2
    placed = first + second + tone if new else first + tone + second
    return unicodedata.normalize("NFC", initial + placed)


def set_tone_style(text: str, new: bool) -> str:
    return _WORD.sub(lambda m: retone(m.group(), new), text)


# --- source text ----------------------------------------------------------------------------

_NO_SPACE_BEFORE = re.compile(r" (?=[,.;:!?%)\]”…])")
_NO_SPACE_AFTER = re.compile(r"(?<=[(\[“]) ")
# VLSP splits codes and dates into tokens (`02 / 1998 / CT - TTg`); rejoin them, but keep the
# spaced dash between words (`kinh tế - xã hội`).
_SLASH = re.compile(r" / ")
_CODE_DASH = re.compile(r"(?<=[\dA-ZĐ]) - (?=[\dA-ZĐ])")
# Section numbering (`1.2.`, `3)`), bullets and bracketed section names start many VLSP lines.
_ENUMERATION = re.compile(r"^(?:(?:\d{1,2}[.)] )+|[-–+•] |\[[^\]]*\] )")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_BODY_END = re.compile(r"[.!?…][”)]?$")
_LAST_CLAUSE = re.compile(r"(.*)[,;:] ")


def detokenize(tokens: list[str]) -> str:
    """`Bí thư ( khoá IX ) , “ Hiến pháp ” .` -> `Bí thư (khoá IX), “Hiến pháp”.`"""
    text = _NO_SPACE_AFTER.sub("", _NO_SPACE_BEFORE.sub("", " ".join(tokens)))
    return _ENUMERATION.sub("", _CODE_DASH.sub("-", _SLASH.sub("/", text)))


def vlsp_sentences() -> list[str]:
    """Lines are `token<TAB>gold tag<TAB>predicted tag`; a word's syllables are joined by spaces."""
    text = files("underthesea").joinpath(VLSP).read_text(encoding="utf-8")
    blocks = (block.splitlines() for block in text.split("\n\n"))
    return [detokenize([line.split("\t")[0] for line in block]) for block in blocks if block]


def seed_sentences() -> list[str]:
    """Sentences of the story paragraphs in corpus/, in order. Short lines (captions, bylines,
    menus) and lines that do not end a sentence (headings) are page furniture, not story."""
    sentences: list[str] = []
    seen: set[str] = set()
    for path in sorted(CORPUS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = " ".join(line.split())  # the seeds have runs of no-break spaces
            if len(line) < 150 or not _BODY_END.search(line) or line in seen:
                continue
            seen.add(line)
            for piece in _SENTENCE_END.split(line):
                # A split before a lowercase letter was an abbreviation, not a sentence end.
                if sentences and piece[:1].islower():
                    sentences[-1] += " " + piece
                else:
                    sentences.append(piece)
    return sentences


def syllables(text: str) -> int:
    return sum(any(c.isalnum() for c in piece) for piece in text.split())


def headline(sentence: str) -> str | None:
    """The sentence, or its first clauses if it is too long, as a headline (no final period).
    Clauses give ten times more distinct headlines than whole sentences of the right length."""
    text = sentence.rstrip(" .:;…")
    while syllables(text) >= HEADLINE_SYLLABLES.stop and (clauses := _LAST_CLAUSE.match(text)):
        text = clauses.group(1)
    # `…luật.”` closes a quotation opened in an earlier sentence, or hides a period inside it.
    whole = text.count("“") == text.count("”") and text.count("(") == text.count(")")
    fits = syllables(text) in HEADLINE_SYLLABLES and text[:1].isupper()
    return text if whole and fits and not re.search(r"[.…][”)]$", text) else None


@dataclass(frozen=True)
class Pool:
    body: dict[bool, list[str]]  # body sentences in stream order, per tone style (new=True)
    headlines: dict[bool, list[str]]
    headline_at: list[int]  # position in the body stream of each headline, ascending


@cache
def pool() -> Pool:
    body: list[str] = []
    headlines: list[str] = []
    headline_at: list[int] = []
    for sentence in vlsp_sentences() + seed_sentences():
        if title := headline(sentence):
            headlines.append(title)
            headline_at.append(len(body))
        # Headings and list items end without a full stop: fine as headlines, not as story.
        if syllables(sentence) >= 4 and len(sentence) <= SENTENCE_MAX and _BODY_END.search(sentence):
            body.append(sentence)
    # The sources mix both styles (VLSP is all new style): give each article one style only.
    return Pool(
        body={new: [set_tone_style(s, new) for s in body] for new in (False, True)},
        headlines={new: [set_tone_style(s, new) for s in headlines] for new in (False, True)},
        headline_at=headline_at,
    )


# --- articles -------------------------------------------------------------------------------


def authors(rng: random.Random, n: int = 40) -> list[str]:
    names: dict[str, None] = {}  # a dict keeps the drawing order, so the list is reproducible
    while len(names) < n:
        names[f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"] = None
    return list(names)


def _body(rng: random.Random, sentences: list[str], start: int) -> tuple[list[str], int]:
    """Paragraphs of 2 to 6 consecutive sentences from `start`, until a target length drawn
    log-uniformly (most news is short); also returns how many sentences were read."""
    target = math.exp(rng.uniform(math.log(BODY_MIN), math.log(BODY_MAX)))
    paragraphs: list[str] = []
    length, used = -2, 0  # -2: no "\n\n" before the first paragraph
    while length < target:
        n = rng.randint(2, 6)
        paragraph = " ".join(sentences[(start + used + i) % len(sentences)] for i in range(n))
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
        used += n
    if length > BODY_MAX:  # what is left is > BODY_MAX - 6 * SENTENCE_MAX > BODY_MIN
        paragraphs.pop()
    return paragraphs, used


def article(rng: random.Random, people: list[str]) -> tuple[str, str]:
    """(front matter, headline and body) of one article."""
    new, nfd = rng.random() < NEW_TONE_SHARE, rng.random() < NFD_SHARE
    data = pool()
    start = rng.randrange(len(data.body[new]))
    paragraphs, used = _body(rng, data.body[new], start)
    # The headline comes from the stretch of text the story was taken from, to stay on topic.
    at = bisect.bisect_left(data.headline_at, (start + rng.randrange(used)) % len(data.body[new]))
    title = data.headlines[new][at % len(data.headline_at)]
    minutes = rng.randrange(int((LAST_DATE - FIRST_DATE).total_seconds() // 60) + 1)
    front = (
        f"---\nsource: {rng.choice(SOURCES)}\nauthor: {set_tone_style(rng.choice(people), new)}\n"
        f"date: {FIRST_DATE + timedelta(minutes=minutes):%Y-%m-%d %H:%M}\n---\n"
    )
    text = title + "\n" + "\n\n".join(paragraphs) + "\n"
    return front, unicodedata.normalize("NFD", text) if nfd else text


def is_complete(out: Path, count: int, seed: int) -> bool:
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return [manifest.get(key) for key in ("version", "count", "seed")] == [VERSION, count, seed]


def generate(count: int, seed: int, out: Path, *, quiet: bool = False) -> Path:
    """Write `count` articles to out/NNNNN/NNNNNNNNN.txt, unless `out` already holds them."""
    if is_complete(out, count, seed):
        return out
    # The manifest goes first and comes back last, so an interrupted run is never taken as done;
    # old article folders go too, or a smaller corpus would keep a larger one's extra files.
    (out / MANIFEST).unlink(missing_ok=True)
    for folder in out.glob("[0-9][0-9][0-9][0-9][0-9]"):
        shutil.rmtree(folder)
    rng = random.Random(seed)
    people = authors(rng)
    characters = size = 0
    for i in tqdm(range(count), unit="article", disable=quiet or None):
        if i % PER_FOLDER == 0:
            (out / f"{i // PER_FOLDER:05d}").mkdir(parents=True, exist_ok=True)
        text = "".join(article(rng, people))
        data = text.encode("utf-8")
        (out / f"{i // PER_FOLDER:05d}" / f"{i:09d}.txt").write_bytes(data)
        characters += len(text)
        size += len(data)
    manifest = {"version": VERSION, "count": count, "seed": seed, "characters": characters, "bytes": size}
    (out / f"{MANIFEST}.tmp").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (out / f"{MANIFEST}.tmp").replace(out / MANIFEST)
    return out


@click.command()
@click.option("--count", default=50_000, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=42, show_default=True, type=int)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder [default: benchmarks/.cache/corpus-COUNT-SEED]",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def main(count: int, seed: int, out: Path | None, quiet: bool) -> None:
    """Generate a synthetic Vietnamese news corpus (deterministic for a given count and seed)."""
    out = out or CACHE / f"corpus-{count}-{seed}"
    if is_complete(out, count, seed):
        if not quiet:
            click.echo(f"Cached: {out} already holds {count} articles for seed {seed}.")
        return
    began = time.perf_counter()
    generate(count, seed, out, quiet=quiet)
    if not quiet:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        click.echo(
            f"Wrote {count} articles to {out} in {time.perf_counter() - began:.1f} s: "
            f"{manifest['characters']:,} characters, {manifest['bytes'] / 1e6:.1f} MB."
        )


if __name__ == "__main__":
    main()
