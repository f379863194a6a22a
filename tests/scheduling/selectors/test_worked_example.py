"""The worked example of docs/rules/scheduling.md, as written there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from pricing.public import ServiceRequirements
from scheduling import public
from scheduling.domain.values import BusyInterval
from tests.pricing.factories import SkillFactory
from tests.scheduling.factories import ClosureFactory, ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def at(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 6, 1, hh, mm, tzinfo=PARIS)  # a Monday


def test_worked_example(busy: Callable[[list[BusyInterval]], None]) -> None:
    site = SiteFactory.create(
        name="Bastille",
        min_notice_minutes=120,
        hours={1: [(time(8), time(12)), (time(13, 30), time(18))]},
    )
    tyres = SkillFactory.create(code="tyres")
    bay_a = ResourceFactory.create(site=site, name="Bay A", skills=[tyres])
    bay_b = ResourceFactory.create(
        site=site, name="Bay B", skills=[tyres], hours={1: [(time(10), time(18))]}
    )
    ResourceFactory.create(site=site, name="Bay C")
    ClosureFactory.create(site=None, resource=bay_a, start=at(15), end=at(16))
    busy([BusyInterval(bay_b.pk, at(13, 30), at(14, 45))])
    tyre_change = ServiceRequirements("tyre-change", "Tyre change", 60, 15, "tyres")
    now = at(7, 20)

    starts = public.available_starts(
        site_pk=site.pk, requirements=tyre_change, start=at(0), end=at(23), now=now
    )
    counts = {f"{s.start:%H:%M}": len(s.resources) for s in starts}

    def grid(first: str, last: str) -> list[str]:
        h, m = map(int, first.split(":"))
        out = []
        while f"{h:02d}:{m:02d}" <= last:
            out.append(f"{h:02d}:{m:02d}")
            h, m = (h, m + 15) if m < 45 else (h + 1, 0)
        return out

    expected = {
        **dict.fromkeys(["09:30", "09:45"], 1),
        **dict.fromkeys(grid("10:00", "11:00"), 2),
        **dict.fromkeys(grid("13:30", "14:00"), 1),
        **dict.fromkeys(grid("14:45", "15:45"), 1),
        **dict.fromkeys(grid("16:00", "17:00"), 2),
    }
    assert counts == expected
    ranked = public.ranked_free_resources(
        site=public.bookable_site(pk=site.pk), requirements=tyre_change, start=at(16), now=now
    )
    at_four = next(s for s in starts if s.start == at(16))
    assert {r.pk for r in ranked} == set(at_four.resources)
    assert ranked[0].pk == bay_a.pk  # what a booking at 16:00 gets
