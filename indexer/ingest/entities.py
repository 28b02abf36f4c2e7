"""People, places and organisations named in an article, found by rules on segmented text.

underthesea ships a NER model, but measured on these news articles it is both too slow for
indexing (about 10,000 characters a second per call on short text, 15 s for one 12,500-character
article, against 115,000 a second for segmentation) and weak where news needs it most (it tags
`Trương Thị Mai` as a place and `Hội nghị` as a location). Vietnamese news names things in a
few regular ways, which these rules follow. The text is read as a stream of syllables (with the
punctuation between them and the word boundaries segmentation found), left to right; at each
syllable the first rule that applies names something and moves past it:

1. a name of the gazetteer (`indexer.ingest.gazetteer`: provinces, districts, countries, foreign
   places, regions, ministries and central bodies, the sixty lunar years), longest first. It
   is shown as the gazetteer shows it, whatever the form written (`TP.HCM`, `HCM`, `Thành phố
   Hồ Chí Minh` are all `TP Hồ Chí Minh`), and it is never a person (`Thái Lan`, `Hà Đông`,
   `Đinh Dậu`). A name only counts with its capitals (`Hòa Bình` the province, not `hòa bình`
   peace); a one-syllable name (`Mỹ`, `Anh`, `Nga`) only mid-sentence and standing alone (not
   `Anh` the pronoun opening a sentence, nor `Nga` in `Nga Sơn`);
2. a title (`ông`, `bà`, `đồng chí`, `HLV`, `Tổng thống`, `ca sĩ` ...): the capitalised name
   after it is a person, foreign or not (`Park Hang-seo`, `Hari Won`), also when a place or a
   body comes between (`Tổng thống Mỹ Donald Trump`); a title and a lone given name
   (`anh Tuấn`, `ông Trump`), or a middle and a given name (`HLV Hữu Thắng`), are no value:
   the same person is named in full elsewhere, and one value per person is kept;
3. a body's head noun (`Bộ`, `Sở`, `Ban`, `Công ty` ...) and the capitalised words after it,
   with `và` inside (`Sở Kế hoạch và Đầu tư`), up to a place or another body, which end the
   name (`Sở Y tế Hà Nội`, `Hội đồng Bảo an Liên hợp quốc`); administrative bodies (`UBND`,
   `HĐND`, `Công an`, `Tỉnh ủy`) are named by their place and written one way (`UBND TP Hà
   Nội`, `UBND tỉnh Nghệ An`), or not at all when the text leaves the place out (`UBND TP`
   alone names no one body); a head that is a kind of body (`Trường THPT`, `Công ty TNHH`)
   needs a name after it; a department's field is spelled as its ministry's (`Sở GTVT` is
   `Sở Giao thông vận tải`);
4. a place's head noun (`tỉnh`, `huyện`, `xã`, `thủ đô`, `bang` ...) and the capitalised
   name after it (`xã Nga Sơn` -> `Nga Sơn`);
5. a street, a river, a prize, a dynasty ... (`đường`, `sông`, `giải`, `nhà`): the name after
   it is none of the three, even when it is a person's (`đường Nguyễn Trãi`);
6. a person's name with no title: three or four capitalised Vietnamese syllables that begin
   with a common family name and begin a run of capitals (`Trương Thị Mai`; not `La Liga`,
   whose `Liga` is no Vietnamese syllable, nor `Bạch Mai`, a hospital: two syllables alone are
   as often a street, a lake or a building as a person).

Lowercase words are never values: an organisation starts with a capital as a place does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, TypeVar

from indexer.ingest import gazetteer
from indexer.text.normalize import canonical, is_syllable, normalize
from indexer.text.segment import segment

T = TypeVar("T")
_LETTERS = re.compile(r"[^\W_]+")


class _Phrases(dict[str, str]):
    """Phrases as `_longest` looks them up (lowercase canonical syllables joined by one space:
    `PGS.TS` is `pgs ts`, `đ/c` is `đ c`), each with how a name shows it, and the syllables
    they start with: most syllables start none, and are passed over at once."""

    def __init__(self, shown: dict[str, str]) -> None:
        super().__init__({" ".join(_LETTERS.findall(normalize(p))): s for p, s in shown.items()})
        self.first = frozenset(phrase.split(" ")[0] for phrase in self)


def _phrases(text: str, *more: _Phrases) -> _Phrases:
    """`|`-separated phrases, and those of other tables."""
    phrases = {phrase.strip(): phrase.strip() for phrase in text.split("|") if phrase.strip()}
    return _Phrases({**phrases, **{k: v for table in more for k, v in table.items()}})


# The family names that most Vietnamese people carry (not `Văn`, far more often a middle name).
SURNAMES = frozenset(
    normalize(n)
    for n in """
    nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý trương đào đinh
    mai lâm cao hà tạ chu lương đoàn vương trịnh tô thái lưu kiều la quách từ thân tăng
    triệu đàm khổng lục mạc âu tống nông hứa giang diệp phùng lã lại doãn hầu bạch
    """.split()
)
# The commonest Korean family names, as romanised: Korean names are often in the news, and
# written two ways (`Moon Jae-in`, `Moon Jae In`).
KOREAN_SURNAMES = frozenset(
    """
    Kim Lee Park Choi Jung Jeong Kang Cho Yoon Yun Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song
    Yoo Hong Jeon Ko Moon Yang Son Bae Baek Heo Nam Roh Noh Ha Kwak Sung Cha Joo Woo Ryu Jin Ji
    """.split()
)
# Titles of kinship and courtesy before a name. Written with a capital in mid-sentence they are
# something else (`Anh` is England, `Cô Tô` an island).
KIN_TITLES = _phrases("ông|bà|anh|chị|cô|chú|bác|cậu|dì|em|cháu|cụ|bé|thầy|đồng chí|đ/c")
# Offices of state, which the country or place they serve may follow before the name
# (`Tổng thống Mỹ Donald Trump`, `Thủ tướng Đức Angela Merkel`).
STATE_TITLES = _phrases("""
    tổng thống|phó tổng thống|thủ tướng|phó thủ tướng|chủ tịch|phó chủ tịch|chủ tịch nước|
    tổng bí thư|bí thư|phó bí thư|bộ trưởng|thứ trưởng|ngoại trưởng|thống đốc|thị trưởng|
    chủ nhiệm|đại sứ|nghị sĩ|thượng nghị sĩ|hạ nghị sĩ|quốc vương|nhà vua|vua|hoàng tử|
    công chúa|nữ hoàng|tổng tư lệnh
    """)
# Other offices, trades and ranks before a name (`HLV Park Hang-seo`, `ca sĩ Hari Won`).
OFFICE_TITLES = _phrases(
    """
    giám đốc|phó giám đốc|tổng giám đốc|giáo hoàng|đức giáo hoàng|hlv|huấn luyện viên|tiền đạo|
    tiền vệ|hậu vệ|trung vệ|thủ môn|cầu thủ|danh thủ|tay vợt|võ sĩ|vđv|vận động viên|ca sĩ|
    nhạc sĩ|diễn viên|nghệ sĩ|nsưt|nsnd|người mẫu|hoa hậu|á hậu|
    mc|đạo diễn|nhà văn|nhà thơ|nhà báo|phóng viên|họa sĩ|tỷ phú|doanh nhân|luật sư|kiến trúc sư|
    bác sĩ|bs|tiến sĩ|ts|thạc sĩ|ths|giáo sư|gs|phó giáo sư|pgs|pgs.ts|gs.ts|đại tướng|
    thượng tướng|trung tướng|thiếu tướng|đại tá|thượng tá|trung tá|thiếu tá|đại úy|thượng úy|
    trung úy|thiếu úy|bị can|bị cáo|nghi phạm|nghi can|đối tượng|nạn nhân|tác giả|đại biểu|đbqh
    """,
    STATE_TITLES,
)
TITLES = _phrases("", KIN_TITLES, OFFICE_TITLES)
# Offices that open a name after a title are no name (`đồng chí Trưởng Ban`).
OFFICES = frozenset(normalize(t) for t in "trưởng phó bí chủ ủy giám tổng thủ bộ ban thường".split())
# Words before a place's name: administrative units and the like.
PLACE_HEADS = _phrases("""
    tỉnh|thành phố|tp|huyện|quận|thị xã|thị trấn|xã|phường|thôn|bản|làng|ấp|xóm|thủ đô|đảo|
    quần đảo|bang|tiểu bang
    """)
# The administrative units, as an organisation's name shows them (`UBND TP Hà Nội`).
UNITS = _Phrases(
    {
        "tỉnh": "tỉnh",
        "thành phố": "TP",
        "tp": "TP",
        "huyện": "huyện",
        "quận": "quận",
        "thị xã": "thị xã",
        "thị trấn": "thị trấn",
        "xã": "xã",
        "phường": "phường",
    }
)
# Words before a name that is neither a person, a place nor a body here: streets, rivers,
# buildings, prizes, dynasties, works, languages, photo credits (`đường Nguyễn Trãi`, `nhà
# Trần`, `tiếng Anh`, `Ảnh: Thống Nhất/TTXVN`). Not when written as a family name: `Hồ` is one,
# `hồ` a lake.
OTHER_HEADS = _phrases("""
    đường|phố|ngõ|ngách|hẻm|đại lộ|quốc lộ|tỉnh lộ|cầu|chợ|sông|suối|núi|hồ|đèo|vịnh|bến|sân|
    sân bay|chùa|đền|đình|miếu|nhà thờ|lăng|tượng|nghĩa trang|khu|công viên|quảng trường|
    khách sạn|nhà hát|trường|giải|cúp|tàu|dự án|phim|bộ phim|cuốn|sách|tác phẩm|bài hát|ca khúc|
    album|tiểu thuyết|dòng|nhà|triều|thời|họ|tên|mang tên|biệt danh|thương hiệu|hãng|cơn bão|bão|
    tiếng|ngôn ngữ|sân vận động|svđ|ảnh|giao lộ|ngã tư|ngã ba|nút giao
    """)
# Head nouns of organisations' names. A head may be a whole kind of body (`Trường THPT`,
# `Công ty TNHH`, `Ban Quản lý`): alone, without a name after it, it names no one body.
ORGANISATION_HEADS = _phrases("""
    ban|bộ|sở|ủy ban|hội đồng|viện|tòa án|công ty|cty|tổng công ty|tập đoàn|ngân hàng|
    đại học|đh|học viện|bệnh viện|bv|cục|tổng cục|chi cục|đảng đoàn|mặt trận|liên đoàn|hội|
    hội liên hiệp|hiệp hội|hợp tác xã|htx|báo|đài|thông tấn xã|văn phòng|quân khu|bộ tư lệnh|
    bộ chỉ huy|trung tâm|quỹ|câu lạc bộ|clb|kho bạc|chi nhánh|đoàn|viện kiểm sát|
    trường đại học|trường cao đẳng|trường trung cấp|trường thpt|trường thcs|trường ptth|
    trường trung học|trường tiểu học|trường mầm non|trường phổ thông|trường sĩ quan|
    trường chính trị|trường quốc tế|công ty tnhh|công ty cp|công ty cổ phần|công ty tnhh mtv|
    ngân hàng tmcp|bệnh viện đa khoa|ban quản lý|cục quản lý|viện nghiên cứu|ban tổ chức|
    trung tâm y tế|ban chỉ đạo|tổ công tác|đoàn công tác|cục cảnh sát|phòng cảnh sát|trường đh|
    trường cđ|ngân hàng thương mại cổ phần
    """)
# Heads of the bodies that are named after people (`Trường THPT Chu Văn An`, `Bệnh viện Nguyễn
# Tri Phương`).
NAMED_AFTER_PEOPLE = frozenset(
    head for head in ORGANISATION_HEADS if head.split()[0] in ("trường", "đại", "đh", "học", "bệnh", "bv")
)
# Heads written two ways, shown one way (`BV Bạch Mai` is `Bệnh viện Bạch Mai`).
HEAD_SPELLINGS = _Phrases(
    {
        "BV": "Bệnh viện",
        "ĐH": "Đại học",
        "Cty": "Công ty",
        "Câu lạc bộ": "CLB",
        "Hợp tác xã": "HTX",
        "Trường ĐH": "Trường Đại học",
        "Trường CĐ": "Trường Cao đẳng",
        "Công ty Cổ phần": "Công ty CP",
        "Ngân hàng Thương mại Cổ phần": "Ngân hàng TMCP",
    }
)
# Bodies named by the place they govern, written `head [unit] place` (`UBND tỉnh Nghệ An`);
# the long forms are shown as the press abbreviates them.
ADMINISTRATIVE_HEADS = _Phrases(
    {
        "UBND": "UBND",
        "Ủy ban nhân dân": "UBND",
        "HĐND": "HĐND",
        "Hội đồng nhân dân": "HĐND",
        "Công an": "Công an",
        "TAND": "TAND",
        "Tòa án nhân dân": "TAND",
        "VKSND": "VKSND",
        "Viện Kiểm sát nhân dân": "VKSND",
        "MTTQ": "MTTQ",
        "Ủy ban MTTQ": "Ủy ban MTTQ",
        "BCHQS": "Bộ Chỉ huy Quân sự",
        "Bộ Chỉ huy Quân sự": "Bộ Chỉ huy Quân sự",
        "LĐLĐ": "LĐLĐ",
        "Liên đoàn Lao động": "LĐLĐ",
        "Đảng bộ": "Đảng bộ",
        "Viện KSND": "VKSND",
    }
)
# Party committees: the unit is in the head (`Thành ủy Hải Phòng`).
COMMITTEE_HEADS = _Phrases(
    {
        canonical(head): canonical(head)
        for head in ["Tỉnh ủy", "Thành ủy", "Huyện ủy", "Quận ủy", "Thị ủy", "Đảng ủy"]
    }
)
_MAX_NAME_SYLLABLES = 4
_MAX_ORGANISATION_SYLLABLES = 12
# What may stand between the syllables of one gazetteer name: spaces, and a `-`, `&`, `.`, `,`
# or `/` (`Bà Rịa - Vũng Tàu`, `TP.HCM`, `Bộ KH&ĐT`, `Bộ Văn hóa, Thể thao và Du lịch`).
_NAME_GAP = re.compile(r"[ \t\u00a0]*[-–&.,/'’]?[ \t\u00a0]*")
# What ends a sentence (or opens a quotation): a capital after it may be the sentence's, not
# a name's. A dot with no space after it is an abbreviation's (`TP.HCM`).
_SENTENCE_END = re.compile(r"\n|[.!?:…][\"“”'’)]*\s|[\"“]\s*$")


@dataclass(frozen=True)
class Entities:
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()


class _Syllable(NamedTuple):
    written: str  # canonical form, case kept: `Hòa`
    key: str  # lowercase canonical form: `hòa`
    gap: str  # the text between it and the syllable before ("\n" first in a text)
    starts_word: bool  # segmentation begins a word here
    upper: bool  # written with a capital first letter
    spaced: bool  # only spaces in the gap: the same phrase as the syllable before


class _Name(NamedTuple):
    """A gazetteer alias, compiled: what it stands for and which syllables need a capital."""

    display: str
    kind: str
    capitals: tuple[bool, ...]


def find_entities(*texts: str) -> Entities:
    """People, places and organisations named in the texts (a title and a body, say), each
    once, in order of appearance."""
    found = _Found()
    for text in texts:
        _Reader(_syllables(text), found).read()
    return Entities(
        tuple(found.people.values()), tuple(found.places.values()), tuple(found.organisations.values())
    )


class _Found:
    """The values found so far, each once (whatever its case), in order of appearance."""

    def __init__(self) -> None:
        self.people: dict[str, str] = {}
        self.places: dict[str, str] = {}
        self.organisations: dict[str, str] = {}

    def add(self, found: dict[str, str], name: str) -> None:
        name = " ".join(name.split()).strip(" ,.;:-–")
        if name:
            found.setdefault(_normalized(name), name)


def _syllables(text: str) -> list[_Syllable]:
    """The text's syllables, with their case, the gaps between them and the word boundaries."""
    syllables: list[_Syllable] = []
    add = syllables.append
    make = tuple.__new__  # `_Syllable(...)` without its keyword handling: every syllable of every article
    previous_end = None
    # `segment(text)` is cached: the index analyses this same string right after.
    for word in segment(text):
        spans = word.syllables
        cased = word.cased
        if len(spans) == 1 and cased.isalnum():  # most words: one syllable, its own text
            span = spans[0]
            gap = text[previous_end : span.start] if previous_end is not None else "\n"
            add(
                make(_Syllable, (cased, span.text, gap, True, cased[0].isupper(), gap == " " or _spaced(gap)))
            )
            previous_end = span.end
            continue
        pieces = _LETTERS.findall(cased)
        if len(pieces) != len(spans):  # never seen; the original text will do
            pieces = [text[span.start : span.end] for span in spans]
        starts_word = True
        for span, written in zip(spans, pieces):
            gap = text[previous_end : span.start] if previous_end is not None else "\n"
            spaced = gap == " " or _spaced(gap)
            add(make(_Syllable, (written, span.text, gap, starts_word, written[0].isupper(), spaced)))
            previous_end = span.end
            starts_word = False
    return syllables


