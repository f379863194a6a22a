"""Days on a site's clock (the admin day filter, the export range): no database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bookings.domain.days import local_day_bounds, relative_days, utc_window

PARIS = ZoneInfo("Europe/Paris")
TOKYO = ZoneInfo("Asia/Tokyo")
HONOLULU = ZoneInfo("Pacific/Honolulu")


def test_a_paris_day_in_winter_and_on_the_spring_forward_day() -> None:
    assert local_day_bounds(date(2026, 1, 12), date(2026, 1, 12), PARIS) == (
        datetime(2026, 1, 11, 23, tzinfo=UTC),
        datetime(2026, 1, 12, 23, tzinfo=UTC),
    )
    # 29 March 2026 has 23 hours in Paris.
    start, end = local_day_bounds(date(2026, 3, 29), date(2026, 3, 29), PARIS)
    assert (start, end) == (
        datetime(2026, 3, 28, 23, tzinfo=UTC),
        datetime(2026, 3, 29, 22, tzinfo=UTC),
    )


def test_today_depends_on_the_site_clock() -> None:
    # Sunday 18 January 2026, 22:30 UTC: already Monday in Tokyo, still Sunday in Honolulu.
    now = datetime(2026, 1, 18, 22, 30, tzinfo=UTC)
    assert relative_days("today", now=now, tz=TOKYO) == (date(2026, 1, 19), date(2026, 1, 19))
    assert relative_days("today", now=now, tz=HONOLULU) == (date(2026, 1, 18), date(2026, 1, 18))
    assert relative_days("tomorrow", now=now, tz=PARIS) == (date(2026, 1, 19), date(2026, 1, 19))
    # A week runs Monday to Sunday: Tokyo is in the next week already.
    assert relative_days("week", now=now, tz=TOKYO) == (date(2026, 1, 19), date(2026, 1, 25))
    assert relative_days("week", now=now, tz=PARIS) == (date(2026, 1, 12), date(2026, 1, 18))
    with pytest.raises(ValueError):
        relative_days("yesterday", now=now, tz=PARIS)


@pytest.mark.parametrize("kind", ["today", "tomorrow", "week"])
@pytest.mark.parametrize(
    "now", [datetime(2026, 1, 18, 22, 30, tzinfo=UTC), datetime(2026, 1, 19, 1, tzinfo=UTC)]
)
@pytest.mark.parametrize(
    "tz", [PARIS, TOKYO, HONOLULU, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12")]
)
def test_the_utc_window_contains_every_clock(kind: str, now: datetime, tz: ZoneInfo) -> None:
    def days_on(zone: ZoneInfo) -> tuple[date, date]:
        return relative_days(kind, now=now, tz=zone)

    window_start, window_end = utc_window(days_on)
    start, end = local_day_bounds(*days_on(tz), tz)
    assert window_start <= start < end <= window_end
