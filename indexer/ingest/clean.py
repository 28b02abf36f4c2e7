"""Scraped article text -> headline, date, byline, dateline and a body without boilerplate.

Scraped news pages leave the site around the story: ads and hotlines above the headline, view
counters, share buttons and comment boxes below it, lists of related headlines with their
dates, tag lines, copyright footers, photo credits, captions shown twice. The rules here go by
the shape and position of lines, not by any site's sentences:

- the story starts at its first paragraph (a long line or a full sentence). The first line
  above it is the headline unless there is strong evidence it is not (it is the site's, a
  date, a byline, navigation, a section's name, not shaped like a headline, not what the URL
  names, or its words are not the story's while a later line's are); everything above the
  headline is the site's. A file may hold no headline line at all (only the story);
- the publication date is a line that is (almost) only a date, just around the headline and
  lead; a date inside a sentence is an event in the story;
- comment boxes, tag lines and copyright lines end the story: everything below is the site's;
- a related-news heading starts a list of headlines, dates and teasers, which goes with it.

Every line that is left out is reported with the reason, so mistakes can be seen and reported
(`vnsearch inspect FILE`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from indexer.ingest.dates import date_span, parse_date
from indexer.ingest.titles import SLUG_IN_STORY, SLUG_MATCH, slug_match
from indexer.text.normalize import fold, has_marks, normalize

# How a line of text is shaped.
PARAGRAPH_WORDS = 45  # a line this long is story text even unpunctuated (headlines are shorter)
SENTENCE_WORDS = 10  # a line this long that ends like a sentence is story text
HEADLINE_WORDS = (2, 40)  # a headline has this many syllables
HEADER_LINES = 6  # without a paragraph to go by, the headline is among the first lines
LEAD_LINES = 3  # lines after the first paragraph that may still hold the date or byline
SECTION_WORDS = 2  # a line this short above a longer headline-shaped one names a section (`Thời sự`);
# headlines of three syllables exist (`Cái hộc bàn`)
# A line above the story whose syllables the story shares less than LOW is not its headline
# when a later line's reach HIGH (measured on real news: headlines share 0.6 to 1).
OWN_WORDS_LOW, OWN_WORDS_HIGH = 0.25, 0.5


def _line_pattern(*alternatives: str) -> re.Pattern[str]:
    """A whole (normalised, lowercase) line made of one of the alternatives."""
    return re.compile(r"^(?:" + "|".join(alternatives) + r")$")


_NUMBER = r"[\d.,]+\s*[kKmM]?"
# Lines that end the story: nothing the site puts below them is part of it.
_STORY_ENDS = {
    "comment box": _line_pattern(
        r"trả lời",
        r"bình luận( \(\d+\))?",
        r"gửi bình luận",
        r"viết bình luận",
        r"ý kiến bạn đọc",
        r"ý kiến của bạn",
        r"xem thêm bình luận",
        r"bình luận của bạn.*",
        r"captcha",
        r"(nhập )?mã (xác nhận|bảo mật).*",
        r"họ và tên.*",
        r"email của bạn.*",
    ),
    "tag line": re.compile(r"^(từ khóa|tags?|thẻ|chủ đề)\s*:"),
    "copyright footer": re.compile(
        r"^(©|\(c\)|copyright|bản quyền thuộc|ghi rõ nguồn)|giấy phép (số|xuất bản)"
    ),
}
# A heading above a list of other articles.
_RELATED_HEADING = _line_pattern(
    r"(tin|bài|bài viết|video|ảnh) "
    r"(liên quan|cùng chuyên mục|khác|mới|mới nhất|nổi bật|đọc nhiều|xem nhiều)( hơn)?",
    r"tin mới",
    r"xem thêm",
    r"đọc thêm",
    r"đọc nhiều( nhất)?",
    r"xem nhiều( nhất)?",
    r"có thể bạn quan tâm",
    r"cùng chuyên mục",
    r"tiêu điểm",
    r"tin tiêu điểm",
    r"bạn có thể quan tâm",
    r"(xem|đọc) (thêm|tiếp)( bài| tin)?.*:",
)
# Single lines that are the site's, wherever they stand.
_JUNK_LINES = {
    "hotline or contact": re.compile(
        r"^(đường dây nóng|hotline|điện thoại|đt|tel|fax|email|liên hệ( quảng cáo)?)\s*:|"
        r"^[\d\s().+-]{9,}$"
    ),
    "advertisement": _line_pattern(r"quảng cáo", r"qc", r"advertisement", r"tài trợ", r"sponsored"),
    "view or share counter": _line_pattern(
        rf"(lượt xem|lượt đọc|số lượt xem|lượt thích|lượt chia sẻ|views?)\s*:?\s*{_NUMBER}",
        rf"((chia sẻ|thích|like|share|tweet|in bài|gửi bài|lưu|facebook|zalo|email|copy link|"
        rf"sao chép liên kết|bình luận|theo dõi)\s*({_NUMBER})?\s*)+",
    ),
    # A name or two after the colon: `Ảnh: Thanh Lê`; `Clip: Sư tử bị ngựa vằn đá` is a headline.
    "photo credit": re.compile(
        r"^(ảnh|nguồn ảnh|ảnh minh họa|photo|video|clip)\s*(\d+)?\s*:\s*\S+(\s+\S+){0,5}$"
    ),
    "source credit": re.compile(r"^(nguồn|theo)\s*:\s*.{0,80}$|^theo\s+\S+(\s+\S+){0,3}$"),
}
# `... Ảnh: Thanh Lê`, `- Ảnh 2.`, `(Ảnh: TTXVN)` after a caption: the credit goes, the caption stays.
_CAPTION_CREDIT = re.compile(
    r"(?:^|(?<=[.!?])|\s[-–]|\s\()"
    r"\s*(?:Ảnh|Nguồn ảnh|Ảnh minh họa)(?:\s+\d+)?\s*(?::\s*[^.()]{1,40})?\)?\.?\s*$"
)
# A byline: one to three names (each of capitalised syllables), with an optional prefix.
_BYLINE_PREFIX = re.compile(
    r"^(bài và ảnh|bài, ảnh|bài|ảnh|tác giả|phóng viên|pv|nhóm pv|nhóm phóng viên|theo)\s*:?\s*",
    re.IGNORECASE,
)
_NAME_SEPARATOR = re.compile(r"\s*(?:[-–—,&/]|\bvà\b)\s*")
# `(Baonghean.vn) - `, `(Dân trí) - `, `TTO - `: the publication opening the first paragraph.
_DATELINE = re.compile(r"^(?:\(([^()]{2,40})\)|([A-ZĐ]{2,6}))\s*[-–—]\s+")
# Gaps between the items of a menu or breadcrumb: `>`, `»`, `›`, or several spaces.
_MENU_GAP = re.compile(r"\s*[>»›]\s*|\S\s{2,}(?=\S)")
# Words that may stand beside a date on its line (`Cập nhật`, `Thứ Sáu`, `GMT+7`).
_DATE_LINE_WORDS = re.compile(
    r"\b(cập nhật|đăng( lúc| ngày)?|ngày đăng|xuất bản|thứ (hai|ba|tư|năm|sáu|bảy)|chủ nhật|"
    r"ngày|lúc|giờ|gmt|utc|\+0?7(:00)?)\b|[^\w\s]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Dropped:
    """A line left out of the body: where, what, why."""

    line: int
    text: str
    reason: str


@dataclass
class CleanedText:
    title: str | None = None
    body: str = ""
    date: datetime | None = None
    author: str | None = None
    dateline_source: str | None = None
    dropped: list[Dropped] = field(default_factory=list)


@dataclass
class _Line:
    number: int
    text: str
    words: int
    navigation: bool = False  # a breadcrumb or menu (`Trang chủ > Xã hội > Giáo dục`)
    key: str = ""  # the text normalised, for comparisons

    def __post_init__(self) -> None:
        self.key = normalize(self.text)


def clean_text(text: str, title: str | None = None, slug: list[str] | None = None) -> CleanedText:
    """Split scraped text into its parts. With `title` given (from metadata), the headline is
    not looked for, but a copy of it in the text is still left out of the body. `slug`: the
    words of the article's URL (`indexer.ingest.titles.slug_of`), which name its headline. Without a
    headline line, `title` stays None."""
    # Composed (NFC) as it is shown; tone placement and spelling stay as written.
    lines = [
        _Line(
            number,
            unicodedata.normalize("NFC", " ".join(raw.split())),
            len(raw.split()),
            navigation=len(_MENU_GAP.findall(raw.strip())) >= 2,
        )
        for number, raw in enumerate(text.split("\n"), start=1)
        if raw.split()
    ]
    result = CleanedText(title=title)
    drop = _Dropper(result)
    lines = _cut_footer(lines, drop)
    first_paragraph = next((i for i, line in enumerate(lines) if _is_paragraph(line)), len(lines))
    top = lines[: min(first_paragraph, HEADER_LINES)]
    headline = None if title else _find_headline(top, lines[len(top) :], slug)
    if headline is not None:
        result.title = lines[headline].text
        for line in lines[:headline]:
            if _is_date_line(line) and result.date is None:
                result.date = parse_date(line.text)
                drop(line, "publication date")
            else:
                drop(line, "above the headline (site header or ad)")
        lines = lines[headline + 1 :]
        first_paragraph -= headline + 1
    # The date and the byline stand near the headline, or (the byline) at the end of the story.
    header = {line.number for line in lines[: first_paragraph + LEAD_LINES + 1]}
    last_lines = {line.number for line in lines[-LEAD_LINES:]}
    body: list[str] = []
    previous = ""
    headline_key = normalize(result.title) if result.title else None
    text_has_marks = sum(has_marks(line.text) for line in lines) >= len(lines) / 2
    for line in lines:
        text = _without_credit(line.text)
        key = normalize(text)
        reason = _junk_reason(line, result, line.number in header, line.number in last_lines)
        if reason is None and key == previous:
            reason = "repeated line"
        if reason is None and key == headline_key:
            reason = "repeats the headline"
        if reason is None and _is_unaccented_copy(line, text_has_marks):
            reason = "unaccented copy (image alt text or link slug)"
        if reason is not None:
            drop(line, reason)
            continue
        previous = key
        body.append(text)
    result.body = "\n".join(body)
    result.dropped.sort(key=lambda dropped: dropped.line)
    if body and result.dateline_source is None:
        match = _DATELINE.match(body[0])
        result.dateline_source = (match.group(1) or match.group(2)).strip() if match else None
    return result


class _Dropper:
    def __init__(self, result: CleanedText) -> None:
        self.result = result

    def __call__(self, line: _Line, reason: str) -> None:
        self.result.dropped.append(Dropped(line.number, line.text, reason))


def _cut_footer(lines: list[_Line], drop: _Dropper) -> list[_Line]:
    """Remove what follows the end of the story, and lists of related articles."""
    kept: list[_Line] = []
    in_list = False
    for index, line in enumerate(lines):
        key = line.key
        end = next((reason for reason, p in _STORY_ENDS.items() if p.search(key)), None)
        if end is not None and any(_is_paragraph(k) for k in kept):
            for rest in lines[index:]:
                drop(rest, f"below the story ({end})")
            return kept
        if _RELATED_HEADING.match(key) and any(_is_paragraph(k) for k in kept):
            in_list = True
            drop(line, "related-articles heading")
            continue
        if in_list:
            # A list item is a headline, a date, or a teaser that follows a date.
            if not _is_paragraph(line) or _is_date_line(line) or _follows_date(lines, index):
                drop(line, "related-articles list")
                continue
            in_list = False
        kept.append(line)
    return kept


def _follows_date(lines: list[_Line], index: int) -> bool:
    return index > 0 and _is_date_line(lines[index - 1])


def _is_paragraph(line: _Line) -> bool:
    if line.words >= PARAGRAPH_WORDS:
        return True
    return line.words >= SENTENCE_WORDS and _ends_sentence(line.text)


def _ends_sentence(text: str) -> bool:
    """Ends as a reporter ends a sentence: a full stop (not `...`), maybe inside quotes, or `:`
    or `;`. Headlines end with `?`, `!` or `...` as often as sentences do, so those do not
    tell a paragraph from a headline."""
    text = text.rstrip("\"”»'’)")
    return text.endswith((":", ";")) or (text.endswith(".") and not text.endswith(".."))


def _find_headline(header: list[_Line], story: list[_Line], slug: list[str] | None) -> int | None:
    """Which of the lines above the first paragraph is the headline, or None when none is.

    The first line, unless there is strong evidence it is not: it is the site's (an ad, a
    hotline, a counter), a date, a byline or navigation; it is not shaped like a headline (a
    full sentence, too long); it is a section's name above a longer headline-shaped line; the
    URL's slug names another line (or none: the file holds only the story); or its words are
    not the story's while a later line's are (an advertiser's name above the headline)."""
    low, high = HEADLINE_WORDS
    candidates = [
        i
        for i, line in enumerate(header)
        if low <= line.words <= high
        and not _ends_sentence(line.text)
        and not line.navigation
        and not _is_date_line(line)
        and _junk_reason(line, None) is None
        and not _byline(line.text)
    ]
    if len(candidates) > 1 and header[candidates[0]].words <= SECTION_WORDS < header[candidates[1]].words:
        candidates.pop(0)  # `Thời sự`, `Thế giới` above the headline
    if slug:
        named = [(slug_match(header[i].text, slug), i) for i in candidates]
        best = max(named, default=(0.0, None), key=lambda pair: pair[0])
        if best[0] >= SLUG_MATCH:
            return best[1]
        if slug_match(" ".join(line.text for line in story), slug) >= SLUG_IN_STORY:
            return None  # the slug names the story, and no line above it
    if not candidates:
        return None
    words = _story_words(story)
    first = candidates[0]
    for later in candidates[1:]:
        if (
            _support(header[first], words) < OWN_WORDS_LOW
            and _support(header[later], words) >= OWN_WORDS_HIGH
        ):
            return later
    return first


def _story_words(story: list[_Line]) -> set[str]:
    """The syllables of the story's first lines, normalised."""
    return {word for line in story[:LEAD_LINES] for word in line.key.split()}


def _support(line: _Line, story_words: set[str]) -> float:
    """The share of a line's syllables that the story also uses."""
    words = [word for word in line.key.split() if any(c.isalpha() for c in word)]
    return sum(word in story_words for word in words) / len(words) if words else 0.0


def _junk_reason(
    line: _Line, result: CleanedText | None, header_zone: bool = False, last_lines: bool = False
) -> str | None:
    """Why a single line is not story text, or None. With a result at hand, a date line or a
    byline near the top fills in the date or the author."""
    key = line.key
    for reason, pattern in _JUNK_LINES.items():
        if pattern.search(key):
            return reason
    letters = (c for c in line.text if c.isalpha())  # stops at the second: every line comes here
    if (next(letters, None) is None or next(letters, None) is None) and not any(
        c.isdigit() for c in line.text
    ):
        return "stray fragment"
    if _is_date_line(line):
        if result is not None and (header_zone or last_lines) and result.date is None:
            result.date = parse_date(line.text)
            return "publication date"
        return "date or time line"
    author = _byline(line.text) if header_zone or last_lines else None
    if author and result is not None:
        if result.author is None:
            result.author = author
        return "byline"
    return None


def _is_date_line(line: _Line) -> bool:
    """A line that is a date and a few words around it, not a sentence that mentions one."""
    if line.words > 12:
        return False
    span = date_span(line.text)
    if span is None:
        return False
    rest = line.text[: span[0]] + " " + line.text[span[1] :]
    return len(_DATE_LINE_WORDS.sub(" ", rest).split()) <= 2


def _byline(text: str) -> str | None:
    """The author names if the line is a byline (`Đức Đồng – Hồng Thư`, `Bài, ảnh: Mai Anh`)."""
    names_text = _BYLINE_PREFIX.sub("", text).strip().rstrip(".")
    if not names_text or len(names_text.split()) > 12 or any(c.isdigit() for c in names_text):
        return None
    names = [n for n in _NAME_SEPARATOR.split(names_text) if n]
    if not 1 <= len(names) <= 3:
        return None
    for name in names:
        syllables = name.split()
        if not 2 <= len(syllables) <= 5:
            return None
        if not all(s[0].isupper() and s[1:].islower() for s in syllables if s.isalpha()):
            return None
        if any(not s.isalpha() for s in syllables):
            return None
    return ", ".join(names)


def _is_unaccented_copy(line: _Line, text_has_marks: bool) -> bool:
    """A line of Vietnamese-looking words without a single mark, in a text that has marks:
    alt text or a link slug (`hoi nghi toan quoc ... hinh anh 1`), not something a reporter
    wrote."""
    if not text_has_marks or line.words < 4 or not all(w.isalnum() for w in line.text.split()):
        return False
    return not has_marks(line.text)


def _without_credit(text: str) -> str:
    """A caption without its photo credit; other lines as they are."""
    stripped = _CAPTION_CREDIT.sub("", text).rstrip(" -–")
    return stripped if stripped and stripped != text and fold(stripped).strip() else text
