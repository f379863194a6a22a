"""A site's day for the planning board, in four queries whatever the number of resources or
closures: the site with its hours, its resources (inactive ones too: they may still hold
bookings) with their own hours, the closures overlapping the day, and the day's date exceptions
(public holidays need no query). Three when the site was read with the board's choice of sites
(`board_sites`): the board reads the sites once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import get_language

from core.errors import NotFound
from pricing.public import PricingErrorCode
from scheduling.domain.exceptions import resource_overrides, site_overrides, with_dates
from scheduling.domain.holidays import public_holidays
from scheduling.domain.hours import DatedHours, WallInterval, WeeklyHours
from scheduling.domain.siteday import ClosedSpan, ResourceDay, SiteDay, open_spans
from scheduling.domain.values import ResourceInfo, SitePolicy
from scheduling.domain.window import local_midnight
from scheduling.models import Closure, Resource
from scheduling.selectors.calendars import exception_rows, load_sites


@dataclass(frozen=True)
class BoardSite:
    """A site as the planning board chooses it: its policy and its weekly hours, read together,
    so that the chosen site's day does not read the site again."""

    policy: SitePolicy
    hours: WeeklyHours


def board_sites() -> list[BoardSite]:
    """Every site with its weekly hours, by name (one query): the board's choice of site."""
    return [BoardSite(calendar.policy, calendar.hours) for calendar in load_sites(Q())]


def site_policies() -> list[SitePolicy]:
    """Every site, by name (one query): the back-office's choice of site."""
    return [site.policy for site in board_sites()]


def site_day(*, site_pk: int, day: date, site: BoardSite | None = None) -> SiteDay:
    """The site's local `day` (midnight to midnight on its clock) for the planning board: its
    opening spans, each resource's (own hours narrowing the site's; inactive resources too) and
    the closures overlapping the day, all as aware datetimes on the site's clock, so that a
    daylight-saving day is right. `site`: the site already read (`board_sites`), not read
    again. NotFound (site_not_found)."""
    if site is None or site.policy.pk != site_pk:
        sites = load_sites(Q(pk=site_pk))
        if not sites:
            raise NotFound(code=PricingErrorCode.SITE_NOT_FOUND)
        site = BoardSite(sites[0].policy, sites[0].hours)
    tz = ZoneInfo(site.policy.timezone)
    start, end = local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)

    rows = (
        Resource.objects.filter(site_id=site_pk)
        .values(
            "pk",
            "public_id",
            "name",
            "kind",
            "technician_id",
            "active",
            "own_hours__weekday",
            "own_hours__opens",
            "own_hours__closes",
        )
        .order_by("name", "pk")
    )
    infos: dict[int, tuple[ResourceInfo, bool]] = {}
    own_hours: dict[int, dict[int, list[WallInterval]]] = {}
    for row in rows:
        if row["pk"] not in infos:
            info = ResourceInfo(
                pk=row["pk"],
                id=row["public_id"],
                name=row["name"],
                kind=row["kind"],
                site_pk=site_pk,
                technician_user_id=row["technician_id"],
            )
            infos[row["pk"]] = (info, row["active"])
        if row["own_hours__weekday"] is not None:
            own_hours.setdefault(row["pk"], {}).setdefault(row["own_hours__weekday"], []).append(
                WallInterval(row["own_hours__opens"], row["own_hours__closes"])
            )

    site_closures: list[ClosedSpan] = []
    resource_closures: dict[int, list[ClosedSpan]] = {}
    closures = (
        Closure.objects.filter(
            Q(site_id=site_pk) | Q(resource__site_id=site_pk), start__lt=end, end__gt=start
        )
        .values_list("resource_id", "start", "end", "reason")
        .order_by("start", "pk")
    )
    for resource_pk, closure_start, closure_end, reason in closures:
        span = ClosedSpan(closure_start.astimezone(tz), closure_end.astimezone(tz), reason)
        if resource_pk is None:
            site_closures.append(span)
        else:
            resource_closures.setdefault(resource_pk, []).append(span)

    by_site, by_resource = exception_rows([site_pk], list(infos), day, day)
    holidays = public_holidays(
        site.policy.country, site.policy.subdivision, day, day, get_language() or ""
    )
    site_exceptions = by_site.get(site_pk, [])
    site_hours = with_dates(site.hours, site_overrides(site_exceptions, holidays))
    resource_hours: dict[int, WeeklyHours | None] = {}
    for pk in infos:
        own = resource_overrides(by_resource.get(pk, ()))
        weekly = own_hours.get(pk)
        resource_hours[pk] = (
            weekly if not own else DatedHours(site_hours if weekly is None else weekly, own)
        )

    return SiteDay(
        policy=site.policy,
        day=day,
        start=start,
        end=end,
        holiday=holidays.get(day, ""),
        exception=site_exceptions[0].kind if site_exceptions else "",
        exception_reason=site_exceptions[0].reason if site_exceptions else "",
        open_spans=open_spans(day, site_hours, None, tz),
        closures=tuple(site_closures),
        resources=tuple(
            ResourceDay(
                info=info,
                active=active,
                open_spans=open_spans(day, site_hours, resource_hours[pk], tz),
                closures=tuple(resource_closures.get(pk, ())),
            )
            for pk, (info, active) in infos.items()
        ),
    )
