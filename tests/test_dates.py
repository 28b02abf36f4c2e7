from datetime import datetime

import pytest

from indexer.ingest.dates import parse_date, to_iso


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cập nhật 16/11/2023, 10:11:43", datetime(2023, 11, 16, 10, 11)),
        ("09:47 28/12/2023 GMT+7", datetime(2023, 12, 28, 9, 47)),
        ("Thứ Sáu, 17/02/2023 19:50", datetime(2023, 2, 17, 19, 50)),
        ("10:15 23/06/2023", datetime(2023, 6, 23, 10, 15)),
        ("20:09 , 19/03/2026", datetime(2026, 3, 19, 20, 9)),
        ("Thứ hai, 5/6/2023 - 08:30 (GMT+7)", datetime(2023, 6, 5, 8, 30)),
        ("15h30 ngày 12/5/2024", datetime(2024, 5, 12, 15, 30)),
        ("ngày 16 tháng 11 năm 2023", datetime(2023, 11, 16)),
        ("17.2.2023", datetime(2023, 2, 17)),
        ("2023-06-23", datetime(2023, 6, 23)),
        ("2023-06-23 10:15", datetime(2023, 6, 23, 10, 15)),
        # An explicit offset is converted to Vietnam's time.
        ("2023-06-23T03:15:00Z", datetime(2023, 6, 23, 10, 15)),
        ("2024-03-05T08:30:00+0700", datetime(2024, 3, 5, 8, 30)),
    ],
)
def test_dates_as_news_sites_print_them(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Chiều 22-6, tại Hải Phòng",
        "31/02/2023",
        "quý III/2021",
        "",
        # Past the calendar's ends once moved to Vietnam's time, or no such offset.
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "2024-03-05T10:00:00+99:00",
    ],
)
def test_not_a_full_date(text: str) -> None:
    assert parse_date(text) is None


def test_iso_output_carries_vietnam_offset() -> None:
    assert to_iso(datetime(2023, 6, 23, 10, 15)) == "2023-06-23T10:15:00+07:00"
    assert to_iso(None) is None