class _Reader:
    """One text's syllables, read left to right (see the module's docstring for the rules)."""

    def __init__(self, syllables: list[_Syllable], found: _Found) -> None:
        self.syllables = syllables
        self.found = found
        self.free = 0  # where the last name, title or head ended: a name may start here
        self.after_title = False  # a title came before, with only names since
        self.title = ""  # and which: "kin" (`ông`, `chị`), "state" (`Tổng thống`) or "office"

    def read(self) -> None:
        # Only a capital or the first syllable of a title or head may start something: the
        # other syllables (most) are passed over at once.
        starts = _lowercase_starts()
        at = 0
        for index, syllable in enumerate(self.syllables):
            if index < at or not (syllable.upper or syllable.key in starts):
                continue
            if index > self.free:
                self.after_title = False  # something that is no name came after the title
            end = self._entity_at(index)
            if end is not None:
                at = self.free = end

    def _entity_at(self, at: int) -> int | None:
        """Where the name, title or head starting at `at` ends, once recorded; None if none does."""
        if self.syllables[at].key not in _phrase_starts():
            return self._person(at)  # no gazetteer name, title or head starts here (most capitals)
        return (
            self._gazetteer_name(at)
            or self._title(at)
            or self._organisation(at)
            or self._place_after_head(at)
            or self._other_name(at)
            or self._person(at)
        )

    # --- rule 1: the gazetteer ----------------------------------------------------------------

    def _gazetteer_name(self, at: int) -> int | None:
        match = self._lookup(at)
        if match is None:
            return None
        end, name = match
        if name.kind in gazetteer.PLACE_KINDS:
            self.found.add(self.found.places, name.display)
        elif name.kind == gazetteer.ORGANISATION:
            end = self._organisation_abroad(end, name.display)
        return end

    def _lookup(self, at: int) -> tuple[int, _Name] | None:
        """The longest gazetteer name at `at` written with its capitals, if it stands alone."""
        table, longest = _gazetteer()
        return _longest_name(
            self.syllables,
            at,
            table,
            longest,
            lambda end, name: self._written_as(at, name) and self._stands_alone(at, end, name),
        )

    def _written_as(self, at: int, name: _Name) -> bool:
        """With the capitals of the name; but `ban` after `Trưởng` or `Phó` is the office's
        (`Trưởng ban Tổ chức Trung ương` names the board)."""
        syllables = self.syllables
        office = (
            name.kind == gazetteer.ORGANISATION
            and syllables[at].key == "ban"
            and at > 0
            and syllables[at - 1].key in ("trưởng", "phó")
        )
        return all(
            syllables[at + i].upper
            for i, capital in enumerate(name.capitals)
            if capital and not (office and i == 0)
        )

    def _stands_alone(self, start: int, end: int, name: _Name) -> bool:
        """Not the first or last syllables of a longer name (`Mỹ` in `Mỹ Tâm`, `Hoàng Mai` in a
        `Hoàng Mai Anh` segmentation found to be one word), and a one-syllable name neither a
        capital opening a sentence nor a given name after a title (`luật sư Đức nói`)."""
        syllables = self.syllables
        if name.kind == gazetteer.ORGANISATION:
            return True
        following = syllables[end] if end < len(syllables) else None
        next_is_capital = following is not None and following.upper and following.spaced
        title = self.title if self.after_title and start == self.free else ""
        if title == "state":
            return True  # `Thủ tướng Đức Angela Merkel`, `Tổng thống Mỹ cho biết`
        if following is not None and not following.starts_word and following.spaced:
            return False
        if end - start > 1:
            return True
        first = syllables[start]
        if _SENTENCE_END.search(first.gap) or (start > 0 and syllables[start - 1].upper and first.spaced):
            return False
        if title:
            return title == "office" and next_is_capital  # `HLV Anh`, but `tiền đạo Anh Harry Kane`
        return not next_is_capital

    def _organisation_abroad(self, end: int, display: str) -> int:
        """A body followed by a foreign country is that country's (`Bộ Ngoại giao Mỹ`, `Quốc
        hội Anh`); followed by Việt Nam it is the one of the gazetteer."""
        match = self._lookup(end) if end < len(self.syllables) and self.syllables[end].spaced else None
        if match is not None and match[1].kind == gazetteer.COUNTRY:
            country = match[1].display
            self.found.add(self.found.places, country)
            if country != "Việt Nam":
                display = f"{display} {country}"
            end = match[0]
        self.found.add(self.found.organisations, display)
        return end

    # --- rule 2: titles -----------------------------------------------------------------------

    def _title(self, at: int) -> int | None:
        end = _longest_word(self.syllables, at, TITLES)
        if end is None:
            return None
        first = self.syllables[at]
        kin = _key_of(self.syllables, at, end) in KIN_TITLES
        if kin and first.upper and not _SENTENCE_END.search(first.gap):
            return None  # `Anh` in mid-sentence is England, `Cô Tô` an island
        self.after_title = True
        self.title = (
            "kin" if kin else "state" if _key_of(self.syllables, at, end) in STATE_TITLES else "office"
        )
        return end

    # --- rule 3: organisations ----------------------------------------------------------------

    def _organisation(self, at: int) -> int | None:
        if not self.syllables[at].upper:
            return None
        nested = self._governing_body(at)
        if nested is not None:
            end, name = nested
            if name is not None:
                self.found.add(self.found.organisations, name)
            return end
        head_end = _longest(self.syllables, at, ORGANISATION_HEADS)
        return self._named_body(at, head_end) if head_end is not None else None

    def _governing_body(self, at: int) -> tuple[int, str | None] | None:
        """A body named by the place it governs (`UBND tỉnh Nghệ An`, `Công an TP.HCM`,
        `Thành ủy Hải Phòng`): (end, name), the place recorded. Without its place the name is
        None (`Chủ tịch UBND TP Nguyễn Đức Chung`: no one body), and the end is after the
        unit, which heads no place then."""
        syllables = self.syllables
        head_end = _longest(syllables, at, ADMINISTRATIVE_HEADS)
        if head_end is not None:
            head = ADMINISTRATIVE_HEADS[_key_of(syllables, at, head_end)]
            unit_end = _longest(syllables, head_end, UNITS)
            unit = UNITS[_key_of(syllables, head_end, unit_end)] if unit_end else None
            place = self._place(head_end, commune=False)  # `TP.HCM`: the unit is in the name
            if place is None:
                place = self._place(unit_end or head_end, commune=unit in ("xã", "phường", "thị trấn"))
            if place is None:
                return unit_end or head_end, None
            end, name, province_level = place
            return end, f"{head} {_with_unit(unit, name, province_level)}"
        head_end = _longest(syllables, at, COMMITTEE_HEADS)
        if head_end is not None:  # the unit is in the head
            place = self._place(head_end, commune=False)
            if place is None:
                return head_end, None
            return place[0], f"{COMMITTEE_HEADS[_key_of(syllables, at, head_end)]} {place[1]}"
        return None

    def _named_body(self, at: int, head_end: int) -> int | None:
        """`Ban Tổ chức Trung ương`, `Sở Kế hoạch và Đầu tư`, `Sở Y tế Hà Nội`: capitalised
        words after the head (and the rest of a word they begin), `và` between two of them,
        up to a place or another body, which end the name, and not into a person's name."""
        syllables = self.syllables
        if head_end >= len(syllables) or not syllables[head_end].upper:
            return None  # `Hội nghị`, `Ban` alone
        if syllables[at].key in SURNAMES and self._vietnamese_name_at(at):
            return None  # `Đoàn Ngọc Hải`, not `Đoàn` + `Ngọc Hải`
        head = _key_of(syllables, at, head_end)
        # Schools and hospitals are named after people (`Trường THPT Chu Văn An`); a name after
        # any other body is the person who heads it (`Sở Y tế Nguyễn Văn A`), as it is after a
        # title (`Hiệu trưởng Trường THPT Nguyễn Văn B`).
        named_after_people = head in NAMED_AFTER_PEOPLE and not (self.after_title and at == self.free)
        parts = [HEAD_SPELLINGS.get(head) or _written(syllables, at, head_end)]
        index = head_end
        field = self._department_field(head_end) if head == "sở" else None
        if field is not None:
            parts += [" ", field[1]]
            index = field[0]
        while index < len(syllables) and index - head_end < _MAX_ORGANISATION_SYLLABLES:
            syllable = syllables[index]
            if not syllable.spaced and syllable.gap.strip(" \t\u00a0") not in ("-", "–", "&"):
                break
            if syllable.upper:
                ending = self._end_of_name(index, named_after_people)
                if ending is not None:
                    end, name = ending
                    if name is None:
                        return end  # `Ban Tổ chức Tỉnh ủy`: which province's?
                    if name:
                        parts += [_joiner(syllable.gap), name]
                        index = end
                    break
            if syllable.upper or not syllable.starts_word or self._joins_two_words(index):
                parts += [_joiner(syllable.gap), syllable.written]
                index += 1
            else:
                break
        while len(parts) > 1 and _normalized(parts[-1]) == "và":
            del parts[-2:]
        if len(parts) == 1:
            return None
        self.found.add(self.found.organisations, "".join(parts))
        return index

    def _end_of_name(self, at: int, named_after_people: bool) -> tuple[int, str | None] | None:
        """What ends a body's name at `at`: (end, its last words) for a place, a governing body,
        a body of the gazetteer (`Hội đồng Bảo an Liên hợp quốc`) or the person a school is
        named after; (at, "") before any other person; (end, None) for a governing body without
        its place; None if nothing does."""
        place = self._place(at, commune=False)
        if place is not None:
            return place[0], place[1]
        governing = self._governing_body(at)
        if governing is not None:
            return governing
        person_end = self._vietnamese_name_at(at)
        if person_end is not None and person_end - at >= 3:
            return (person_end, _written(self.syllables, at, person_end)) if named_after_people else (at, "")
        match = self._lookup(at)
        if match is not None and match[1].kind == gazetteer.ORGANISATION:
            return match[0], match[1].display  # `Hội đồng Bảo an Liên hợp quốc`
        return None

    def _department_field(self, at: int) -> tuple[int, str] | None:
        """A department's field, spelled as the ministry of that field is: `Sở GTVT` and `Sở
        Giao thông - Vận tải` are `Sở Giao thông vận tải`. Not a short form that a longer,
        other name goes on from (`Sở Văn hóa và Thể thao` is not `Sở Văn hóa, Thể thao và Du
        lịch`)."""
        table, longest = _fields()
        match = _longest_name(self.syllables, at, table, longest)
        if match is None:
            return None
        end, field = match
        following = self.syllables[end] if end < len(self.syllables) else None
        if following is not None and following.spaced:
            if following.key == "và" or (following.upper and self._lookup(end) is None):
                return None
        return end, field

    def _joins_two_words(self, index: int) -> bool:
        """`và` between two capitalised words of one name (`Kế hoạch và Đầu tư`), not before
        another body (`Bộ Tài chính và Bộ Công an`) or a proper name, capitalised on every
        syllable (`Bệnh viện Bạch Mai và Hồ Tây`)."""
        syllables = self.syllables
        if syllables[index].key != "và" or index + 1 >= len(syllables):
            return False
        following = syllables[index + 1]
        after = syllables[index + 2] if index + 2 < len(syllables) else None
        proper_name = after is not None and after.spaced and after.upper and not _office_word(after)
        return (
            following.upper
            and following.spaced
            and not proper_name
            and _longest(syllables, index + 1, ORGANISATION_HEADS) is None
        )

    # --- rule 4: places after a head ----------------------------------------------------------

    def _place_after_head(self, at: int) -> int | None:
        end = _longest_word(self.syllables, at, PLACE_HEADS)
        if end is None or end >= len(self.syllables):
            return None
        place = self._place(end, commune=True)
        if place is None:
            return None
        return place[0]

    def _place(self, at: int, commune: bool) -> tuple[int, str, bool] | None:
        """The place named at `at` (recorded): a gazetteer place, or, where the gazetteer does
        not list every name (communes, foreign towns), a run of capitalised syllables that is
        not a person's name. (end, name, whether it is a province or province-level city)."""
        if at >= len(self.syllables) or not (self.syllables[at].spaced or self._abbreviation_dot(at)):
            return None
        match = self._lookup(at)
        if match is not None and match[1].kind in gazetteer.PLACE_KINDS:
            end, name = match
            self.found.add(self.found.places, name.display)
            return end, name.display, name.kind == gazetteer.PROVINCE
        if not commune or self._vietnamese_name_at(at):
            return None
        end = at
        while end < len(self.syllables) and end - at < _MAX_NAME_SYLLABLES and self.syllables[end].upper:
            if end > at and not self.syllables[end].spaced:
                break
            end += 1
        if end == at:
            return None
        name = " ".join(s.written for s in self.syllables[at:end])
        self.found.add(self.found.places, name)
        return end, name, False

    def _abbreviation_dot(self, at: int) -> bool:
        """The dot after `TP` (`TP. Hà Nội`), not one that ends a sentence (`tỉnh. Đồng thời`)."""
        return (
            at > 0 and self.syllables[at - 1].key == "tp" and self.syllables[at].gap.strip(" \t\u00a0") == "."
        )

    # --- rule 5: other names ------------------------------------------------------------------

    def _other_name(self, at: int) -> int | None:
        """`đường Nguyễn Trãi`: the head and the capitalised run after it, recorded as nothing;
        and the runs listed after that one (`các tuyến đường Trường Sơn, Phạm Văn Đồng`,
        `giao lộ Tô Ngọc Vân – Phạm Văn Đồng`)."""
        syllables = self.syllables
        if syllables[at].upper and syllables[at].key in SURNAMES:
            return None
        end = _longest_word(syllables, at, OTHER_HEADS)
        if end is None:
            return None
        first = end
        while end < len(syllables) and syllables[end].upper:
            gap = syllables[end].gap.strip(" \t\u00a0")
            if not (syllables[end].spaced or (end == first and gap == ":") or (end > first and gap in ",-–")):
                break
            end += 1
        return end

    # --- rule 6: people -----------------------------------------------------------------------

    def _person(self, at: int) -> int | None:
        syllables = self.syllables
        if at != self.free and at > 0 and syllables[at - 1].upper and syllables[at].spaced:
            return None  # the rest of a run of capitals that began earlier
        if not (self.after_title and at == self.free):
            end = self._vietnamese_name_at(at)
            if end is None or end - at < 3:
                return None  # two syllables alone are as often a street, a lake, a hospital
            if at > 0 and syllables[at].spaced and syllables[at - 1].written[0].isdigit():
                return end  # `số 12 Trần Hưng Đạo`: an address
            self.found.add(self.found.people, _written(syllables, at, end))
            return end
        if _office_word(syllables[at]):
            return at + 1  # `Giám đốc FBI James Comey`, `HLV U20 Việt Nam Hoàng Anh Tuấn`
        end = self._any_name_at(at)
        if end is None:
            return None
        if not self._given_names_only(at, end):
            self.found.add(self.found.people, _korean_name_one_way(_written(syllables, at, end)))
        return end

    def _given_names_only(self, start: int, end: int) -> bool:
        """`HLV Hữu Thắng`, `anh Văn Toàn`: a middle and a given name, Vietnamese, without the
        family name. The same person is also named in full, and one value per person is kept."""
        syllables = self.syllables[start:end]
        return (
            len(syllables) == 2
            and syllables[0].key not in SURNAMES
            and all(_capitalised_syllable(s) for s in syllables)
        )

    def _vietnamese_name_at(self, at: int) -> int | None:
        """Where a Vietnamese name starting at `at` ends: a family name, then capitalised
        Vietnamese syllables, two to four in all (whole words when the run is longer)."""
        syllables = self.syllables
        if syllables[at].key not in SURNAMES or not syllables[at].starts_word:
            return None
        end = at
        while end < len(syllables) and _capitalised_syllable(syllables[end]):
            if end > at and not syllables[end].spaced:
                break
            end += 1
            if end - at > _MAX_NAME_SYLLABLES:
                # Longer than a name: keep the words that fit.
                end = next(
                    (e for e in range(at + _MAX_NAME_SYLLABLES, at, -1) if syllables[e].starts_word), at
                )
                break
        return end if end - at >= 2 else None

    def _any_name_at(self, at: int) -> int | None:
        """Where a name after a title ends: two to four capitalised parts, foreign or not, a
        part being syllables joined by hyphens (`Park Hang-seo`, `Prayuth Chan-o-cha`)."""
        syllables = self.syllables
        if syllables[at].key in OFFICES or _longest(syllables, at, ORGANISATION_HEADS) is not None:
            return None  # `đồng chí Trưởng Ban`
        parts = 0
        end = at
        while end < len(syllables):
            syllable = syllables[end]
            if end > at and syllable.gap == "-":
                end += 1
                continue
            initial = end > at and len(syllables[end - 1].written) == 1 and syllable.gap.strip() == "."
            joined = end == at or syllable.spaced or initial  # `George W. Bush`
            if not syllable.upper or not joined or _office_word(syllable) or parts == _MAX_NAME_SYLLABLES:
                break
            parts += 1
            end += 1
        return end if parts >= 2 else None


