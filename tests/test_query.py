from datetime import datetime

import pytest

from indexer.query.language import Clause, DateRange, QueryError, parse_date_range, parse_query


def test_plain_words_form_one_run() -> None:
    assert parse_query("tổ chức Đảng").groups == [[Clause("tổ chức Đảng")]]


def test_phrases_or_exclusions_and_fields() -> None:
    parsed = parse_query('"xây dựng Đảng" Hà Nội OR Hải Phòng -Covid NOT dịch title:Mai')
    assert parsed.groups == [
        [Clause("xây dựng Đảng", phrase=True), Clause("Hà Nội")],
        [Clause("Hải Phòng"), Clause("Mai", field="title")],
    ]
    assert parsed.excluded == [Clause("Covid"), Clause("dịch")]


def test_metadata_and_dates_are_filters() -> None:
    parsed = parse_query('Mai source:baonghean author:"Hồng Thanh" date:2023-06')
    assert parsed.metadata == [("source", "baonghean"), ("author", "Hồng Thanh")]
    assert parsed.dates == [DateRange(datetime(2023, 6, 1), datetime(2023, 7, 1))]


def test_unknown_prefixes_and_times_are_text() -> None:
    assert parse_query("10:15 foo:bar").groups == [[Clause("10:15 foo:bar")]]


def test_query_is_normalised_before_parsing() -> None:
    assert parse_query("khoá\u00a0XIII").groups == [[Clause("khóa XIII")]]


def test_an_unclosed_quote_runs_to_the_end() -> None:
    assert parse_query('"tổ chức').groups == [[Clause("tổ chức", phrase=True)]]


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2023", datetime(2023, 1, 1), datetime(2024, 1, 1)),
        ("2023-12", datetime(2023, 12, 1), datetime(2024, 1, 1)),
        ("2023-06-30", datetime(2023, 6, 30), datetime(2023, 7, 1)),
        ("2023-01..2023-06", datetime(2023, 1, 1), datetime(2023, 7, 1)),
        ("..2022", None, datetime(2023, 1, 1)),
        ("2024..", datetime(2024, 1, 1), None),
    ],
)
def test_date_ranges(value: str, start: datetime | None, end: datetime | None) -> None:
    assert parse_date_range(value) == DateRange(start, end)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("AND", "no words"),
        ("-", "no words"),
        ("-Mai", "no words"),
        ("title:", '"title:" needs a value'),
        ('author:""', '"author:" needs a value'),
        ("date:june", "not a date"),
        ("date:2023-13", "not a date"),
        ("date:2024..2023", "ends before it starts"),
        ("x" * 5000, "too long"),
    ],
)
def test_errors_say_what_is_wrong(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(query)
