"""The articles a benchmark runs on: the synthetic corpus of make_corpus.py, or a folder of real
articles (`--articles DIR`, in any format vnsearch reads; benchmarks/real_news.py writes one).

Both give the same `Article` records (title, body, source, date, file size), so that every
benchmark measures real news with the same code as generated text.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import corpus_dir


@dataclass(frozen=True)
class Article:
    """One article: its headline line and body as the file holds them, and its metadata."""

    title: str
    body: str
    source: str
    date: str  # `YYYY-MM-DD...` as the file gives it (sorts as text), or "" without one
    file_bytes: int

    @property
    def year(self) -> str:
        return self.date[:4]

    def lines(self) -> list[str]:
        """The title and the non-empty body lines, NFC: what the indexer hands to underthesea
        (it segments one line at a time, after normalising; see indexer/text/segment.py)."""
        text = unicodedata.normalize("NFC", self.title + "\n" + self.body)
        return [line for line in text.split("\n") if line.strip()]


@dataclass(frozen=True)
class Corpus:
    """A folder of articles: the synthetic corpus or real ones."""

    folder: Path
    real: bool

    def files(self) -> list[Path]:
        """The article files in a stable order."""
        if not self.real:
            return sorted(self.folder.glob("[0-9]*/*.txt"))  # make_corpus names them by number
        from indexer.ingest.read import find_files

        return [file for file, _ in find_files([self.folder])]

    def articles(self) -> Iterator[Article]:
        """One at a time: 50,000 articles are hundreds of MB, which must not inflate the
        memory a benchmark reports."""
        return (self.read(path) for path in self.files())

    def sample(self, count: int, seed: int) -> list[Path]:
        files = self.files()
        return sorted(random.Random(seed).sample(files, min(count, len(files))))

    def read(self, path: Path) -> Article:
        """A text file as it is (front matter, headline line, body); a file of another format
        as vnsearch reads it (its first article)."""
        if path.suffix.lower() != ".txt":
            return _read_with_vnsearch(path, self.folder)
        data = path.read_bytes()
        text = data.decode("utf-8", "replace")
        meta: dict[str, str] = {}
        if text.startswith("---\n"):
            front, _, text = text[4:].partition("\n---\n")
            meta = dict(line.split(": ", 1) for line in front.splitlines() if ": " in line)
        title, _, body = text.lstrip("\n").partition("\n")
        source = meta.get("source") or (path.parent.name if self.real and path.parent != self.folder else "")
        return Article(title, body.rstrip("\n"), source, meta.get("date", ""), len(data))


def corpus_of(
    count: int, seed: int, folder: Path | None = None, articles: Path | None = None, *, quiet: bool = False
) -> Corpus:
    """The real articles in `articles` if given, else the synthetic corpus of `count` articles,
    generated unless `folder` (by default make_corpus's cache) already holds it."""
    if articles is not None:
        return Corpus(articles, real=True)
    return Corpus(corpus_dir(count, seed, folder, quiet=quiet), real=False)


def _read_with_vnsearch(path: Path, folder: Path) -> Article:
    from indexer.ingest.read import Extracted, read_articles

    data = path.read_bytes()
    for item in read_articles(path, folder):
        if isinstance(item, Extracted):
            article = item.article
            date = article.date.isoformat() if article.date else ""
            return Article(article.title, article.body, article.source or "", date, len(data))
    return Article("", "", "", "", len(data))