def _korean_name_one_way(name: str) -> str:
    """A Korean name as most of the press writes it, the given name's two parts joined by a
    hyphen: `Kim Jong Un`, `Kim Jong-Un` and `Kim Jong-un` are one value."""
    parts = name.split(" ")
    if parts[0] not in KOREAN_SURNAMES or len(parts) not in (2, 3):
        return name
    given = parts[1:] if len(parts) == 3 else parts[1].split("-")
    if len(given) != 2 or not name.isascii():
        return name  # `Kim Ngọc Lan`: Vietnamese, with its marks
    return f"{parts[0]} {given[0]}-{given[1].lower()}"


def _written(syllables: list[_Syllable], start: int, end: int) -> str:
    """Syllables as the text joins them: `Park Hang-seo`."""
    return syllables[start].written + "".join(_joiner(s.gap) + s.written for s in syllables[start + 1 : end])


def _joiner(gap: str) -> str:
    """How a gap inside a name is shown: one space for spaces, a mark with a space on the sides
    the text has one (`Hang-seo`, `Lao động - Thương binh`, `George W. Bush`)."""
    mark = gap.strip(" \t\u00a0")
    if not mark:
        return " "
    return (" " if gap[0] != mark[0] else "") + mark + (" " if gap[-1] != mark[-1] else "")


