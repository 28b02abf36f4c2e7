"""vnsearch's segmenter (`indexer/text/segmenter.py`) against underthesea's `word_tokenize`.

    python benchmarks/segment_bench.py [--rounds 3] [--sentences N]
    python benchmarks/segment_bench.py --articles DIR [--sample 300] [--rounds 3]

Both segment the same lines one at a time, in this process: by default the VLSP 2013 test
sentences that ship in the underthesea wheel (2,120 news sentences, each different); with
`--articles`, every line of a sample of real articles (a folder in any format vnsearch reads).
The segmenter keeps the score rows of the n-grams it has seen, so it is timed twice per
round: first with empty caches (text seen for the first time, the worst case: every trigram
new) and then again (text whose n-grams recur, as the synthetic benchmark corpus's do: it is
built from the VLSP sentences). Prints each rate and its ratio to underthesea's, measured in
the same round, and how many lines came out with other words than underthesea's (it must be
none).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.articles import Corpus
from benchmarks.common import DEFAULT_SEED, table
from benchmarks.make_corpus import vlsp_sentences
from indexer.text import segmenter


def our_words(line: str) -> list[str]:
    """The segmenter's syllables joined into words, as underthesea joins its own."""
    words: list[str] = []
    for syllable in segmenter.syllables(line):
        if syllable.begins_word:
            words.append(syllable.text)
        else:
            words[-1] += " " + syllable.text
    return words


def underthesea_words(line: str) -> list[str]:
    from underthesea import word_tokenize

    return word_tokenize(line, use_token_normalize=False)


@dataclass
class Round:
    """Seconds each took over all the sentences, in one round."""

    underthesea: float
    first_time: float  # ours, caches empty
    seen_before: float  # ours again, on the same sentences


def _seconds(segment: Callable[[str], list[str]], lines: list[str]) -> tuple[float, list[list[str]]]:
    started = time.perf_counter()
    words = [segment(line) for line in lines]
    return time.perf_counter() - started, words


def measure(lines: list[str], rounds: int) -> tuple[list[Round], int]:
    """Each round's times, and how many sentences came out with other words than underthesea's."""
    underthesea_words(lines[0]), segmenter._tagger()  # models loaded before timing
    timed, mismatches = [], 0
    for _ in range(rounds):
        theirs, expected = _seconds(underthesea_words, lines)
        segmenter._tagger.cache_clear()
        segmenter._tagger()  # a new tagger: its caches are empty
        first, ours = _seconds(our_words, lines)
        again, _ = _seconds(our_words, lines)
        mismatches += sum(a != b for a, b in zip(ours, expected))
        timed.append(Round(theirs, first, again))
    return timed, mismatches


def report(lines: list[str], timed: list[Round], mismatches: int) -> str:
    count = len(lines)
    rows = [
        [
            number,
            f"{count / t.underthesea:.0f}/s",
            f"{count / t.first_time:.0f}/s",
            f"{t.underthesea / t.first_time:.1f}x",
            f"{count / t.seen_before:.0f}/s",
            f"{t.underthesea / t.seen_before:.1f}x",
        ]
        for number, t in enumerate(timed, start=1)
    ]
    headers = ["round", "underthesea", "ours, first time", "ratio", "ours, n-grams seen", "ratio"]
    return (
        f"{count} lines, {sum(map(len, lines))} characters; segmented differently from underthesea: "
        f"{mismatches}\n\n" + table(headers, rows)
    )


@click.command()
@click.option("--rounds", default=3, show_default=True, type=click.IntRange(min=1), help="Timed rounds.")
@click.option("--sentences", type=click.IntRange(min=1), help="Only the first N lines [default: all].")
@click.option(
    "--articles",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Segment the lines of real articles from this folder instead of the VLSP sentences.",
)
@click.option(
    "--sample",
    default=300,
    show_default=True,
    type=click.IntRange(min=1),
    help="Articles drawn at random (seeded) from --articles.",
)
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int, help="The sample's seed.")
def main(rounds: int, sentences: int | None, articles: Path | None, sample: int, seed: int) -> None:
    """Time vnsearch's segmenter against underthesea's word_tokenize, side by side."""
    if articles is None:
        lines = vlsp_sentences()
    else:
        corpus = Corpus(articles, real=True)
        lines = [line for path in corpus.sample(sample, seed) for line in corpus.read(path).lines()]
    lines = lines[:sentences]
    click.echo(report(lines, *measure(lines, rounds)))


if __name__ == "__main__":
    main()
