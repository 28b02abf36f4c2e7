"""Files -> Article records.

A text article is its headline on the first non-empty line and the story below it. An optional
front-matter block of `Key: value` lines between `---` lines gives metadata explicitly
(title, date, source, author, url). Without it, the publication date is looked for in the few
lines under the headline, where news sites print it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

TEXT_SUFFIXES = frozenset({".txt"})
# Lines under the headline searched for the publication date; a date deeper in the story is
# an event in it, not the publication.
_HEADER_LINES = 4
_DATE = re.compile(
    r"(?:(?P<h1>\d{1,2}):(?P<m1>\d{2})(?::\d{2})?\s*,?\s*)?"
    r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})"
    r"(?:\s*,?\s*(?P<h2>\d{1,2}):(?P<m2>\d{2})(?::\d{2})?)?"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")
_FRONT_MATTER_KEYS = ("title", "date", "source", "author", "url")


class IngestError(Exception):
    """A file that cannot be turned into an article; the message says why."""


@dataclass(frozen=True)
class Article:
    id: str
    path: str
    title: str
    body: str
    date: datetime | None = None  # publication time, Vietnam local time (UTC+7), naive
    source: str | None = None
    author: str | None = None
    url: str | None = None

    @property
    def content_hash(self) -> str:
        fields = (self.title, self.body, str(self.date), self.source, self.author, self.url)
        return hashlib.sha256("\x1f".join(f or "" for f in fields).encode()).hexdigest()


def find_files(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every article file under the given files and folders, in a stable
    order; `root` is what the article id is relative to."""
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and file.suffix.lower() in TEXT_SUFFIXES:
                    yield file, path
        else:
            yield path, path.parent


def article_id(file: Path, root: Path) -> str:
    """The file's path relative to the indexed folder, without extension, with `/`."""
    return file.relative_to(root).with_suffix("").as_posix()


def load_article(file: Path, root: Path) -> Article:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(f"not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise IngestError(error.strerror or str(error)) from None
    return parse_text(text, article_id(file, root), str(file))


def parse_text(text: str, id: str, path: str = "") -> Article:
    meta, text = _split_front_matter(text)
    lines = [line.strip() for line in text.splitlines()]
    content = [i for i, line in enumerate(lines) if line]
    if not content and not meta.get("title"):
        raise IngestError("empty file")
    title = meta.get("title") or lines[content[0]]
    body_lines = lines[content[0] + 1 :] if not meta.get("title") and content else lines
    date = _parse_iso(meta["date"]) if meta.get("date") else _find_date(body_lines)
    return Article(
        id=id,
        path=path,
        title=title,
        body="\n".join(body_lines).strip(),
        date=date,
        source=meta.get("source"),
        author=meta.get("author"),
        url=meta.get("url"),
    )


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            meta = {}
            for line in lines[1:end]:
                key, _, value = line.partition(":")
                if key.strip().lower() in _FRONT_MATTER_KEYS and value.strip():
                    meta[key.strip().lower()] = value.strip()
            return meta, "\n".join(lines[end + 1 :])
    return {}, text


def _find_date(lines: list[str]) -> datetime | None:
    header = [line for line in lines if line][:_HEADER_LINES]
    for line in header:
        match = _DATE.search(line)
        if match is None:
            continue
        hour = match.group("h1") or match.group("h2") or "0"
        minute = match.group("m1") or match.group("m2") or "0"
        try:
            return datetime(
                int(match.group("year")), int(match.group("month")), int(match.group("day")),
                int(hour), int(minute),
            )
        except ValueError:
            continue
    return None


def _parse_iso(value: str) -> datetime | None:
    match = _ISO_DATE.match(value.strip())
    if match is None:
        return _find_date([value])
    year, month, day, hour, minute = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None
