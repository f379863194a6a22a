"""Year range and the per-customer limit (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vehicles.domain.rules import (
    MAX_ACTIVE_VEHICLES_PER_OWNER,
    can_add_vehicle,
    is_valid_year,
    year_max,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("year", "valid"),
    [(1949, False), (1950, True), (2000, True), (2026, True), (2027, True), (2028, False)],
)
def test_year_runs_from_1950_to_next_year(year: int, valid: bool) -> None:
    assert is_valid_year(year, now=NOW) is valid


def test_the_upper_bound_moves_with_now() -> None:
    assert year_max(datetime(2030, 12, 31, 23, 59, tzinfo=UTC)) == 2031
    assert is_valid_year(2031, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert not is_valid_year(2031, now=datetime(2029, 12, 31, tzinfo=UTC))


def test_twenty_active_vehicles_at_most() -> None:
    assert MAX_ACTIVE_VEHICLES_PER_OWNER == 20
    assert can_add_vehicle(19)
    assert not can_add_vehicle(20)
