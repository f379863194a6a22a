"""Instants across the daylight-saving changes: matching a start, and a wall time the site's
clock skips."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from scheduling.domain.wallclock import local_datetime, same_instant, skipped_wall_time

PARIS = ZoneInfo("Europe/Paris")
LONDON = ZoneInfo("Europe/London")


def test_a_start_of_the_repeated_hour_matches_its_own_instant_only() -> None:
    first = datetime.fromisoformat("2027-10-31T02:30:00+02:00")
    second = datetime.fromisoformat("2027-10-31T02:30:00+01:00")
    on_the_clock = local_datetime(int(second.timestamp()), PARIS)  # the engine's form
    assert on_the_clock.fold == 1
    assert on_the_clock != second  # PEP 495: never equal across zones in the repeated hour
    assert same_instant(on_the_clock, second)
    assert not same_instant(on_the_clock, first)
    assert same_instant(local_datetime(int(first.timestamp()), PARIS), first)


@pytest.mark.parametrize(
    ("written", "skipped"),
    [
        ("2027-03-28T02:30:00+02:00", True),  # the site's summer offset: 01:30 on its clock
        ("2027-03-28T02:30:00+01:00", True),  # its winter offset: 03:30 on its clock
        ("2027-03-28T02:00:00+01:00", True),
        ("2027-03-28T01:59:00+01:00", False),
        ("2027-03-28T03:00:00+02:00", False),
        ("2027-03-28T02:30:00+00:00", False),  # UTC: 04:30 on the site's clock, not a mistake
        ("2027-03-28T02:30:00+05:30", False),
        ("2027-10-31T02:30:00+02:00", False),  # the repeated hour exists (twice)
        ("2027-10-31T02:30:00+01:00", False),
        ("2027-06-01T02:30:00+02:00", False),
    ],
)
def test_a_skipped_wall_time_is_one_written_with_the_sites_offsets(
    written: str, skipped: bool
) -> None:
    assert skipped_wall_time(datetime.fromisoformat(written), PARIS) is skipped


def test_london_skips_one_to_two_in_march() -> None:
    assert skipped_wall_time(datetime.fromisoformat("2027-03-28T01:30:00+00:00"), LONDON)
    assert not skipped_wall_time(datetime.fromisoformat("2027-03-28T02:30:00+01:00"), LONDON)