def _spaced(gap: str) -> bool:
    """Only spaces between two syllables: no punctuation, no line break."""
    return not gap.strip(" \t\u00a0")


def _office_word(syllable: _Syllable) -> bool:
    """An abbreviation or a code (`FBI`, `U20`): part of an office, not of a name."""
    written = syllable.written
    return (len(written) > 1 and written.isupper()) or not written.isalpha()


def _capitalised_syllable(syllable: _Syllable) -> bool:
    """Written like a syllable of a Vietnamese name: `Mai`, not `MAI`, `Liga` or `McCain`."""
    written = syllable.written
    return syllable.upper and (len(written) == 1 or written[1:].islower()) and _vietnamese(syllable.key)


@lru_cache(maxsize=20_000)
def _vietnamese(key: str) -> bool:
    return is_syllable(key)


def _with_unit(unit: str | None, place: str, province_level: bool) -> str:
    """A place as an administrative body's name shows it: a province's or province-level
    city's unit is always written (`UBND Nghệ An` is `UBND tỉnh Nghệ An`), once (`UBND TP Hồ
    Chí Minh`); any other unit as the text has it, in one spelling (`Tp.` is `TP`)."""
    if province_level and unit in (None, "tỉnh", "TP"):
        city = place in _province_level_cities()
        if city and place.startswith("TP "):
            return place
        unit = "TP" if city else unit if unit == "TP" else "tỉnh"
    return f"{unit} {place}" if unit else place


