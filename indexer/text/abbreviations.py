"""Vietnamese news abbreviations: a built-in table, and pairs a text defines itself
(`Hội đồng nhân dân (HĐND)`).

Keys are folded syllables, as the index holds them: `UBND` -> ("ubnd",), `TP.HCM` ->
("tp", "hcm"), `BCH TW` -> ("bch", "tw").
"""

from __future__ import annotations

import re

from indexer.text.analysis import fold_term
from indexer.text.normalize import normalize

BUILT_IN = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "BCH TW": "Ban Chấp hành Trung ương",
    "BCHTW": "Ban Chấp hành Trung ương",
    "BCH TƯ": "Ban Chấp hành Trung ương",
    "TP.HCM": "Thành phố Hồ Chí Minh",
    "TPHCM": "Thành phố Hồ Chí Minh",
    "TP HCM": "Thành phố Hồ Chí Minh",
    "BTV": "Ban Thường vụ",
    "ĐBQH": "Đại biểu Quốc hội",
    "THPT": "Trung học phổ thông",
    "THCS": "Trung học cơ sở",
    "CSGT": "Cảnh sát giao thông",
    "BCĐ": "Ban Chỉ đạo",
    "HĐQT": "Hội đồng quản trị",
    "NHNN": "Ngân hàng Nhà nước",
    "BHXH": "Bảo hiểm xã hội",
    "BHYT": "Bảo hiểm y tế",
    "GD&ĐT": "Giáo dục và Đào tạo",
    "ATGT": "An toàn giao thông",
    "PCCC": "Phòng cháy chữa cháy",
    "CNTT": "Công nghệ thông tin",
    "QĐND": "Quân đội nhân dân",
    "CAND": "Công an nhân dân",
    "VKSND": "Viện kiểm sát nhân dân",
    "TAND": "Tòa án nhân dân",
    "UBKT": "Ủy ban Kiểm tra",
    "TTXVN": "Thông tấn xã Việt Nam",
    "HTX": "Hợp tác xã",
    "KCN": "Khu công nghiệp",
    "LĐLĐ": "Liên đoàn Lao động",
    "KT-XH": "Kinh tế - xã hội",
}
# `(HĐND)`: capitals (2 to 10, maybe with & . -) in brackets, after the words they stand for.
_BRACKETED = re.compile(r"\(\s*([A-ZĐ][A-ZĐ&.\-]{1,9})\s*\)")
_WORDS_BEFORE = 120  # characters looked at before the brackets


def key(text: str) -> tuple[str, ...]:
    """The folded syllables of an abbreviation or an expansion, as the index holds them."""
    return tuple(fold_term(s) for s in re.findall(r"[^\W_]+", normalize(text)))


def defined_pairs(text: str) -> list[tuple[str, str]]:
    """(abbreviation, expansion) pairs the text defines (`Hội đồng nhân dân (HĐND)`): the
    expansion is the run of words just before the brackets whose initials spell it."""
    pairs = []
    for match in _BRACKETED.finditer(text):
        abbreviation = match.group(1)
        letters = [c for c in normalize(abbreviation) if c.isalpha()]
        words = text[max(0, match.start() - _WORDS_BEFORE) : match.start()].split()
        candidate = words[-len(letters) :] if len(words) >= len(letters) else []
        if candidate and [normalize(w)[:1] for w in candidate] == letters:
            pairs.append((abbreviation, " ".join(candidate)))
    return pairs
