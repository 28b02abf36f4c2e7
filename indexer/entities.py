"""People, places and organisations named in an article, found by rules on segmented text.

underthesea ships a NER model, but measured on these news articles it is both too slow for
indexing (about 10,000 characters a second per call on short text, 15 s for one 12,500-character
article, against 115,000 a second for segmentation) and weak where news needs it most (it tags
`Trương Thị Mai` as a place and `Hội nghị` as a location). Vietnamese news names things in a
few regular ways, which these rules follow:

- people: capitalised syllables starting with a family name (`Trương Thị Mai`), or after a
  title such as `đồng chí`, `ông`, `bà` (`đồng chí Ksor Tuối`);
- places: the provinces and big cities, and capitalised words after `tỉnh`, `huyện`, `xã`,
  `Thành ủy`, `tại` ... (`Thành uỷ Hải Phòng`, `xã Nga Sơn`);
- organisations: capitalised words after a head noun such as `Ban`, `Bộ`, `Sở`, `Ủy ban`,
  `Viện`, `Công ty` (`Ban Tổ chức Trung ương`, `Bộ Chính trị`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from indexer.normalize import normalize
from indexer.segment import segment

# The family names that most Vietnamese people carry.
SURNAMES = frozenset(normalize(n) for n in """
    nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý trương đào đinh
    mai lâm cao hà tạ chu lương đoàn vương trịnh tô thái lưu kiều la quách từ văn thân tăng
    triệu đàm khổng lục mạc âu tống nông hứa giang diệp phùng lã lại doãn hầu bạch
    """.split())
# Words before a person's name.
PERSON_TITLES = frozenset(
    normalize(t)
    for t in ["đồng chí", "ông", "bà", "anh", "chị", "cô", "thầy", "em", "cháu", "cụ", "đ/c", "nhà báo",
              "bác sĩ", "tiến sĩ", "thạc sĩ", "giáo sư", "phó giáo sư", "đại tá", "thượng tá", "trung tá",
              "thiếu tá", "đại úy", "thiếu tướng", "trung tướng", "thượng tướng", "đại tướng"]
)
# Words before a place's name: administrative units and the party committees named after them.
PLACE_HEADS = frozenset(
    normalize(t)
    for t in ["tỉnh", "thành phố", "tp", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường",
              "thôn", "bản", "làng", "ấp", "tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy"]
)
# Offices: `đồng chí Trưởng Ban ...` names a post, not a person.
OFFICES = frozenset(normalize(t) for t in "trưởng phó bí chủ ủy giám tổng thủ bộ ban thường".split())
# The provinces and cities, as a gazetteer (names stay even when provinces merge).
PROVINCES = frozenset(normalize(n) for n in """
    An Giang|Bà Rịa - Vũng Tàu|Bắc Giang|Bắc Kạn|Bạc Liêu|Bắc Ninh|Bến Tre|Bình Định|Bình Dương|
    Bình Phước|Bình Thuận|Cà Mau|Cần Thơ|Cao Bằng|Đà Nẵng|Đắk Lắk|Đắk Nông|Điện Biên|Đồng Nai|
    Đồng Tháp|Gia Lai|Hà Giang|Hà Nam|Hà Nội|Hà Tĩnh|Hải Dương|Hải Phòng|Hậu Giang|Hòa Bình|
    Hưng Yên|Khánh Hòa|Kiên Giang|Kon Tum|Lai Châu|Lâm Đồng|Lạng Sơn|Lào Cai|Long An|Nam Định|
    Nghệ An|Ninh Bình|Ninh Thuận|Phú Thọ|Phú Yên|Quảng Bình|Quảng Nam|Quảng Ngãi|Quảng Ninh|
    Quảng Trị|Sóc Trăng|Sơn La|Tây Ninh|Thái Bình|Thái Nguyên|Thanh Hóa|Thừa Thiên Huế|Huế|
    Tiền Giang|TP.HCM|TP Hồ Chí Minh|Thành phố Hồ Chí Minh|Trà Vinh|Tuyên Quang|Vĩnh Long|
    Vĩnh Phúc|Yên Bái|Việt Nam|Sài Gòn
    """.split("|"))
# Head nouns of organisations' names.
ORGANISATION_HEADS = frozenset(
    normalize(t)
    for t in ["ban", "bộ", "sở", "ủy ban", "ubnd", "hđnd", "hội đồng", "viện", "viện kiểm sát", "tòa án",
              "công ty", "tổng công ty", "tập đoàn", "ngân hàng", "trường", "đại học", "học viện",
              "bệnh viện", "cục", "tổng cục", "đảng ủy", "tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy",
              "đảng đoàn", "mặt trận", "liên đoàn", "hội liên hiệp", "hợp tác xã", "báo", "đài",
              "thông tấn xã", "văn phòng", "quốc hội", "chính phủ", "công an", "quân khu", "bộ tư lệnh"]
)
STANDALONE_ORGANISATIONS = frozenset(normalize(n) for n in ["Quốc hội", "Chính phủ", "Bộ Chính trị", "Ban Bí thư"])
_NAME_SYLLABLE = re.compile(r"^[^\W\d_][^\W\d_]*$")


@dataclass(frozen=True)
class Entities:
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Token:
    written: str  # canonical form, case kept
    key: str  # lowercase canonical form
    joined: bool  # only spaces between this word and the one before (no punctuation, no line break)


def find_entities(*texts: str) -> Entities:
    """People, places and organisations named in the texts (a title and a body, say), each
    once, in order of appearance."""
    tokens = []
    for text in texts:
        previous_end = None
        # `segment(text)` is cached: the index analyses this same string right after.
        for word in segment(text):
            gap = text[previous_end : word.start] if previous_end is not None else "\n"
            tokens.append(_Token(word.cased, word.text, not gap.strip(" \u00a0\t")))
            previous_end = word.end
    people: dict[str, str] = {}
    places: dict[str, str] = {}
    organisations: dict[str, str] = {}
    for index, token in enumerate(tokens):
        after_title = index > 0 and tokens[index - 1].key in PERSON_TITLES and token.joined
        if token.key in STANDALONE_ORGANISATIONS:
            _add(organisations, token.written)
        head = _organisation_head(token)
        if head:
            name = _capitalised_run(tokens, index + 1, max_words=5, every_syllable=False)
            if name:
                _add(organisations, f"{head} {name}")
        if token.key in PLACE_HEADS:
            _add(places, _capitalised_run(tokens, index + 1, max_words=3))
        if token.key in PROVINCES:
            _add(places, token.written)
        person = _person_at(tokens, index, after_title)
        if person:
            _add(people, person)
    return Entities(tuple(people.values()), tuple(places.values()), tuple(organisations.values()))


def _organisation_head(token: _Token) -> str | None:
    """`Ban` in `Ban Tổ chức`, also when segmentation glued it to the office before it
    (`Trưởng Ban` + `Tổ chức Trung ương`)."""
    if token.key in ORGANISATION_HEADS and (token.written[0].isupper() or token.key in ("ubnd", "hđnd")):
        return token.written
    last = token.written.split()[-1]
    return last if last[0].isupper() and _normalized(last) in ORGANISATION_HEADS else None


def _add(found: dict[str, str], name: str) -> None:
    name = " ".join(name.split()).strip(" ,.;:-–")
    if name:
        found.setdefault(_normalized(name), name)


@lru_cache(maxsize=20_000)
def _normalized(text: str) -> str:
    """`normalize`, cached: names and their syllables recur from article to article."""
    return normalize(text)


def _is_name_word(token: _Token, every_syllable: bool = True) -> bool:
    """Capitalised the way names are: places and people on every syllable (`Hải Phòng`),
    organisations on the first syllable of each word (`Ban Tổ chức Trung ương`)."""
    syllables = token.written.split()
    checked = syllables if every_syllable else syllables[:1]
    return all(_NAME_SYLLABLE.match(p) for p in syllables) and all(p[0].isupper() for p in checked)


def _capitalised_run(tokens: list[_Token], start: int, max_words: int, every_syllable: bool = True) -> str:
    """Capitalised words joined to the one before `start`, up to `max_words`."""
    run = []
    for index in range(start, min(start + max_words, len(tokens))):
        token = tokens[index]
        if not token.joined or not (_is_name_word(token, every_syllable) or token.key == "tp.hcm"):
            break
        if _person_at(tokens, index, after_title=False, inside_run=True):
            break  # `Tỉnh ủy Đỗ Trọng Hưng`: the committee, then its secretary
        run.append(token.written)
    return " ".join(run)


def _person_at(tokens: list[_Token], index: int, after_title: bool, inside_run: bool = False) -> str | None:
    """A name starting at `index`: capitalised syllables that begin with a family name, or
    any capitalised syllables after a title (`đồng chí Ksor Tuối`)."""
    if not tokens[index].written[:1].isupper():
        return None
    if not inside_run and not after_title and index > 0 and tokens[index].joined:
        if _person_at(tokens, index - 1, after_title=False, inside_run=True):
            return None  # the rest of a name that starts one word earlier
    syllables: list[str] = []
    for position in range(index, min(index + 4, len(tokens))):
        token = tokens[position]
        if position > index and not token.joined:
            break
        if not all(p[:1].isupper() and p[1:].islower() and _NAME_SYLLABLE.match(p) for p in token.written.split()):
            break
        syllables.extend(token.written.split())
    if not 2 <= len(syllables) <= 4:
        return None
    first = _normalized(syllables[0])
    if _normalized(" ".join(syllables[:2])) in PROVINCES or _normalized(" ".join(syllables)) in PROVINCES:
        return None
    if first in OFFICES or first in ORGANISATION_HEADS or first in PERSON_TITLES:
        return None
    if after_title or first in SURNAMES:
        return " ".join(syllables)
    return None
