"""The query language, parsed into plain data (no Whoosh here).

    tổ chức Đảng             all words required (in title or body, marks optional)
    "xây dựng Đảng"          a phrase: these syllables, next to each other
    Hà Nội OR Hải Phòng      either side; each side is a group of required words
    -Covid   NOT Covid       leave out articles with the word
    title:Mai  title:"tổ chức"                 only in titles
    source:baonghean  author:"Hồng Thanh"     metadata, marks optional
    date:2023  date:2023-06  date:2023-06-23  date:2023-01..2023-06  date:..2022  date:2024..

Only upper-case OR, AND and NOT are operators (AND is the default and may be left out).
A word before a colon that is not one of the field names above is plain text (`10:15`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from indexer.text.normalize import AlignedText

MAX_QUERY_LENGTH = 1000
TEXT_PREFIXES = frozenset({"title"})
METADATA_PREFIXES = frozenset({"source", "author"})
PREFIXES = TEXT_PREFIXES | METADATA_PREFIXES | {"date"}

# One item: an optional minus, an optional `name:`, then a quoted phrase or a bare word.
_ITEM = re.compile(r'(?P<minus>-)?(?:(?P<prefix>[A-Za-z]+):)?(?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s"]*))')
_DATE_PART = re.compile(r"^(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?$")


class QueryError(ValueError):
    """A query that cannot be run; the message is for the person who typed it: `str()` in
    English (the command line), `vietnamese` the same for the web pages."""

    def __init__(self, message: str, vietnamese: str) -> None:
        super().__init__(message)
        self.vietnamese = vietnamese


@dataclass(frozen=True)
class Clause:
    """Words to find: a run of plain words, or a quoted phrase. `field` limits where."""

    text: str
    phrase: bool = False
    field: str | None = None


@dataclass(frozen=True)
class DateRange:
    """Publication dates from `start` (inclusive) to `end` (exclusive); None is open."""

    start: datetime | None
    end: datetime | None


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # OR of groups, AND within one
    excluded: list[Clause] = field(default_factory=list)
    metadata: list[tuple[str, str]] = field(default_factory=list)  # (source|author, text)
    dates: list[DateRange] = field(default_factory=list)

    @property
    def has_filters(self) -> bool:
        return bool(self.metadata or self.dates)


def parse_query(query: str) -> ParsedQuery:
    """Parse what a person typed. Raises `QueryError` with a message for them."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"The query is too long ({len(query)} characters; the limit is {MAX_QUERY_LENGTH}).",
            f"Câu tìm kiếm quá dài ({len(query)} ký tự; tối đa {MAX_QUERY_LENGTH}).",
        )
    text = AlignedText(query).text
    if not text.strip():
        raise QueryError(
            "The query is empty: type some words to search for.", "Câu tìm kiếm trống: hãy nhập từ khóa."
        )
    parsed = ParsedQuery(groups=[[]])
    negate_next = False
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        item = _ITEM.match(text, position)
        assert item is not None  # the pattern matches the empty string
        position = max(item.end(), position + 1)
        word = item.group(0)
        if word in ("OR", "AND", "NOT"):
            if word == "OR":
                parsed.groups.append([])
            negate_next = word == "NOT"
            continue
        negate = negate_next or bool(item.group("minus"))
        negate_next = False
        _add_item(parsed, item, negate)
    parsed.groups = [group for group in parsed.groups if group]
    if not parsed.groups and not parsed.has_filters:
        raise QueryError(
            "The query has no words to search for, only exclusions or operators.",
            "Câu tìm kiếm không có từ nào để tìm, chỉ có từ loại trừ hoặc toán tử.",
        )
    return parsed


def _add_item(parsed: ParsedQuery, item: re.Match[str], negate: bool) -> None:
    prefix = (item.group("prefix") or "").lower()
    quoted = item.group("quoted")
    value = quoted if quoted is not None else item.group("bare")
    if prefix and prefix not in PREFIXES:
        # Not a field name (`foo:bar`): the whole thing is text.
        prefix, value = "", item.group(0)[1:] if item.group("minus") else item.group(0)
    if prefix and not value.strip():
        raise QueryError(
            f'"{prefix}:" needs a value, for example {prefix}:"{_EXAMPLES[prefix]}".',
            f'"{prefix}:" cần một giá trị, ví dụ {prefix}:"{_EXAMPLES[prefix]}".',
        )
    if not value.strip():
        return
    if prefix == "date":
        parsed.dates.append(parse_date_range(value))
    elif prefix in METADATA_PREFIXES:
        parsed.metadata.append((prefix, value))
    else:
        clause = Clause(value, phrase=quoted is not None, field=prefix or None)
        if negate:
            parsed.excluded.append(clause)
        else:
            _append_clause(parsed.groups[-1], clause)


def _append_clause(group: list[Clause], clause: Clause) -> None:
    """Consecutive plain words form one run, so they are segmented together (`tổ chức`)."""
    if group and not clause.phrase and clause.field is None:
        last = group[-1]
        if not last.phrase and last.field is None:
            group[-1] = Clause(f"{last.text} {clause.text}")
            return
    group.append(clause)


_EXAMPLES = {"title": "tổ chức", "source": "baonghean", "author": "Hồng Thanh", "date": "2023-06"}


def parse_date_range(value: str) -> DateRange:
    """`2023`, `2023-06`, `2023-06-23`, or a range `A..B` with either end left open."""
    first, dots, last = value.partition("..")
    if not dots:
        return DateRange(*_date_bounds(value))
    start = _date_bounds(first)[0] if first else None
    end = _date_bounds(last)[1] if last else None
    if start is None and end is None:
        raise _not_a_date(value)
    if start and end and start >= end:
        raise QueryError(
            f"The date range {value} ends before it starts.",
            f"Khoảng thời gian {value} kết thúc trước khi bắt đầu.",
        )
    return DateRange(start, end)


def _date_bounds(value: str) -> tuple[datetime, datetime]:
    """The first moment of a year, month or day, and the first moment after it."""
    match = _DATE_PART.match(value.strip())
    if match is None:
        raise _not_a_date(value)
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        start = datetime(year, month or 1, day or 1)  # type: ignore[arg-type]
        if day:
            end = datetime.fromordinal(start.toordinal() + 1)
        elif month:
            end = datetime(year + (month == 12), month % 12 + 1, 1)  # type: ignore[operator]
        else:
            end = datetime(year + 1, 1, 1)  # type: ignore[operator]
    except (ValueError, OverflowError):
        raise _not_a_date(value) from None
    return start, end


def _not_a_date(value: str) -> QueryError:
    return QueryError(
        f'"{value}" is not a date. Use a year (2023), a month (2023-06), a day (2023-06-23) '
        "or a range such as 2023-01..2023-06.",
        f'"{value}" không phải là ngày. Hãy dùng năm (2023), tháng (2023-06), ngày (2023-06-23) '
        "hoặc một khoảng như 2023-01..2023-06.",
    )
