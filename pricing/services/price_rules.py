"""Price rules: time-based percentages on the catalogue's prices (SPEC §4). The back-office calls
these; quotes read the rules fresh, so no cache is involved."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.db import transaction

from core.errors import Text, ValidationFailed
from core.validation import full_clean
from pricing.domain.catalogue import price_rule_scope_problem
from pricing.models import PriceRule, Service
from pricing.services.catalogue import apply, check_administrator, check_operator, remove

if TYPE_CHECKING:
    from accounts.models import User


class PriceRuleChanges(TypedDict, total=False):
    name: str
    percentage: Decimal
    weekdays: list[int]
    start_time: time | None
    end_time: time | None
    valid_from: date | None
    valid_until: date | None
    all_services: bool
    services: Iterable[Service]
    priority: int
    active: bool


def check_scope(*, all_services: bool, services: Collection[Service]) -> None:
    """ValidationFailed (on `services`) unless the rule applies to every service or names some
    (the back-office form calls it before saving, too)."""
    problem = price_rule_scope_problem(all_services=all_services, named_services=len(services))
    if problem is not None:
        raise ValidationFailed(details={"services": [Text(problem)]})


def _write(rule: PriceRule, services: list[Service] | None) -> None:
    full_clean(rule)
    with transaction.atomic():
        rule.save()
        if services is not None:
            rule.services.set(services)


def price_rule_create(
    *,
    name: str,
    percentage: Decimal,
    actor: User | None,
    weekdays: Collection[int] = (),
    start_time: time | None = None,
    end_time: time | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    all_services: bool = True,
    services: Iterable[Service] = (),
    priority: int = 100,
    active: bool = True,
) -> PriceRule:
    """A rule applying `percentage` when a booking's local start matches its days, window and
    dates; to every service, or (`all_services` False) to `services`."""
    check_operator(actor)
    limited_to = list(services)
    check_scope(all_services=all_services, services=limited_to)
    rule = PriceRule(
        name=name,
        percentage=percentage,
        weekdays=sorted(weekdays),
        start_time=start_time,
        end_time=end_time,
        valid_from=valid_from,
        valid_until=valid_until,
        all_services=all_services,
        priority=priority,
        active=active,
    )
    _write(rule, limited_to)
    return rule


def price_rule_update(
    *, rule: PriceRule, actor: User | None, **changes: Unpack[PriceRuleChanges]
) -> PriceRule:
    check_operator(actor)
    given = changes.pop("services", None)
    services = None if given is None else list(given)
    apply(rule, changes)
    scope = services if services is not None else list(rule.services.all()) if rule.pk else []
    check_scope(all_services=rule.all_services, services=scope)
    _write(rule, services)
    return rule


def price_rule_delete(*, rule: PriceRule, actor: User | None) -> None:
    check_administrator(actor)
    remove(rule, listed=False)
