"""The fixed part of the demo: staff accounts, the catalogue, the sites with their hours,
resources and holiday closures, the price rules and promo codes."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts import services as accounts
from config.demo import data, ensure
from config.demo.calendar import holidays_between, next_holiday
from pricing import services as pricing
from scheduling import public as scheduling


@dataclass(frozen=True)
class ServiceInfo:
    code: str
    skill: str | None
    excluded_energies: frozenset[str]
    options: tuple[str, ...]  # the options offered for it, in catalogue order


@dataclass(frozen=True)
class DemoSite:
    policy: scheduling.SitePolicy
    spec: data.SiteSpec
    skills: frozenset[str]  # what its resources can do together

    def can(self, skill: str | None) -> bool:
        return skill is None or skill in self.skills


@dataclass
class World:
    operator_pk: int
    technician_pk: int
    sites: list[DemoSite]
    services: dict[str, ServiceInfo]
    technician_resources: frozenset[int]
    resource_count: int
    created: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    catalogue_lines: list[str] = field(default_factory=list)


def _tally(world_counts: tuple[Counter[str], Counter[str]], what: str, created: bool) -> None:
    (world_counts[0] if created else world_counts[1])[what] += 1


def catalogue_text() -> str:
    return Path(settings.BASE_DIR).joinpath(*data.CATALOGUE_FILE).read_text(encoding="utf-8")


def _services(document: dict[str, Any]) -> dict[str, ServiceInfo]:
    """What the bookings need to know of the catalogue file (it was just imported)."""
    offered: dict[str, list[str]] = {}
    for option in document["options"]:
        for code in option["services"]:
            offered.setdefault(code, []).append(option["code"])
    return {
        service["code"]: ServiceInfo(
            code=service["code"],
            skill=service.get("required_skill"),
            excluded_energies=frozenset(service.get("excluded_energies", ())),
            options=tuple(offered.get(service["code"], ())),
        )
        for service in document["services"]
    }


def _closures(
    site: scheduling.SitePolicy,
    first: date,
    last: date,
    today: date,
    counts: tuple[Counter[str], Counter[str]],
) -> None:
    """The site is closed on every public holiday of the demo's span and on the next one."""
    tz = ZoneInfo(site.timezone)
    days = dict(holidays_between(first, last))
    upcoming, name = next_holiday(today)
    days.setdefault(upcoming, name)
    for day, reason in sorted(days.items()):
        start = datetime.combine(day, time(0), tzinfo=tz)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
        _id, created = ensure.closure(
            site_pk=site.pk, start=start, end=end, reason=f"Public holiday: {reason}"
        )
        _tally(counts, "closures", created)


def build_world(*, first_day: date, last_day: date, today: date) -> World:
    """Everything but customers and bookings; each thing is found by its natural key first."""
    counts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    staff: dict[str, int] = {}
    for person in (data.OPERATOR, data.TECHNICIAN):
        user, created = accounts.user_ensure_in_role(
            email=person.email,
            password=person.password,
            role=person.role,
            first_name=person.first_name,
            last_name=person.last_name,
            language=person.language,
        )
        staff[person.role] = user.pk
        _tally(counts, "staff accounts", created)

    content = catalogue_text()
    summary = pricing.catalogue_import(content=content, fmt="json")

    sites: list[DemoSite] = []
    technician_resources: set[int] = set()
    resource_count = 0
    for site_spec in data.SITES:
        policy, created = ensure.site(
            name=site_spec.name,
            hours=site_spec.hours,
            timezone=data.TIMEZONE,
            address=site_spec.address,
            latitude=site_spec.latitude,
            longitude=site_spec.longitude,
            confirmation_window_minutes=site_spec.confirmation_window_minutes,
        )
        _tally(counts, "sites", created)
        skills: set[str] = set()
        for spec in data.RESOURCES:
            if spec.site != site_spec.name:
                continue
            resource, created = ensure.resource(
                site_pk=policy.pk,
                name=spec.name,
                kind=spec.kind,
                skill_codes=spec.skills,
                technician_user_id=staff["technician"] if spec.technician else None,
                hours=spec.hours,
            )
            _tally(counts, "resources", created)
            resource_count += 1
            skills.update(spec.skills)
            if resource.technician_user_id == staff["technician"]:
                technician_resources.add(resource.pk)
        _closures(policy, first_day, last_day, today, counts)
        sites.append(DemoSite(policy=policy, spec=site_spec, skills=frozenset(skills)))

    for rule in data.PRICE_RULES:
        _id, created = ensure.price_rule(
            name=rule.name,
            percentage=rule.percentage,
            weekdays=rule.weekdays,
            start_time=rule.start_time,
            end_time=rule.end_time,
            service_codes=rule.service_codes,
            priority=rule.priority,
        )
        _tally(counts, "price rules", created)
    for promo in data.PROMO_CODES:
        _id, created = ensure.promo_code(
            code=promo.code,
            kind=promo.kind,
            value=promo.value,
            min_order_total=promo.min_order_total,
            max_redemptions=promo.max_redemptions,
        )
        _tally(counts, "promo codes", created)

    return World(
        operator_pk=staff["operator"],
        technician_pk=staff["technician"],
        sites=sites,
        services=_services(json.loads(content)),
        technician_resources=frozenset(technician_resources),
        resource_count=resource_count,
        created=counts[0],
        found=counts[1],
        catalogue_lines=summary.lines(),
    )