def _longest_name(
    syllables: list[_Syllable],
    at: int,
    table: dict[tuple[str, ...], T],
    longest: dict[str, int],
    accept: Callable[[int, T], bool] = lambda end, value: True,
) -> tuple[int, T] | None:
    """The longest name of `table` (keyed by syllables) at `at` that `accept(end, value)`
    takes, its syllables apart by spaces or a name's punctuation (`TP.HCM`, `Bộ KH&ĐT`)."""
    size = longest.get(syllables[at].key)
    if size is None:
        return None
    keys = [syllables[at].key]
    for index in range(at + 1, min(at + size, len(syllables))):
        if not _NAME_GAP.fullmatch(syllables[index].gap):
            break
        keys.append(syllables[index].key)
    for length in range(len(keys), 0, -1):
        value = table.get(tuple(keys[:length]))
        if value is not None and accept(at + length, value):
            return at + length, value
    return None


def _key_of(syllables: list[_Syllable], start: int, end: int) -> str:
    return " ".join(s.key for s in syllables[start:end])


def _longest_word(syllables: list[_Syllable], at: int, table: _Phrases) -> int | None:
    """`_longest`, for a phrase that is whole words: `bản` (a village) is no head in `văn
    bản` (a document), nor `xã` (a commune) in `xã hội` (society). (A capital after it may be
    glued to it by segmentation: `tiền | đạo Son | Heung-min`.)"""
    end = _longest(syllables, at, table) if syllables[at].starts_word else None
    if end is None:
        return None
    following = syllables[end] if end < len(syllables) else None
    if following is not None and following.spaced and not following.starts_word and not following.upper:
        return None
    return end


