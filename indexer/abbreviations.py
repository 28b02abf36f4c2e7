"""Vietnamese news abbreviations: a built-in table, and pairs a text defines itself
(`Hội đồng nhân dân (HĐND)`).

Keys are folded syllables, as the index holds them: `UBND` -> ("ubnd",), `TP.HCM` ->
("tp", "hcm"), `BCH TW` -> ("bch", "tw").
"""

from __future__ import annotations

import re

from indexer.analysis import fold_term
from indexer.normalize import normalize

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
# `Hội đồng nhân dân (HĐND)`: words, then capitals (2 to 8, maybe with & . -) in brackets.
_DEFINED = re.compile(r"((?:[\w-]+\s+){1,9}?[\w-]+)\s*\(\s*([A-ZĐ][A-ZĐ&.\-]{1,9})\s*\)")


def key(text: str) -> tuple[str, ...]:
    """The folded syllables of an abbreviation or an expansion, as the index holds them."""
    return tuple(fold_term(s) for s in re.findall(r"[^\W_]+", normalize(text)))


def defined_pairs(text: str) -> list[tuple[str, str]]:
    """(abbreviation, expansion) pairs the text defines: the expansion is the run of words
    before the brackets whose initials spell the abbreviation."""
    pairs = []
    for match in _DEFINED.finditer(text):
        abbreviation = match.group(2)
        letters = [c for c in normalize(abbreviation) if c.isalpha()]
        words = match.group(1).split()
        if len(words) < len(letters):
            continue
        candidate = words[-len(letters):]
        if [normalize(w)[0] for w in candidate] == letters:
            pairs.append((abbreviation, " ".join(candidate)))
    return pairs
