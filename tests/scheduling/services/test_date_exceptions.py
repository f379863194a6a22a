"""Date exceptions and public holidays, written by the use cases and honoured by availability,
the booking service, the planning board and the utilisation, on the days the clocks change
(Europe/Paris, 2027: March 28 02:00 -> 03:00, October 31 03:00 -> 02:00)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from bookings import services as booking_services
from core.errors import Conflict, PermissionDenied, ValidationFailed
from pricing import public as pricing
from scheduling import public, services
from scheduling.models import DateException, Site
from tests.accounts.factories import OperatorFactory, UserFactory
from tests.bookings.factories import PARIS
from tests.pricing.factories import ServiceFactory
from tests.scheduling.factories import ResourceFactory, SiteFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

SPRING = date(2027, 3, 28)  # a Sunday; Easter Monday (a French public holiday) follows
AUTUMN = date(2027, 10, 31)  # a Sunday; All Saints' Day (Monday November 1) follows
WEEKDAYS = {d: [(time(8), time(12))] for d in (1, 2, 3, 4, 5)}


def _requirements() -> pricing.ServiceRequirements:
    ServiceFactory.create(code="quick-wash", base_duration_minutes=15, base_price=Decimal("15.00"))
    return pricing.service_requirements(service_code="quick-wash", category="small")


def _starts(site_pk: int, day: date) -> list[str]:
    midnight = datetime.combine(day, time(0), tzinfo=PARIS)
    found = public.available_starts(
        site_pk=site_pk,
        requirements=_requirements(),
        start=midnight,
        end=midnight + timedelta(days=1),
        now=midnight - timedelta(days=3),
    )
    return [free.start.isoformat() for free in found]


def _site(**fields: str) -> Site:
    site = SiteFactory.create(hours=WEEKDAYS, slot_step_minutes=15, **fields)
    ResourceFactory.create(site=site, name="Bay 1")
    return site


def test_an_opening_on_a_closed_sunday_across_the_spring_change_has_its_true_length() -> None:
    site = _site()
    assert _starts(site.pk, SPRING) == []  # Sundays are closed
    services.date_exception_create(
        site=site,
        day=SPRING,
        kind=DateException.Kind.HOURS,
        intervals=[(time(1), time(4))],
        reason="Night shift",
        actor=OperatorFactory.create(),
    )
    # 01:00-04:00 on the wall clock is two real hours: the skipped hour is never offered.
    assert _starts(site.pk, SPRING) == [
        "2027-03-28T01:00:00+01:00",
        "2027-03-28T01:15:00+01:00",
        "2027-03-28T01:30:00+01:00",
        "2027-03-28T01:45:00+01:00",
        "2027-03-28T03:00:00+02:00",
        "2027-03-28T03:15:00+02:00",
        "2027-03-28T03:30:00+02:00",
        "2027-03-28T03:45:00+02:00",
    ]


def test_an_opening_across_the_autumn_change_offers_the_repeated_hour_twice() -> None:
    site = _site()
    services.date_exception_create(
        site=site,
        day=AUTUMN,
        kind=DateException.Kind.HOURS,
        intervals=[(time(2), time(3))],
        actor=OperatorFactory.create(),
    )
    starts = _starts(site.pk, AUTUMN)
    assert len(starts) == 8  # 02:00-03:00 on the wall clock lasts two real hours that night
    assert starts[0] == "2027-10-31T02:00:00+02:00"
    assert "2027-10-31T02:45:00+02:00" in starts
    assert "2027-10-31T02:00:00+01:00" in starts
    assert starts[-1] == "2027-10-31T02:45:00+01:00"


def test_different_hours_replace_the_weekday_and_closed_closes_it() -> None:
    site = _site()
    monday = date(2027, 3, 22)
    operator = OperatorFactory.create()
    assert len(_starts(site.pk, monday)) == 16  # 08:00-12:00
    exception = services.date_exception_create(
        site=site,
        day=monday,
        kind=DateException.Kind.HOURS,
        intervals=[(time(10), time(11))],
        actor=operator,
    )
    assert _starts(site.pk, monday)[0] == "2027-03-22T10:00:00+01:00"
    assert len(_starts(site.pk, monday)) == 4
    services.date_exception_update(
        exception=exception, kind=DateException.Kind.CLOSED, intervals=[], actor=operator
    )
    assert _starts(site.pk, monday) == []
    services.date_exception_delete(exception=exception, actor=operator)
    assert len(_starts(site.pk, monday)) == 16


def test_public_holidays_close_the_site_after_each_change_unless_overridden() -> None:
    site = _site(country="FR")
    easter_monday, all_saints = SPRING + timedelta(days=1), AUTUMN + timedelta(days=1)
    assert _starts(site.pk, easter_monday) == []
    assert _starts(site.pk, all_saints) == []
    assert len(_starts(site.pk, easter_monday + timedelta(days=1))) == 16  # an ordinary Tuesday
    services.date_exception_create(
        site=site,
        day=easter_monday,
        kind=DateException.Kind.REGULAR,
        reason="Open on Easter Monday",
        actor=OperatorFactory.create(),
    )
    assert _starts(site.pk, easter_monday)[0] == "2027-03-29T08:00:00+02:00"  # summer time now
    assert len(_starts(site.pk, easter_monday)) == 16
    assert _starts(site.pk, all_saints) == []  # still a holiday


def test_a_subdivision_adds_its_own_holidays() -> None:
    moselle, paris = _site(country="FR", subdivision="57"), _site(country="FR")
    good_friday = date(2027, 3, 26)  # a public holiday in Alsace-Moselle only
    assert _starts(moselle.pk, good_friday) == []
    assert len(_starts(paris.pk, good_friday)) == 16


def test_a_resource_exception_narrows_that_resource_only() -> None:
    site = SiteFactory.create(hours=WEEKDAYS, slot_step_minutes=15)
    bay_1 = ResourceFactory.create(site=site, name="Bay 1")
    bay_2 = ResourceFactory.create(site=site, name="Bay 2")
    monday = date(2027, 3, 22)
    operator = OperatorFactory.create()
    services.date_exception_create(resource=bay_1, day=monday, actor=operator)
    services.date_exception_create(
        resource=bay_2,
        day=monday,
        kind=DateException.Kind.HOURS,
        intervals=[(time(7), time(9))],  # still inside the site's hours: 08:00-09:00
        actor=operator,
    )
    midnight = datetime.combine(monday, time(0), tzinfo=PARIS)
    found = public.available_starts(
        site_pk=site.pk,
        requirements=_requirements(),
        start=midnight,
        end=midnight + timedelta(days=1),
        now=midnight - timedelta(days=3),
    )
    assert [f"{f.start:%H:%M}" for f in found] == ["08:00", "08:15", "08:30", "08:45"]
    assert {f.resources for f in found} == {(bay_2.pk,)}


def test_the_booking_service_honours_holidays_and_extra_openings() -> None:
    site = _site(country="FR")
    requirements_service = _requirements()
    customer = UserFactory.create()
    vehicle = VehicleFactory.create(owner=customer)
    now = datetime.combine(SPRING - timedelta(days=3), time(12), tzinfo=PARIS)

    def book(start: str):  # type: ignore[no-untyped-def]
        return booking_services.booking_create(
            actor=customer,
            request=booking_services.BookingRequest(
                vehicle_id=vehicle.public_id,
                service_code=requirements_service.code,
                site_id=site.public_id,
                start=datetime.fromisoformat(start),
            ),
            now=now,
        )

    with pytest.raises(Conflict):
        book("2027-03-29T08:00:00+02:00")  # Easter Monday
    services.date_exception_create(
        site=site,
        day=SPRING,
        kind=DateException.Kind.HOURS,
        intervals=[(time(1), time(4))],
        actor=OperatorFactory.create(),
    )
    booking = book("2027-03-28T03:00:00+02:00")  # the first start after the jump
    assert booking.start.astimezone(PARIS).isoformat() == "2027-03-28T03:00:00+02:00"


def test_the_board_shows_the_holiday_and_the_exception_hours() -> None:
    site = _site(country="FR")
    day = public.site_day(site_pk=site.pk, day=SPRING + timedelta(days=1))
    assert day.holiday == "Easter Monday" or day.holiday == "Lundi de Pâques"
    assert day.open_spans == ()
    assert all(resource.open_spans == () for resource in day.resources)
    services.date_exception_create(
        site=site,
        day=SPRING,
        kind=DateException.Kind.HOURS,
        intervals=[(time(1), time(4))],
        reason="Night shift",
        actor=OperatorFactory.create(),
    )
    sunday = public.site_day(site_pk=site.pk, day=SPRING)
    assert sunday.holiday == ""
    assert sunday.exception == "hours"
    assert sunday.exception_reason == "Night shift"
    (span,) = sunday.open_spans
    assert span.end.timestamp() - span.start.timestamp() == 2 * 3600  # real time, not wall


def test_the_week_utilisation_counts_exceptions_and_holidays() -> None:
    site = _site(country="FR")
    openings = public.week_openings(now=datetime(2027, 3, 30, 12, tzinfo=PARIS))
    (opening,) = [o for o in openings if o.site_pk == site.pk]
    assert opening.open_minutes == 4 * 4 * 60  # Easter Monday closed: four days of four hours


def test_exception_rules() -> None:
    site = _site()
    operator = OperatorFactory.create()
    with pytest.raises(ValidationFailed) as missing:
        services.date_exception_create(
            site=site, day=SPRING, kind=DateException.Kind.HOURS, actor=operator
        )
    assert "intervals" in missing.value.details
    with pytest.raises(ValidationFailed):
        services.date_exception_create(
            site=site,
            day=SPRING,
            kind=DateException.Kind.HOURS,
            intervals=[(time(9), time(12)), (time(11), time(13))],
            actor=operator,
        )
    with pytest.raises(ValidationFailed):
        services.date_exception_create(
            site=site, day=SPRING, intervals=[(time(9), time(12))], actor=operator
        )  # closed takes no intervals
    with pytest.raises(ValidationFailed):
        services.date_exception_create(day=SPRING, actor=operator)  # no owner
    services.date_exception_create(site=site, day=SPRING, actor=operator)
    with pytest.raises((Conflict, ValidationFailed)):
        services.date_exception_create(site=site, day=SPRING, actor=operator)
    with pytest.raises(PermissionDenied):
        services.date_exception_create(site=site, day=AUTUMN, actor=UserFactory.create())


def test_site_country_and_subdivision_are_checked() -> None:
    operator = OperatorFactory.create()
    with pytest.raises(ValidationFailed) as unknown:
        services.site_create(name="X", country="XX", actor=operator)
    assert "country" in unknown.value.details
    with pytest.raises(ValidationFailed) as subdivision:
        services.site_create(name="Y", country="FR", subdivision="ZZ", actor=operator)
    assert "subdivision" in subdivision.value.details
    site = services.site_create(name="Z", country="fr", subdivision="57", actor=operator)
    assert site.country == "FR"
