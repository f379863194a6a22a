"""Availability on the database: what public.py offers bookings, and its query budget."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pricing.public import ServiceRequirements
from scheduling import public
from scheduling.domain.values import BusyInterval, HeldInterval
from scheduling.models import Site
from tests.pricing.factories import SkillFactory
from tests.scheduling.factories import ClosureFactory, ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 6, 1, tzinfo=PARIS)  # a Monday
NOW = datetime(2026, 5, 1, tzinfo=UTC)
WASH = ServiceRequirements("wash", "Wash", 60, 15, None)


def at(hh: int, mm: int = 0, day: int = 0) -> datetime:
    return datetime.combine(MONDAY.date() + timedelta(days=day), time(hh, mm), tzinfo=PARIS)


def test_available_starts_follow_hours_closures_and_busy_time(
    busy: Callable[[list[BusyInterval]], None],
) -> None:
    site = SiteFactory.create(hours=[(time(8), time(12))])
    bay_a = ResourceFactory.create(site=site, name="Bay A")
    bay_b = ResourceFactory.create(site=site, name="Bay B")
    ClosureFactory.create(site=None, resource=bay_b, start=at(8), end=at(10))
    busy([BusyInterval(bay_a.pk, at(9), at(10))])
    starts = public.available_starts(
        site_pk=site.pk, requirements=WASH, start=at(0), end=at(0, day=1), now=NOW
    )
    table = {f"{s.start:%H:%M}": s.resources for s in starts}
    # Bay A: 08:00 + 60 min + 15 min buffer would run into its 09:00 booking; bay B is closed
    # until 10:00. Both are free from 10:00 until the last start that ends by 12:00.
    both = (bay_a.pk, bay_b.pk)
    assert table == dict.fromkeys(["10:00", "10:15", "10:30", "10:45", "11:00"], both)


def _ranked(
    site: Site,
    requirements: ServiceRequirements,
    start: datetime,
    *,
    ignore_busy: Collection[BusyInterval] = (),
) -> list[public.ResourceInfo]:
    """The resources a booking at `start` would try, in the order it tries them (the one
    assignment: bookings takes the first one still free after locking it)."""
    return public.ranked_free_resources(
        site=public.bookable_site(pk=site.pk),
        requirements=requirements,
        start=start,
        now=NOW,
        ignore_busy=ignore_busy,
    )


def test_free_resources_ranked_for_a_deterministic_assignment(
    busy: Callable[[list[BusyInterval]], None],
) -> None:
    site = SiteFactory.create(hours=[(time(8), time(18))])
    tyres = SkillFactory.create(code="tyres")
    bay_c = ResourceFactory.create(site=site, name="Bay C", skills=[tyres])
    ResourceFactory.create(site=site, name="Bay A", skills=[tyres])
    bay_b = ResourceFactory.create(site=site, name="Bay B", skills=[tyres])
    ResourceFactory.create(site=site, name="Wash bay")  # no tyre skill
    ResourceFactory.create(site=site, name="Old bay", skills=[tyres], active=False)
    need = ServiceRequirements("tyres", "Tyres", 60, 0, "tyres")
    bay_a = site.resources.get(name="Bay A")
    busy(
        [
            BusyInterval(bay_a.pk, at(8), at(10)),  # 2 h that day
            BusyInterval(bay_b.pk, at(15), at(16)),  # 1 h that day
            BusyInterval(bay_b.pk, at(8, day=1), at(18, day=1)),  # another day: does not count
        ]
    )
    ranked = _ranked(site, need, at(12))
    # Bay C has nothing booked that day, B one hour, A two.
    assert [r.name for r in ranked] == ["Bay C", "Bay B", "Bay A"]
    assert ranked[0].pk == bay_c.pk
    # At 15:00 only A and C are free; C still has the fewest minutes.
    assert [r.name for r in _ranked(site, need, at(15))] == ["Bay C", "Bay A"]


def test_the_held_time_handed_in_answers_the_ranking(
    busy: Callable[[list[BusyInterval]], None],
) -> None:
    # Issue 16: bookings reads the day's held time with its own rows and hands it in; the
    # ranking then reads only the closures and date exceptions. Held time for another start is
    # not its answer: the port is asked as before.
    site = SiteFactory.create(hours=[(time(8), time(18))])
    tyres = SkillFactory.create(code="tyres")
    bay_a = ResourceFactory.create(site=site, name="Bay A", skills=[tyres])
    bay_b = ResourceFactory.create(
        site=site, name="Bay B", skills=[tyres, SkillFactory.create(code="wash")]
    )
    ResourceFactory.create(site=site, name="Wash bay")  # no tyre skill: not asked about
    need = ServiceRequirements("tyres", "Tyres", 60, 0, "tyres")
    busy([BusyInterval(bay_a.pk, at(8), at(10))])  # what the port says: A has 2 h that day
    bookable = public.bookable_site(pk=site.pk)
    window = public.held_window(site=bookable, requirements=need, start=at(12))
    assert window is not None
    assert window.resource_pks == (bay_a.pk, bay_b.pk)
    assert window.start == at(0).astimezone(UTC)
    assert window.end == at(0, day=1).astimezone(UTC)
    handed = public.HeldTime(window, (HeldInterval(bay_b.pk, at(9), at(11), False),))

    def ranked(held: public.HeldTime | None) -> tuple[list[str], int]:
        with CaptureQueriesContext(connection) as queries:
            names = [
                r.name
                for r in public.ranked_free_resources(
                    site=bookable, requirements=need, start=at(12), now=NOW, held=held
                )
            ]
        return names, len(queries)

    assert ranked(handed) == (["Bay A", "Bay B"], 1)  # B did 2 h that day: A first
    elsewhere = public.held_window(site=bookable, requirements=need, start=at(12, day=1))
    assert elsewhere is not None
    other = public.HeldTime(elsewhere, handed.intervals)
    assert ranked(other) == (["Bay B", "Bay A"], 2)  # the port's answer: A has 2 h
    assert ranked(None) == (["Bay B", "Bay A"], 2)


def test_assignment_ties_are_broken_by_name_and_busy_minutes_count(
    busy: Callable[[list[BusyInterval]], None],
) -> None:
    site = SiteFactory.create(hours=[(time(8), time(18))])
    ResourceFactory.create(site=site, name="Bay B")
    bay_a = ResourceFactory.create(site=site, name="Bay A")
    busy([])
    assert [r.name for r in _ranked(site, WASH, at(9))] == ["Bay A", "Bay B"]
    busy([BusyInterval(bay_a.pk, at(14), at(15))])
    assert [r.name for r in _ranked(site, WASH, at(9))] == ["Bay B", "Bay A"]


def test_no_free_resource_leaves_nothing_to_assign(
    busy: Callable[[list[BusyInterval]], None],
) -> None:
    site = SiteFactory.create(hours=[(time(8), time(12))])
    bay = ResourceFactory.create(site=site)
    busy([BusyInterval(bay.pk, at(8), at(12))])
    assert _ranked(site, WASH, at(9)) == []
    # Off the grid, or outside the hours, is unavailable too.
    busy([])
    assert _ranked(site, WASH, at(9, 7)) == []
    assert _ranked(site, WASH, at(11, 30)) == []
    assert [r.pk for r in _ranked(site, WASH, at(9))] == [bay.pk]


def test_a_booking_being_moved_does_not_block_itself(
    busy: Callable[[list[BusyInterval]], None],
) -> None:
    site = SiteFactory.create(hours=[(time(8), time(12))])
    bay = ResourceFactory.create(site=site)
    own = BusyInterval(bay.pk, at(9), at(10, 15))
    busy([own])
    assert _ranked(site, WASH, at(9, 30)) == []
    moved = _ranked(site, WASH, at(9, 30), ignore_busy=[own])
    assert [r.pk for r in moved] == [bay.pk]


def test_site_policy_values_and_timezone_port() -> None:
    from pricing.public import site_timezone

    site = SiteFactory.create(timezone="America/New_York", auto_confirm=True)
    policy = public.site_policy_by_pk(site.pk)
    assert public.site_by_reference(str(site.public_id)) == policy
    assert (policy.timezone, policy.auto_confirm, policy.slot_step_minutes) == (
        "America/New_York",
        True,
        15,
    )
    assert site_timezone(site.public_id) == "America/New_York"


def _count(site_pk: int, days: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        public.available_starts(
            site_pk=site_pk, requirements=WASH, start=at(0), end=at(0, day=days), now=NOW
        )
    return len(queries)


def test_query_count_does_not_depend_on_days_resources_or_bookings(
    busy: Callable[[list[BusyInterval]], None],
) -> None:
    small = SiteFactory.create()
    ResourceFactory.create(site=small, hours={1: [(time(9), time(11))]})
    large = SiteFactory.create()
    skill = SkillFactory.create()
    for i in range(12):
        resource = ResourceFactory.create(
            site=large, skills=[skill], hours={d: [(time(8), time(17))] for d in (1, 2, 3)}
        )
        ClosureFactory.create(site=None, resource=resource, start=at(8, day=i), end=at(9, day=i))
        ClosureFactory.create(site=large, start=at(12, day=i), end=at(13, day=i))
    resources = list(large.resources.values_list("pk", flat=True))
    busy([BusyInterval(pk, at(10, day=d), at(11, day=d)) for pk in resources for d in range(20)])
    counts = {_count(small.pk, 1), _count(small.pk, 28), _count(large.pk, 1), _count(large.pk, 28)}
    # Sites and resources with their hours (one UNION ALL), closures and date exceptions (issue
    # 17; one UNION ALL since issue 16), busy time (one port call).
    assert counts == {3}
