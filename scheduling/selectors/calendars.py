"""Everything the engine needs for some sites, in a fixed number of queries whatever the number of
sites, resources, days or bookings:
  1. sites with their opening hours (one LEFT JOIN),
  2. their compatible active resources with their own hours (one LEFT JOIN),
  3. the closures of those sites and resources overlapping the window and their date exceptions
     over the window's local dates, in one UNION ALL (public holidays come from the `holidays`
     package: no query),
  4. the busy intervals of those resources (one call of the busy-time port).
Rows are read with values(): no model instances, so the cost is the rows, not the ORM."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    IntegerField,
    Q,
    QuerySet,
    TimeField,
    UUIDField,
    Value,
)
from django.utils.translation import get_language

from scheduling.domain.engine import ResourceSchedule, SiteSchedule, Span
from scheduling.domain.exceptions import (
    DateException,
    resource_overrides,
    site_overrides,
    with_dates,
)
from scheduling.domain.holidays import public_holidays
from scheduling.domain.hours import DatedHours, WallInterval, WeeklyHours
from scheduling.domain.ports import busy_intervals, busy_seconds, held_intervals
from scheduling.domain.values import BusyInterval, HeldInterval, ResourceInfo, SitePolicy
from scheduling.models import Closure, Resource, Site
from scheduling.models import DateException as DateExceptionRow

POLICY_FIELDS = (
    "pk",
    "public_id",
    "name",
    "timezone",
    "slot_step_minutes",
    "min_notice_minutes",
    "horizon_days",
    "auto_confirm",
    "confirmation_window_minutes",
    "country",
    "subdivision",
)


def policy_from_row(row: dict[str, Any]) -> SitePolicy:
    return SitePolicy(
        pk=row["pk"],
        id=row["public_id"],
        name=row["name"],
        timezone=row["timezone"],
        slot_step_minutes=row["slot_step_minutes"],
        min_notice_minutes=row["min_notice_minutes"],
        horizon_days=row["horizon_days"],
        auto_confirm=row["auto_confirm"],
        confirmation_window_minutes=row["confirmation_window_minutes"],
        country=row["country"],
        subdivision=row["subdivision"],
    )


@dataclass
class SiteCalendar:
    policy: SitePolicy
    latitude: float | None
    longitude: float | None
    hours: dict[int, list[WallInterval]] = field(default_factory=dict)
    closures: list[Span] = field(default_factory=list)
    resources: list[ResourceCalendar] = field(default_factory=list)
    # Set by load_closures for its window: the dates that do not follow the week (exceptions,
    # public holidays) and the holidays by name (those opened by an exception included).
    dates: dict[date, tuple[WallInterval, ...]] = field(default_factory=dict)
    holidays: dict[date, str] = field(default_factory=dict)
    exceptions: list[DateException] = field(default_factory=list)

    def effective_hours(self) -> WeeklyHours:
        return with_dates(self.hours, self.dates)

    def schedule(self) -> SiteSchedule:
        return SiteSchedule(
            timezone=self.policy.timezone,
            hours=self.effective_hours(),
            step_minutes=self.policy.slot_step_minutes,
            min_notice_minutes=self.policy.min_notice_minutes,
            horizon_days=self.policy.horizon_days,
            closures=self.closures,
        )


@dataclass
class ResourceCalendar:
    info: ResourceInfo
    skills: frozenset[str]
    hours: dict[int, list[WallInterval]] | None = None
    closures: list[Span] = field(default_factory=list)
    # Set by load_closures: this resource's date exceptions, over its own hours or, without any,
    # over its site's (dates included).
    dated: WeeklyHours | None = None

    def effective_hours(self) -> WeeklyHours | None:
        return self.hours if self.dated is None else self.dated

    def schedule(self) -> ResourceSchedule:
        return ResourceSchedule(
            key=self.info.pk,
            active=True,
            skills=self.skills,
            hours=self.effective_hours(),
            closures=self.closures,
        )


def load_sites(condition: Q) -> list[SiteCalendar]:
    """Query 1: the sites matching `condition`, by name, with their weekly hours."""
    rows = (
        Site.objects.filter(condition)
        .values(
            *POLICY_FIELDS,
            "latitude",
            "longitude",
            "opening_hours__weekday",
            "opening_hours__opens",
            "opening_hours__closes",
        )
        .order_by("name", "pk")
    )
    sites: dict[int, SiteCalendar] = {}
    for row in rows:
        calendar = sites.get(row["pk"])
        if calendar is None:
            latitude, longitude = row["latitude"], row["longitude"]
            calendar = sites[row["pk"]] = SiteCalendar(
                policy=policy_from_row(row),
                latitude=None if latitude is None else float(latitude),
                longitude=None if longitude is None else float(longitude),
            )
        if row["opening_hours__weekday"] is not None:
            calendar.hours.setdefault(row["opening_hours__weekday"], []).append(
                WallInterval(row["opening_hours__opens"], row["opening_hours__closes"])
            )
    return list(sites.values())


# The one-query read of sites and resources: a UNION ALL of the sites (each LEFT JOIN its weekly
# hours), their active resources (each LEFT JOIN its own hours) and, optionally, one row per
# resource and skill. The same 18 columns in the same order on every side, a tag telling them
# apart: tag, pk, public id, name, site pk, text (timezone, kind, skill code), four numbers, a
# flag, latitude, longitude, weekday, opens, closes, country, subdivision. Written as positional
# values_list() columns, not annotations: the read is built on every booking, and annotating
# 18 aliases per branch cost more to build than the query costs to run.
_SITE_ROW = 0
_RESOURCE_ROW = 1
_SKILL_ROW = 2


def _tag(tag: int) -> Value:
    return Value(tag, output_field=IntegerField())


def _null(field: Field[Any, Any]) -> Value:
    return Value(None, output_field=field)


# Built once (an expression is copied when a query resolves it): a field per use cost more than
# the rest of the branch's column.
_NO_NUMBER = _null(IntegerField())
_NO_TEXT = _null(CharField())
_NO_FLAG = _null(BooleanField())
_NO_DECIMAL = _null(DecimalField())
_NO_UUID = _null(UUIDField())
_NO_TIME = _null(TimeField())
_NO_DAY = _null(DateField())
_NO_MOMENT = _null(DateTimeField())
_TAGS = {tag: _tag(tag) for tag in range(3)}


def _of_site(condition: Q) -> Q:
    """`condition` on the sites, as a condition on a resource's site (`public_id=...` becomes
    `site__public_id=...`): a join, cheaper to build than a subquery."""
    moved = Q(_connector=condition.connector, _negated=condition.negated)
    for child in condition.children:
        if isinstance(child, Q):
            moved.children.append(_of_site(child))
        else:
            lookup, value = cast(tuple[str, Any], child)
            moved.children.append((f"site__{lookup}", value))
    return moved


def _site_rows(condition: Q) -> QuerySet[Any]:
    return (
        Site.objects.filter(condition)
        .values_list(
            _TAGS[_SITE_ROW],
            "pk",
            "public_id",
            "name",
            "pk",
            "timezone",
            "slot_step_minutes",
            "min_notice_minutes",
            "horizon_days",
            "confirmation_window_minutes",
            "auto_confirm",
            "latitude",
            "longitude",
            "opening_hours__weekday",
            "opening_hours__opens",
            "opening_hours__closes",
            "country",
            "subdivision",
        )
        .order_by()
    )


def _resource_rows(condition: Q, required_skill: str | None) -> QuerySet[Any]:
    queryset = Resource.objects.filter(_of_site(condition), active=True)
    if required_skill is not None:
        queryset = queryset.filter(skills__code=required_skill)
    number = _NO_NUMBER
    return queryset.values_list(
        _TAGS[_RESOURCE_ROW],
        "pk",
        "public_id",
        "name",
        "site_id",
        "kind",
        "technician_id",
        number,
        number,
        number,
        _NO_FLAG,
        _NO_DECIMAL,
        _NO_DECIMAL,
        "own_hours__weekday",
        "own_hours__opens",
        "own_hours__closes",
        _NO_TEXT,
        _NO_TEXT,
    ).order_by()


def _skill_rows(condition: Q) -> QuerySet[Any]:
    """One row per active resource and skill (its pk, its site, the skill's code)."""
    number, text = _NO_NUMBER, _NO_TEXT
    return (
        Resource.objects.filter(_of_site(condition), active=True, skills__isnull=False)
        .values_list(
            _TAGS[_SKILL_ROW],
            "pk",
            _NO_UUID,
            text,
            "site_id",
            "skills__code",
            number,
            number,
            number,
            number,
            _NO_FLAG,
            _NO_DECIMAL,
            _NO_DECIMAL,
            number,
            _NO_TIME,
            _NO_TIME,
            text,
            text,
        )
        .order_by()
    )


def load_sites_with_resources(
    condition: Q, required_skill: str | None, *, every_skill: bool = False
) -> list[SiteCalendar]:
    """Queries 1 and 2 in one: the sites matching `condition` (by name) with their weekly hours,
    and their active resources that have `required_skill` with their own hours (by name), as
    `load_sites` then `load_resources` give them. One UNION ALL of both reads. `every_skill`:
    every active resource instead (`required_skill` is then not asked), each with all its skill
    codes, read by a third branch of the same statement (one row per resource and skill): for a
    caller that learns the skill later (a booking reads its site before its service)."""
    skill_filter = None if every_skill else required_skill
    branches = [_resource_rows(condition, skill_filter)]
    if every_skill:
        branches.append(_skill_rows(condition))
    rows = list(_site_rows(condition).union(*branches, all=True))
    sites: dict[int, SiteCalendar] = {}
    resources: dict[int, ResourceCalendar] = {}
    resource_rows = []
    skill_codes: dict[int, set[str]] = {}
    for row in rows:
        tag, pk, public_id, name, site_pk, text, n1, n2, n3, n4, flag, lat, lon = row[:13]
        weekday, opens, closes, country, subdivision = row[13:]
        if tag == _SKILL_ROW:
            skill_codes.setdefault(pk, set()).add(text)
            continue
        if tag != _SITE_ROW:
            resource_rows.append(row)
            continue
        calendar = sites.get(pk)
        if calendar is None:
            calendar = sites[pk] = SiteCalendar(
                policy=SitePolicy(
                    pk=pk,
                    id=public_id,
                    name=name,
                    timezone=text,
                    slot_step_minutes=n1,
                    min_notice_minutes=n2,
                    horizon_days=n3,
                    auto_confirm=bool(flag),
                    confirmation_window_minutes=n4,
                    country=country,
                    subdivision=subdivision,
                ),
                latitude=None if lat is None else float(lat),
                longitude=None if lon is None else float(lon),
            )
        if weekday is not None:
            calendar.hours.setdefault(weekday, []).append(WallInterval(opens, closes))
    skills = frozenset() if skill_filter is None else frozenset({skill_filter})
    resource_rows.sort(key=lambda row: (row[4], row[3], row[1]))  # site, name, pk
    for (
        _tag,
        pk,
        public_id,
        name,
        site_pk,
        kind,
        technician,
        *_unused,
        weekday,
        opens,
        closes,
        _country,
        _subdivision,
    ) in resource_rows:
        resource = resources.get(pk)
        if resource is None:
            info = ResourceInfo(
                pk=pk,
                id=public_id,
                name=name,
                kind=kind,
                site_pk=site_pk,
                technician_user_id=technician,
            )
            own = frozenset(skill_codes.get(pk, ())) if every_skill else skills
            resource = resources[pk] = ResourceCalendar(info=info, skills=own)
            sites[site_pk].resources.append(resource)
        if weekday is not None:
            if resource.hours is None:
                resource.hours = {}
            resource.hours.setdefault(weekday, []).append(WallInterval(opens, closes))
    return sorted(sites.values(), key=lambda site: (site.policy.name, site.policy.pk))


def load_resources(sites: Sequence[SiteCalendar], required_skill: str | None) -> None:
    """Query 2: the active resources of `sites` that have `required_skill`, with their own hours,
    attached to their site in name order. The skill is filtered in SQL, so each resource's skill
    set holds just that skill: enough for the engine, which checks it again."""
    by_pk = {site.policy.pk: site for site in sites}
    if not by_pk:
        return
    queryset = Resource.objects.filter(site_id__in=by_pk, active=True)
    if required_skill is not None:
        queryset = queryset.filter(skills__code=required_skill)
    rows = queryset.values(
        "pk",
        "public_id",
        "name",
        "kind",
        "site_id",
        "technician_id",
        "own_hours__weekday",
        "own_hours__opens",
        "own_hours__closes",
    ).order_by("site_id", "name", "pk")
    skills = frozenset() if required_skill is None else frozenset({required_skill})
    resources: dict[int, ResourceCalendar] = {}
    for row in rows:
        calendar = resources.get(row["pk"])
        if calendar is None:
            info = ResourceInfo(
                pk=row["pk"],
                id=row["public_id"],
                name=row["name"],
                kind=row["kind"],
                site_pk=row["site_id"],
                technician_user_id=row["technician_id"],
            )
            calendar = resources[row["pk"]] = ResourceCalendar(info=info, skills=skills)
            by_pk[row["site_id"]].resources.append(calendar)
        if row["own_hours__weekday"] is not None:
            if calendar.hours is None:
                calendar.hours = {}
            calendar.hours.setdefault(row["own_hours__weekday"], []).append(
                WallInterval(row["own_hours__opens"], row["own_hours__closes"])
            )


# The columns of the one-query read of closures and date exceptions (a UNION ALL): a tag, the
# row's pk, its owner (site or resource), a closure's start and end, an exception's date and kind,
# the reason, an exception interval's opens and closes (an exception LEFT JOIN its intervals).
_CLOSURE_ROW = 0
_EXCEPTION_ROW = 1


def load_closures(sites: Sequence[SiteCalendar], start: datetime, end: datetime) -> None:
    """Query 3: the closures of the sites and of their resources overlapping [start, end), and
    the date exceptions of the local dates it touches (a day of margin each side: a job may run
    up to closing), in one UNION ALL; then the public holidays of those dates (no query)."""
    site_by_pk = {site.policy.pk: site for site in sites}
    resource_by_pk = {r.info.pk: r for site in sites for r in site.resources}
    if not site_by_pk:
        return
    first, last = local_dates(start, end, (site.policy.timezone for site in sites))
    first, last = first - timedelta(days=1), last + timedelta(days=1)
    owners = Q(site_id__in=site_by_pk) | Q(resource_id__in=resource_by_pk)
    closures = (
        Closure.objects.filter(owners, start__lt=end, end__gt=start)
        .values_list(
            _TAGS[_CLOSURE_ROW],
            "pk",
            "site_id",
            "resource_id",
            "start",
            "end",
            _NO_DAY,
            _NO_TEXT,
            "reason",
            _NO_TIME,
            _NO_TIME,
        )
        .order_by()
    )
    exceptions = (
        DateExceptionRow.objects.filter(owners, day__gte=first, day__lte=last)
        .values_list(
            _TAGS[_EXCEPTION_ROW],
            "pk",
            "site_id",
            "resource_id",
            _NO_MOMENT,
            _NO_MOMENT,
            "day",
            "kind",
            "reason",
            "intervals__opens",
            "intervals__closes",
        )
        .order_by()
    )
    closure_rows: list[tuple[Any, ...]] = []
    dated: list[tuple[Any, ...]] = []
    for row in closures.union(exceptions, all=True):
        (closure_rows if row[0] == _CLOSURE_ROW else dated).append(row)
    closure_rows.sort(key=lambda row: row[4])  # by start, as the closures' own order
    for _tag, _pk, site_pk, resource_pk, closure_start, closure_end, *rest in closure_rows:
        span = Span(closure_start, closure_end, rest[2])
        if site_pk is not None:
            site_by_pk[site_pk].closures.append(span)
        elif resource_pk in resource_by_pk:
            resource_by_pk[resource_pk].closures.append(span)
    # By date, pk, then the interval's opening (an exception without intervals has one row).
    dated.sort(key=lambda row: (row[6], row[1], row[9] or time.min))
    by_site, by_resource = _exceptions_by_owner(row[1:4] + row[6:] for row in dated)
    _apply_date_exceptions(sites, by_site, by_resource, first, last)


def exception_rows(
    site_pks: Collection[int], resource_pks: Collection[int], first: date, last: date
) -> tuple[dict[int, list[DateException]], dict[int, list[DateException]]]:
    """One query: the date exceptions from `first` to `last` of the sites and of the resources,
    with their intervals, by site pk and by resource pk."""
    if not site_pks and not resource_pks:
        return {}, {}
    rows = (
        DateExceptionRow.objects.filter(
            Q(site_id__in=site_pks) | Q(resource_id__in=resource_pks),
            day__gte=first,
            day__lte=last,
        )
        .values_list(
            "pk",
            "site_id",
            "resource_id",
            "day",
            "kind",
            "reason",
            "intervals__opens",
            "intervals__closes",
        )
        .order_by("day", "pk", "intervals__opens")
    )
    return _exceptions_by_owner(rows)


def _exceptions_by_owner(
    rows: Iterable[tuple[Any, ...]],
) -> tuple[dict[int, list[DateException]], dict[int, list[DateException]]]:
    """Date exception rows (pk, site pk, resource pk, day, kind, reason, opens, closes), an
    exception LEFT JOIN its intervals, by date then pk, as exceptions by site and by resource."""
    by_site: dict[int, list[DateException]] = {}
    by_resource: dict[int, list[DateException]] = {}
    found: dict[int, tuple[int | None, int | None, date, str, str, list[WallInterval]]] = {}
    for pk, site_pk, resource_pk, day, kind, reason, opens, closes in rows:
        entry = found.setdefault(pk, (site_pk, resource_pk, day, kind, reason, []))
        if opens is not None:
            entry[5].append(WallInterval(opens, closes))
    for owner_site, owner_resource, day, kind, reason, intervals in found.values():
        exception = DateException(day=day, kind=kind, intervals=tuple(intervals), reason=reason)
        if owner_site is not None:
            by_site.setdefault(owner_site, []).append(exception)
        elif owner_resource is not None:
            by_resource.setdefault(owner_resource, []).append(exception)
    return by_site, by_resource


def local_dates(start: datetime, end: datetime, timezones: Iterable[str]) -> tuple[date, date]:
    """The first and last local dates that [start, end) touches on any of the clocks."""
    zones = [ZoneInfo(name) for name in set(timezones)] or [ZoneInfo("UTC")]
    return (
        min(start.astimezone(tz).date() for tz in zones),
        max(end.astimezone(tz).date() for tz in zones),
    )


def load_date_exceptions(sites: Sequence[SiteCalendar], start: datetime, end: datetime) -> None:
    """Query 3b, alone (load_closures reads it with the closures): each site's and resource's
    dates that do not follow the week over the local dates [start, end) touches (a day of margin
    each side: a job may run up to closing)."""
    if not sites:
        return
    first, last = local_dates(start, end, (site.policy.timezone for site in sites))
    first, last = first - timedelta(days=1), last + timedelta(days=1)
    resource_pks = [r.info.pk for site in sites for r in site.resources]
    by_site, by_resource = exception_rows(
        [site.policy.pk for site in sites], resource_pks, first, last
    )
    _apply_date_exceptions(sites, by_site, by_resource, first, last)


def _apply_date_exceptions(
    sites: Sequence[SiteCalendar],
    by_site: dict[int, list[DateException]],
    by_resource: dict[int, list[DateException]],
    first: date,
    last: date,
) -> None:
    language = get_language() or ""
    for site in sites:
        site.holidays = public_holidays(
            site.policy.country, site.policy.subdivision, first, last, language
        )
        site.exceptions = by_site.get(site.policy.pk, [])
        site.dates = site_overrides(site.exceptions, site.holidays)
        site_hours = site.effective_hours()
        for resource in site.resources:
            own = resource_overrides(by_resource.get(resource.info.pk, ()))
            resource.dated = (
                None
                if not own
                else DatedHours(site_hours if resource.hours is None else resource.hours, own)
            )


def load_held(sites: Sequence[SiteCalendar], start: datetime, end: datetime) -> list[HeldInterval]:
    """Query 4, for an assignment (in place of load_busy): the time booked on the resources of
    `sites` overlapping [start, end), done with or not."""
    resource_pks = [r.info.pk for site in sites for r in site.resources]
    if not resource_pks:
        return []
    return held_intervals(resource_pks, start, end)


def load_busy(sites: Sequence[SiteCalendar], start: datetime, end: datetime) -> list[BusyInterval]:
    """Query 4 (the busy-time port): blocked ranges of the resources overlapping [start, end)."""
    resource_pks = [r.info.pk for site in sites for r in site.resources]
    if not resource_pks:
        return []
    return busy_intervals(resource_pks, start, end)


def load_busy_seconds(
    sites: Sequence[SiteCalendar], start: datetime, end: datetime
) -> list[tuple[int, int, int]]:
    """Query 4 as the engine counts: the blocked ranges of the resources overlapping
    [start, end) as (resource pk, start floored, end ceiled) epoch seconds."""
    resource_pks = [r.info.pk for site in sites for r in site.resources]
    if not resource_pks:
        return []
    return busy_seconds(resource_pks, start, end)
