"""Publication dates as Vietnamese news sites print them, in Vietnam's time (UTC+7).

Dates are returned as naive datetimes in Vietnam local time, the way the index stores them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

VIETNAM_TIME = timezone(timedelta(hours=7))

_TIME = r"(?P<{h}>\d{{1,2}})[:hg](?P<{m}>\d{{2}})(?::\d{{2}})?(?:\s*(?:GMT|UTC)?\s*\+\s*0?7(?::?00)?)?"
_SEPARATOR = r"\s*(?:,|\||-|–|lúc|ngày)?\s*"


def _with_time(date: str) -> re.Pattern[str]:
    """A date with an optional time before or after it."""
    before, after = _TIME.format(h="h1", m="m1"), _TIME.format(h="h2", m="m2")
    return re.compile(f"(?:{before}{_SEPARATOR})?{date}(?:{_SEPARATOR}{after})?", re.IGNORECASE)


# `10:15 23/06/2023`, `16/11/2023, 10:11:43`, `Thứ Sáu, 17/02/2023 19:50`, `09:47 28/12/2023 GMT+7`
_NUMERIC = _with_time(r"(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})\s*[/.-]\s*(?P<year>\d{4})")
# `ngày 16 tháng 11 năm 2023`, `16 tháng 11, 2023`
_WORDED = _with_time(
    r"(?:ngày\s+)?(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})\s*(?:năm|,)\s*(?P<year>\d{4})"
)
_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


def to_iso(moment: datetime | None) -> str | None:
    """ISO 8601 with Vietnam's offset: `2023-06-23T10:15:00+07:00`."""
    return moment.replace(tzinfo=VIETNAM_TIME).isoformat() if moment else None


def parse_date(text: str) -> datetime | None:
    """The first date in `text` (ISO 8601 or as printed on Vietnamese sites), or None."""
    iso = _parse_iso(text)
    if iso is not None:
        return iso
    found = _first_date(text)
    return found[0] if found else None


def date_span(text: str) -> tuple[int, int] | None:
    """Where the first valid printed date (with its time) stands in `text`."""
    found = _first_date(text)
    return found[1] if found else None


def _first_date(text: str) -> tuple[datetime, tuple[int, int]] | None:
    candidates = []
    for pattern in (_NUMERIC, _WORDED):
        for match in pattern.finditer(text):
            moment = _from_match(match)
            if moment is not None:
                candidates.append((match.start(), moment, match.span()))
                break
    if not candidates:
        return None
    _, moment, span = min(candidates, key=lambda c: c[0])
    return moment, span


def _from_match(match: re.Match[str]) -> datetime | None:
    hour = match.group("h1") or match.group("h2") or "0"
    minute = match.group("m1") or match.group("m2") or "0"
    try:
        return datetime(
            int(match.group("year")),
            int(match.group("month")),
            int(match.group("day")),
            int(hour),
            int(minute),
        )
    except ValueError:
        return None


def _parse_iso(text: str) -> datetime | None:
    match = _ISO.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        if zone:
            offset = UTC if zone == "Z" else _offset(zone)
            moment = moment.replace(tzinfo=offset).astimezone(VIETNAM_TIME).replace(tzinfo=None)
    except (ValueError, OverflowError):  # no such day or offset, or past the calendar's ends
        return None
    return moment


def _offset(zone: str) -> timezone:
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0)))