def _longest(syllables: list[_Syllable], at: int, table: _Phrases) -> int | None:
    """The end of the longest phrase of `table` starting at `at`, its syllables joined by
    spaces (or a `/`, `.`: `đ/c`, `PGS.TS`)."""
    if at >= len(syllables) or syllables[at].key not in table.first:
        return None
    found = None
    key = ""
    for index in range(at, min(at + 4, len(syllables))):
        syllable = syllables[index]
        if index > at:
            if not syllable.spaced and syllable.gap not in ("/", "."):
                break
            key += " "
        key += syllable.key
        if key in table:
            found = index + 1
    return found


@lru_cache(maxsize=20_000)
def _normalized(text: str) -> str:
    """`normalize`, cached: names and their syllables recur from article to article."""
    return normalize(text)


# --- the tables, compiled once, on first use ---------------------------------------------------


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[tuple[str, ...], _Name], dict[str, int]]:
    """Every alias by its syllables (lowercase canonical), and per first syllable the most
    syllables an alias starting with it has. A province wins over a district of its name."""
    table: dict[tuple[str, ...], _Name] = {}
    longest: dict[str, int] = {}
    for entry in gazetteer.entries():
        display = canonical(entry.display)
        for alias in entry.aliases:
            written = _LETTERS.findall(canonical(alias))
            key = tuple(_LETTERS.findall(normalize(alias)))
            # An organisation needs its first capital (`Chính phủ`, not `chính phủ`); a place
            # and a year every capital its alias has (`Hòa Bình`, not `hòa bình`).
            capitals = tuple(
                w[0].isupper() and (i == 0 or entry.kind != gazetteer.ORGANISATION)
                for i, w in enumerate(written)
            )
            if key not in table:
                table[key] = _Name(display, entry.kind, capitals)
                longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return table, longest


