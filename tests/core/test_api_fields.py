"""core.api.fields' building blocks, without a request."""

from __future__ import annotations

import re

import pytest

from core.api.fields import year_range_pattern


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (2000, 2999),
        (0, 9999),
        (1, 9999),
        (1950, 2027),
        (7, 1234),
        (1999, 2000),
        (5, 5),
        (990, 1010),
    ],
)
def test_a_year_range_pattern_matches_exactly_the_years_of_the_range(first: int, last: int) -> None:
    pattern = re.compile(year_range_pattern(first, last))
    wrong = [
        y for y in range(10_000) if bool(pattern.fullmatch(f"{y:04d}")) != (first <= y <= last)
    ]
    assert wrong == []
