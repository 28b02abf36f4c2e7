"""Files -> Article records, with what was left out and why.

Formats: plain text as scraped (an optional front-matter block of `Key: value` lines between
`---` lines gives metadata), `.json` (one article or a list), `.jsonl` (one article a line),
and `.html`/`.htm` pages (the story and its metadata extracted by trafilatura). Every story is
cleaned of the site's boilerplate (`indexer.ingest.clean`) whatever its format.

One bad file, or one bad record in a file, is reported as a `Problem` and reading goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from indexer.ingest.clean import CleanedText, Dropped, clean_text
from indexer.ingest.dates import parse_date
from indexer.ingest.decode import MAX_FILE_BYTES, decode, read_text
from indexer.ingest.entities import find_entities
from indexer.ingest.errors import IngestError
from indexer.ingest.titles import (
    SLUG_IN_STORY,
    slug_match,
    slug_of,
    title_from_first_sentence,
    title_from_slug,
)

SUFFIXES = frozenset({".txt", ".json", ".jsonl", ".html", ".htm"})
_FRONT_MATTER_KEYS = ("title", "date", "source", "author", "url")
# Field names scrapers use in JSON, in order of preference.
_JSON_FIELDS = {
    "title": ("title", "headline"),
    "text": ("body", "content", "text", "articleBody", "article", "description"),
    "date": (
        "date",
        "published",
        "published_at",
        "publish_date",
        "datePublished",
        "pubDate",
        "time",
        "created_at",
    ),
    "author": ("author", "authors", "byline"),
    "source": ("source", "site", "sitename", "site_name", "publisher"),
    "url": ("url", "link", "canonical"),
    "id": ("id", "_id", "guid", "slug"),
}
_UNSAFE_ID = re.compile(r"[^\w.-]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()

    @property
    def content_hash(self) -> str:
        """Changes when anything indexed changes; equal for the same article under two names."""
        fields = (self.title, self.body, str(self.date), self.source, self.author, self.url)
        return hashlib.sha256("\x1f".join(f or "" for f in fields).encode()).hexdigest()


@dataclass(frozen=True)
class Extracted:
    """An article, the lines of its file that were left out of it, and where its title came
    from (one of TITLE_SOURCES)."""

    article: Article
    dropped: tuple[Dropped, ...] = ()
    title_source: str = "headline line"
    warnings: tuple[str, ...] = ()  # what was left out of the metadata, to tell the user


TITLE_SOURCES = ("metadata", "headline line", "URL", "first sentence")


@dataclass(frozen=True)
class Problem:
    """A file, or one record of it, that could not be read."""

    file: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass
class _Record:
    """One article as found in a file, before cleaning."""

    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    source: str | None = None
    url: str | None = None
    key: str | None = None  # its own id within a file of many
    line: int | None = None

    def __post_init__(self) -> None:
        # JSON may escape lone surrogates (`"\ud800"`): not text, and no index can store them.
        for name in ("text", "title", "date", "author", "source", "url", "key"):
            value = getattr(self, name)
            if isinstance(value, str) and _SURROGATE.search(value):
                setattr(self, name, _SURROGATE.sub("", value))


def find_files(paths: Iterable[Path], skipped: list[Problem] | None = None) -> Iterator[tuple[Path, Path]]:
    """(file, the path given it was found under) for every article file under the given
    files and folders, in a stable order. A symbolic link in a folder is followed only to a
    file inside that folder: a link that leaves it, or leads nowhere, is left out and added to
    `skipped`, as is a folder that cannot be listed. (A file given by name is read wherever it
    is: that is on purpose.)"""
    for path in paths:
        try:
            is_folder = path.is_dir()
        except OSError as error:  # in a folder that refuses to be searched
            if skipped is not None:
                skipped.append(Problem(str(path), f"cannot read it ({error.strerror})"))
            continue
        if not is_folder:
            yield path, path
            continue
        for file in sorted(_everything_under(path, skipped)):
            try:
                problem = _link_problem(file, path) if file.is_symlink() else None
                wanted = not problem and file.suffix.lower() in SUFFIXES and file.is_file()
            except OSError as error:  # in a folder whose names can be read, not its files
                problem, wanted = Problem(str(file), f"cannot read it ({error.strerror})"), False
            if problem:
                if skipped is not None:
                    skipped.append(problem)
            elif wanted:
                yield file, path


def _everything_under(folder: Path, skipped: list[Problem] | None) -> Iterator[Path]:
    """Every file, folder and link under `folder`, without going down linked folders."""

    def refused(error: OSError) -> None:
        if skipped is not None:
            skipped.append(Problem(str(error.filename), f"cannot read the folder ({error.strerror})"))

    for directory, folders, files in os.walk(folder, onerror=refused):
        yield from (Path(directory, name) for name in (*folders, *files))


def _link_problem(link: Path, folder: Path) -> Problem | None:
    """Why a link in `folder` is not followed: it leaves the folder, or leads nowhere. None
    for a link to a file inside it, or to anything that is not an article file."""
    target = Path(os.path.realpath(link))  # not Path.resolve: it raises on a loop
    if not target.exists():
        if link.suffix.lower() not in SUFFIXES:
            return None
        return Problem(str(link), f"a link to {os.readlink(link)}, which leads nowhere")
    if target.is_relative_to(folder.resolve()) or not (target.is_dir() or link.suffix.lower() in SUFFIXES):
        return None
    return Problem(
        str(link),
        (
            f"a link to {target}, outside {folder}; to index it on purpose: vnsearch index "
            f"{shlex.quote(str(target))}"
        ),
    )


def read_articles(file: Path, given: Path) -> Iterator[Extracted | Problem]:
    """Every article in one file, or the problems that stopped them. Ids are relative to
    `given`, the folder the file was found in (or, for a file given itself, its folder)."""
    folder = given if given.is_dir() else given.parent
    try:
        str(file).encode("utf-8")
    except UnicodeEncodeError:  # bytes Linux allows in a name, which no index or page can hold
        yield Problem(str(file), "its name is not UTF-8 text: rename the file to index it")
        return
    file_id = file.relative_to(folder).with_suffix("").as_posix()
    folder_source = file.parent.name if file.parent != folder else None
    try:
        records = list(_records(file))
    except IngestError as error:
        yield Problem(str(file), str(error))
        return
    yield from _articles(records, file_id, str(file), folder_source)


def articles_from_text(text: str, article_id: str, path: str) -> Iterator[Extracted | Problem]:
    """The article(s) in a text that did not come from a file (standard input): JSON if it
    looks like JSON, else text as scraped."""
    try:
        stripped = text.lstrip("\ufeff \n\t\r")
        records = (
            list(_json_records(text, path)) if stripped[:1] in "{[" and stripped else [_text_record(text)]
        )
    except IngestError as error:
        yield Problem(path, str(error))
        return
    yield from _articles(records, article_id, path, None)


def _articles(
    records: list[_Record | Problem], base_id: str, path: str, folder_source: str | None
) -> Iterator[Extracted | Problem]:
    for number, record in enumerate(records, start=1):
        if isinstance(record, Problem):
            yield record
            continue
        many = len(records) > 1 or record.key is not None
        article_id = f"{base_id}/{record.key or record.line or number}" if many else base_id
        try:
            yield make_article(record, article_id, path, folder_source)
        except IngestError as error:
            yield Problem(path, str(error), record.line)


def web_link(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) address, else None. Only such an address may
    become a link: `javascript:` or `data:` would run in the reader's browser."""
    url = (url or "").strip()
    if not url or any(ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number raises ValueError
    except ValueError:  # `http://[::1`, `http://host:port`
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def make_article(record: _Record, article_id: str, path: str, folder_source: str | None) -> Extracted:
    title = " ".join((record.title or "").split()) or None
    url = web_link(record.url)
    warnings = (
        () if url or not record.url else (f"url left out, not an http(s) address: {record.url[:80]!r}",)
    )
    slug = slug_of(url)
    cleaned = clean_text(record.text, title=title, slug=slug)
    if not cleaned.body.strip():
        raise IngestError("no story text found (only a headline or boilerplate)")
    title, title_source = _title(title, cleaned, slug)
    entities = find_entities(title, cleaned.body)
    article = Article(
        id=article_id,
        path=path,
        title=title,
        body=cleaned.body,
        date=parse_date(record.date) if record.date else cleaned.date,
        source=record.source or cleaned.dateline_source or _site(url) or folder_source,
        author=record.author or cleaned.author,
        url=url,
        people=entities.people,
        places=entities.places,
        organisations=entities.organisations,
    )
    return Extracted(article, tuple(cleaned.dropped), title_source, warnings)


def _title(given: str | None, cleaned: CleanedText, slug: list[str] | None) -> tuple[str, str]:
    """The article's title and where it came from: the metadata, the file's headline line,
    else (the file holds only the story) the URL's slug with its marks restored when the story
    bears it out, else the story's first sentence. An article is never dropped for want of a
    headline."""
    if given:
        return given, "metadata"
    if cleaned.title:
        return cleaned.title, "headline line"
    if slug and slug_match(cleaned.body, slug) >= SLUG_IN_STORY:
        return title_from_slug(slug, cleaned.body), "URL"
    return title_from_first_sentence(cleaned.body), "first sentence"


def _records(file: Path) -> Iterator[_Record | Problem]:
    suffix = file.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_records(file)
        return
    text = read_text(file)
    if suffix == ".json":
        yield from _json_records(text, str(file))
    elif suffix in (".html", ".htm"):
        yield _html_record(text)
    else:
        yield _text_record(text)


def _text_record(text: str) -> _Record:
    meta, body = _split_front_matter(text)
    return _Record(body, **meta)


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    lines = text.lstrip("\ufeff").split("\n")
    if lines[0].strip() != "---":
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


def _json_records(text: str, file: str) -> Iterator[_Record | Problem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise IngestError(f"invalid JSON at line {error.lineno}: {error.msg}") from None
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, start=1):
        try:
            yield _json_record(item, line=None)
        except IngestError as error:
            yield Problem(file, f"item {number}: {error}")


def _jsonl_records(file: Path) -> Iterator[_Record | Problem]:
    # Read line by line: a JSON Lines file may hold a whole archive.
    try:
        handle = file.open("rb")
    except OSError as error:
        raise IngestError(f"cannot read it ({error.strerror or error})") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                if len(raw) > MAX_FILE_BYTES:
                    raise IngestError("line too long")
                item = json.loads(decode(raw))
                yield _json_record(item, line=number)
            except json.JSONDecodeError as error:
                yield Problem(str(file), f"invalid JSON: {error.msg}", number)
            except IngestError as error:
                yield Problem(str(file), str(error), number)


def _json_record(item: Any, line: int | None) -> _Record:
    if not isinstance(item, dict):
        raise IngestError("not a JSON object")
    found = {name: _first_value(item, keys) for name, keys in _JSON_FIELDS.items()}
    text = found.pop("text")
    if not text:
        raise IngestError(f"no article text (expected one of: {', '.join(_JSON_FIELDS['text'])})")
    if "<p" in text or "</" in text:
        text = _html_fragment_text(text)
    raw_id = found.pop("id")
    key = _UNSAFE_ID.sub("-", raw_id).strip("-") if raw_id else None
    return _Record(text=text, key=key or None, line=line, **found)


def _first_value(item: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = item.get(key)
        if isinstance(value, dict):  # {"name": "..."} as in schema.org
            value = value.get("name")
        if isinstance(value, list):  # several authors
            value = ", ".join(str(v.get("name") if isinstance(v, dict) else v) for v in value if v)
        if value not in (None, ""):
            return str(value)
    return None


def _html_record(html: str) -> _Record:
    # Imported here: trafilatura and lxml take a while to load and only HTML needs them.
    import trafilatura

    # Its complaints about a page become our one warning for the file.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={"original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
    )
    if extracted is None or not extracted.text:
        raise IngestError("no article found in the HTML")
    return _Record(
        text=extracted.text,
        title=extracted.title,
        date=extracted.date,
        author=extracted.author,
        source=extracted.sitename,
        url=extracted.url,
    )


def _html_fragment_text(html: str) -> str:
    """The text of an HTML fragment (a JSON body with markup), one line per block."""
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for element in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "figcaption", "blockquote"):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()


def _site(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