@lru_cache(maxsize=1)
def _fields() -> tuple[dict[tuple[str, ...], str], dict[str, int]]:
    """The ministries' fields (`Giao thông vận tải`) by every short form of the gazetteer
    (`GTVT`, `Giao thông`), as `_gazetteer` keys its names."""
    table: dict[tuple[str, ...], str] = {}
    longest: dict[str, int] = {}
    for entry in gazetteer.entries():
        if entry.kind == gazetteer.ORGANISATION and entry.display.startswith("Bộ "):
            for alias in entry.aliases:
                key = tuple(_LETTERS.findall(normalize(alias)))[1:]
                table.setdefault(key, canonical(entry.display)[len("Bộ ") :])
                longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return table, longest


@lru_cache(maxsize=1)
def _province_level_cities() -> frozenset[str]:
    return frozenset(canonical(e.display) for e in gazetteer.entries() if e.province_level_city)


@lru_cache(maxsize=1)
def _phrase_starts() -> frozenset[str]:
    """First syllables of every gazetteer name, title and head."""
    _, longest = _gazetteer()
    tables = [TITLES, PLACE_HEADS, OTHER_HEADS, ORGANISATION_HEADS, ADMINISTRATIVE_HEADS, COMMITTEE_HEADS]
    return frozenset(longest).union(*(table.first for table in tables))


@lru_cache(maxsize=1)
def _lowercase_starts() -> frozenset[str]:
    """First syllables of what a rule may find at a lowercase syllable: titles, heads, and the
    gazetteer's few lowercase names (`châu Á`, `thành phố Hồ Chí Minh`), and `ban` after an
    office (`Trưởng ban Tổ chức Trung ương`)."""
    table, _ = _gazetteer()
    lowercase = {key[0] for key, name in table.items() if not name.capitals[0]}
    return TITLES.first | PLACE_HEADS.first | OTHER_HEADS.first | lowercase | {"ban"}
