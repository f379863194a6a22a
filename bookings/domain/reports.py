"""The back-office reports' arithmetic on plain rows (docs/rules/bookings.md, "Reports"): revenue
from the price snapshots with their tax, bookings by state, utilisation per resource, no-show and
late-cancellation rates, fees, average ratings per service and per resource, and the busiest
hours. One pass over the period's bookings; nothing here reads the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from bookings.domain.dashboard import BOOKED_STATES, utilisation_percent
from bookings.domain.states import State

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ReportRow:
    """One booking of the period, as the reports read it."""

    state: str
    timezone: str  # its site's clock
    site: str
    resource_pk: int
    resource: str
    service: str
    start: datetime
    end: datetime
    total: Decimal
    tax: Decimal  # from the price snapshot
    currency: str
    fee: Decimal | None
    rating: int | None
    cancelled_by_customer: bool
    cancelled_at: datetime | None
    fee_waived: bool = False


@dataclass(frozen=True)
class OpenTime:
    resource_pk: int
    site: str
    resource: str
    open_minutes: int


@dataclass(frozen=True)
class Money:
    total: Decimal
    tax: Decimal

    @property
    def net(self) -> Decimal:
        return self.total - self.tax


@dataclass(frozen=True)
class UtilisationLine:
    site: str
    resource: str
    booked_minutes: int
    open_minutes: int
    percent: int | None


@dataclass(frozen=True)
class RatingLine:
    name: str
    count: int
    average: Decimal  # one decimal


@dataclass(frozen=True)
class Rate:
    count: int
    out_of: int

    @property
    def percent(self) -> Decimal | None:
        if not self.out_of:
            return None
        return (Decimal(self.count) * 100 / self.out_of).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class Report:
    bookings: int
    currency: str
    revenue: Money  # completed bookings, what their snapshots say
    by_state: dict[str, int]
    utilisation: list[UtilisationLine]
    no_show: Rate  # no-shows out of the bookings whose time came (completed + no-show)
    late_cancellation: Rate  # late customer cancellations out of the bookings not expired
    fees: Decimal  # cancellation and no-show fees charged
    fees_count: int
    fees_waived: int
    ratings_by_service: list[RatingLine]
    ratings_by_resource: list[RatingLine]
    heat: list[list[int]] = field(default_factory=list)  # [ISO weekday - 1][local hour]


def _average(values: Sequence[int]) -> Decimal:
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _ratings(found: dict[str, list[int]]) -> list[RatingLine]:
    return [
        RatingLine(name=name, count=len(values), average=_average(values))
        for name, values in sorted(found.items(), key=lambda item: item[0].casefold())
    ]


def build_report(
    rows: Iterable[ReportRow], openings: Iterable[OpenTime], *, late_notice: timedelta
) -> Report:
    """The period's report. `late_notice`: a customer cancellation later than this before the
    start is late (the free-cancellation notice of the fee tiers, 24 h by default)."""
    by_state: dict[str, int] = {state.value: 0 for state in State}
    total = tax = fees = ZERO
    fees_count = fees_waived = 0
    currency = ""
    booked: dict[int, int] = {}
    late = not_expired = 0
    by_service: dict[str, list[int]] = {}
    by_resource: dict[str, list[int]] = {}
    heat = [[0] * 24 for _ in range(7)]
    count = 0
    booked_states = {state.value for state in BOOKED_STATES}
    for row in rows:
        count += 1
        currency = currency or row.currency
        by_state[row.state] = by_state.get(row.state, 0) + 1
        if row.state != State.EXPIRED:
            not_expired += 1
        if row.state == State.COMPLETED:
            total += row.total
            tax += row.tax
        if row.state in booked_states:
            seconds = (row.end - row.start).total_seconds()
            booked[row.resource_pk] = booked.get(row.resource_pk, 0) + int(seconds)
            local = row.start.astimezone(ZoneInfo(row.timezone))
            heat[local.isoweekday() - 1][local.hour] += 1
        if row.fee is not None and row.state in (State.CANCELLED, State.NO_SHOW):
            if row.fee > 0:
                fees += row.fee
                fees_count += 1
            if row.fee_waived:
                fees_waived += 1
        if (
            row.state == State.CANCELLED
            and row.cancelled_by_customer
            and row.cancelled_at is not None
            and row.cancelled_at > row.start - late_notice
        ):
            late += 1
        if row.rating is not None:
            by_service.setdefault(row.service, []).append(row.rating)
            by_resource.setdefault(row.resource, []).append(row.rating)
    utilisation = [
        UtilisationLine(
            site=opening.site,
            resource=opening.resource,
            booked_minutes=booked.get(opening.resource_pk, 0) // 60,
            open_minutes=opening.open_minutes,
            percent=utilisation_percent(
                booked_minutes=booked.get(opening.resource_pk, 0) // 60,
                open_minutes=opening.open_minutes,
            ),
        )
        for opening in openings
    ]
    return Report(
        bookings=count,
        currency=currency,
        revenue=Money(total=total, tax=tax),
        by_state=by_state,
        utilisation=utilisation,
        no_show=Rate(by_state[State.NO_SHOW], by_state[State.NO_SHOW] + by_state[State.COMPLETED]),
        late_cancellation=Rate(late, not_expired),
        fees=fees,
        fees_count=fees_count,
        fees_waived=fees_waived,
        ratings_by_service=_ratings(by_service),
        ratings_by_resource=_ratings(by_resource),
        heat=heat,
    )


def busiest_hours(heat: Sequence[Sequence[int]]) -> tuple[int, int]:
    """The local hours (first, last + 1) that saw any booking, for a compact heat map; (8, 18)
    when none did."""
    hours = [h for h in range(24) if any(day[h] for day in heat)]
    return (hours[0], hours[-1] + 1) if hours else (8, 18)
