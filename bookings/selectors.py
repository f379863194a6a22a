"""Reads about bookings, scoped to who asks."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Ceil, Extract, Floor

from accounts import public as accounts
from bookings import readmodel
from bookings.domain.codes import BookingErrorCode
from bookings.domain.dashboard import BOOKED_STATES, EXPECTED_STATES, booked_minutes_by_resource
from bookings.domain.days import (
    THIS_WEEK,
    TODAY,
    DaysOn,
    local_day_bounds,
    relative_days,
    utc_window,
)
from bookings.domain.fees import FeeTier
from bookings.domain.outlook import Outlook, outlook
from bookings.domain.policies import PolicySettings, Timing, expires_at
from bookings.domain.reports import ReportRow
from bookings.domain.states import ACTIVE_STATES, Role, State
from bookings.models import Booking, BookingEvent
from bookings.notifications import BookingNotice
from bookings.roles import ActorRoles
from core.errors import NotFound
from pricing import public as pricing
from scheduling import public as scheduling
from vehicles import public as vehicles

if TYPE_CHECKING:
    from accounts.models import User

ACTIVE = sorted(s.value for s in ACTIVE_STATES)


def fee_tiers() -> tuple[FeeTier, ...]:
    """The cancellation fee tiers of the settings (BOOKING_CANCELLATION_TIERS)."""
    return tuple(
        FeeTier(timedelta(hours=hours), Decimal(str(percent)))
        for hours, percent in settings.BOOKING_CANCELLATION_TIERS
    )


def policy_settings() -> PolicySettings:
    """The booking policies' timings from the settings."""
    return PolicySettings(
        reschedule_notice=timedelta(hours=settings.BOOKING_RESCHEDULE_NOTICE_HOURS),
        rating_window=timedelta(days=settings.BOOKING_RATING_WINDOW_DAYS),
    )


def booking_outlook(view: readmodel.BookingView, *, role: Role, now: datetime) -> Outlook:
    """What `role` may do with the booking at `now`, its deadlines and what cancelling now would
    cost (bookings.domain.outlook, with the services' own policies and settings)."""
    return outlook(
        state=State(view.state),
        role=role,
        timing=view.timing,
        now=now,
        confirmation_window=timedelta(minutes=view.confirmation_window_minutes),
        total=view.total,
        already_rated=view.rating is not None,
        policy=policy_settings(),
        tiers=fee_tiers(),
    )


def booking_views(
    rows: Iterable[Booking], *, actor: ActorRoles, now: datetime
) -> list[readmodel.BookingView]:
    """The bookings as `actor` sees them at `now` (rows read by bookings_visible_to, or
    given the read model by their use case): each with the actor's role toward it and what they
    may do with it then. No query: the roles are the actor's, read once."""
    views = []
    for row in rows:
        role = actor.role_toward(row)
        view = readmodel.view_of(row)
        views.append(view.seen_by(role, booking_outlook(view, role=role, now=now)))
    return views


# A booking fits in one opening interval (never overnight) plus its buffer: its blocked range is
# far shorter than this, which bounds the index scan from below (older bookings are never read).
MAX_BLOCKED_SPAN = timedelta(days=2)


# The active states as SQL literals, not parameters: SQLite's planner uses a partial index only
# when the query's WHERE names its condition's terms as written, so with the states bound as
# parameters it scanned every booking of the resources, outside the window too (PostgreSQL's
# plans are built with the values). The states are this app's constants: nothing to escape.
_ACTIVE_LITERALS = ", ".join(f"'{state}'" for state in ACTIVE)
ACTIVE_STATES_SQL = RawSQL(  # noqa: S611 (constants, no input)
    f'"{Booking._meta.db_table}"."state" IN ({_ACTIVE_LITERALS})', (), output_field=BooleanField()
)


def _active_blocking(
    resource_pks: Sequence[int], start: datetime, end: datetime
) -> QuerySet[Booking]:
    """The active bookings of the resources whose blocked range overlaps [start, end), on
    bookings_active_resource_idx; unordered (the engine sorts what it needs)."""
    return Booking.objects.filter(
        ACTIVE_STATES_SQL,
        resource_id__in=list(resource_pks),
        start__lt=end,
        start__gte=start - MAX_BLOCKED_SPAN,
        blocked_until__gt=start,
    ).order_by()


def busy_intervals(
    resource_pks: Sequence[int], start: datetime, end: datetime
) -> list[scheduling.BusyInterval]:
    """The busy-time port for scheduling: one query on bookings_active_resource_idx."""
    rows = _active_blocking(resource_pks, start, end)
    if connection.vendor != "postgresql":
        return [
            scheduling.BusyInterval(pk, s, e)
            for pk, s, e in rows.values_list("resource_id", "start", "blocked_until")
        ]
    # Epoch seconds as floats: parsing thousands of timestamptz values dominated the read
    # (docs/benchmarks.md, availability).
    epochs = rows.annotate(
        s=Cast(Extract("start", "epoch"), FloatField()),
        e=Cast(Extract("blocked_until", "epoch"), FloatField()),
    ).values_list("resource_id", "s", "e")
    stamp = datetime.fromtimestamp
    return [scheduling.BusyInterval(pk, stamp(s, UTC), stamp(e, UTC)) for pk, s, e in epochs]


def booked_intervals(
    resource_pks: Sequence[int], start: datetime, end: datetime
) -> list[scheduling.Booked]:
    """The booked-time port for scheduling's explanations: the active bookings of the busy-time
    port, with their end of work and reference. One query."""
    rows = Booking.objects.filter(
        resource_id__in=list(resource_pks),
        state__in=ACTIVE,
        start__lt=end,
        start__gte=start - MAX_BLOCKED_SPAN,
        blocked_until__gt=start,
    ).values_list("resource_id", "start", "end", "blocked_until", "reference")
    return [scheduling.Booked(pk, s, e, b, ref) for pk, s, e, b, ref in rows]


def busy_seconds(
    resource_pks: Sequence[int], start: datetime, end: datetime
) -> list[tuple[int, int, int]]:
    """The busy-time port in epoch seconds (resource pk, start floored, blocked end ceiled): on
    PostgreSQL computed by the query itself (bigints, which the driver reads in C), so no
    datetime is built at all; elsewhere from the datetimes read."""
    rows = _active_blocking(resource_pks, start, end)
    if connection.vendor != "postgresql":
        floor, ceil = math.floor, math.ceil
        return [
            (pk, floor(s.timestamp()), ceil(e.timestamp()))
            for pk, s, e in rows.values_list("resource_id", "start", "blocked_until")
        ]
    epochs = rows.annotate(
        s=Cast(Floor(Extract("start", "epoch")), BigIntegerField()),
        e=Cast(Ceil(Extract("blocked_until", "epoch")), BigIntegerField()),
    ).values_list("resource_id", "s", "e")
    # The ORM's compiled SQL, run on a cursor: the rows are already (int, int, int) tuples, and
    # the ORM's per-value converters were a fifth of the whole availability answer.
    sql, params = epochs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found: list[tuple[int, int, int]] = cursor.fetchall()
    return found


HELD = sorted(s.value for s in BOOKED_STATES)


def held_intervals(
    resource_pks: Sequence[int], start: datetime, end: datetime
) -> list[scheduling.HeldInterval]:
    """The held-time port for scheduling's assignment: the blocked ranges of the bookings that
    hold or held those resources (BOOKED_STATES: the dashboard's booked time too) overlapping
    [start, end), each saying whether it is still active. One query on
    bookings_held_resource_idx."""
    rows = Booking.objects.filter(
        resource_id__in=list(resource_pks),
        state__in=HELD,
        start__lt=end,
        start__gte=start - MAX_BLOCKED_SPAN,
        blocked_until__gt=start,
    ).values_list("resource_id", "start", "blocked_until", "state")
    return [scheduling.HeldInterval(pk, s, e, state in ACTIVE) for pk, s, e, state in rows]


def vehicle_has_active_future_booking(vehicle_pk: int, now: datetime) -> bool:
    """Whether the vehicle has an active booking that is not over at `now` (SPEC §3: it cannot
    be archived then): one in progress (the car is in the workshop until the job is completed,
    whatever the clock says), or one pending or confirmed that ends after `now`. A pending or
    confirmed booking whose end has passed is stale (the expiry job or a no-show will close it)
    and keeps nothing."""
    return (
        Booking.objects.filter(vehicle_id=vehicle_pk)
        .filter(
            Q(state=State.IN_PROGRESS.value)
            | Q(state__in=[State.PENDING.value, State.CONFIRMED.value], end__gt=now)
        )
        .exists()
    )


@dataclass(frozen=True)
class CustomerLoad:
    """What a new booking of a customer's vehicle meets among their bookings, and the held time
    of the site's resources when it was asked (for the placement)."""

    vehicle_booked_by: str | None  # an active booking of the vehicle over that time, if any
    pending_held: int  # pending bookings the customer holds now (when counted)
    held: scheduling.HeldTime | None = None  # the answer to `held`, when asked


_HELD_STATES = frozenset(HELD)
_ACTIVE_STATES = frozenset(ACTIVE)


def customer_load(
    *,
    customer_pk: int,
    vehicle_pk: int,
    start: datetime,
    end: datetime,
    now: datetime,
    count_pending: bool,
    besides: int | None = None,
    held: scheduling.HeldWindow | None = None,
) -> CustomerLoad:
    """One query over a handful of rows: the vehicle's active bookings (other than `besides`)
    whose time [start, end) meets the given one (a vehicle is in one place at a time; the buffer
    after a service is the bay's clean-up, the car has left), and, when `count_pending`, the
    customer's pending bookings held at `now` (pending since then or earlier and not yet past
    their confirmation deadline, the domain's rule: one past it is the expiry job's). With
    `held` (scheduling.held_window), the same query also reads the held-time port's answer for
    the placement (the day's bookings of the site's resources, as `held_intervals` reads them;
    `besides` is among them: the placement ignores its time itself): one read of the bookings,
    its rows told apart here."""
    wanted = Q(vehicle_id=vehicle_pk, start__lt=end, end__gt=start, state__in=ACTIVE)
    if count_pending:
        wanted |= Q(customer_id=customer_pk, state="pending", pending_since__lte=now)
    held_pks: frozenset[int] = frozenset()
    if held is not None and held.resource_pks:
        held_pks = frozenset(held.resource_pks)
        wanted |= Q(
            resource_id__in=sorted(held_pks),
            state__in=HELD,
            start__lt=held.end,
            start__gte=held.start - MAX_BLOCKED_SPAN,
            blocked_until__gt=held.start,
        )
    found = (
        Booking.objects.filter(wanted)
        .order_by("start", "pk")
        .values_list(
            "pk",
            "reference",
            "vehicle_id",
            "customer_id",
            "resource_id",
            "state",
            "start",
            "end",
            "blocked_until",
            "pending_since",
            "site__confirmation_window_minutes",
        )
    )
    booked_by: str | None = None
    pending = 0
    intervals: list[scheduling.HeldInterval] = []
    for (
        pk,
        reference,
        vehicle,
        customer,
        resource,
        state,
        b_start,
        b_end,
        until,
        since,
        window,
    ) in found:
        if (
            resource in held_pks
            and state in _HELD_STATES
            and held is not None
            and held.start < until
            and b_start < held.end
        ):
            intervals.append(
                scheduling.HeldInterval(resource, b_start, until, state in _ACTIVE_STATES)
            )
        if pk == besides or state not in _ACTIVE_STATES:
            continue
        if booked_by is None and vehicle == vehicle_pk and b_start < end and b_end > start:
            booked_by = reference
        if count_pending and customer == customer_pk and state == "pending" and since <= now:
            deadline = expires_at(
                timing=Timing(start=b_start, end=b_end, pending_since=since),
                confirmation_window=timedelta(minutes=window),
            )
            if deadline > now:
                pending += 1
    return CustomerLoad(
        vehicle_booked_by=booked_by,
        pending_held=pending,
        held=None if held is None else scheduling.HeldTime(held, tuple(intervals)),
    )


def vehicle_has_any_booking(vehicle_pk: int) -> bool:
    return Booking.objects.filter(vehicle_id=vehicle_pk).exists()


def _listing() -> QuerySet[Booking]:
    """Bookings with what a listing shows from the other apps, read in the same query."""
    return Booking.objects.select_related("customer").annotate(**readmodel.LISTED)


def bookings_visible_to(actor: User | ActorRoles) -> QuerySet[Booking]:
    """Customers see their own bookings; operators all; technicians the jobs on their resources
    (bookings.roles decides who is what)."""
    roles = actor if isinstance(actor, ActorRoles) else ActorRoles(actor)
    base = _listing()
    if roles.is_operator:
        return base
    user_pk = roles.user.pk if roles.user is not None else None
    resources = roles.technician_resources
    if resources is not None:
        return base.filter(Q(customer_id=user_pk) | Q(resource_id__in=sorted(resources)))
    return base.filter(customer_id=user_pk)


def booking_visible_to(*, booking_id: UUID, actor: User | ActorRoles) -> Booking:
    booking = bookings_visible_to(actor).filter(public_id=booking_id).first()
    if booking is None:
        raise NotFound(code=BookingErrorCode.BOOKING_NOT_FOUND)
    return booking


def booking_history(booking: Booking) -> QuerySet[BookingEvent]:
    """The booking's history, oldest first, with each row's actor and the site's timezone (the
    times a reschedule row names are shown on the site's clock)."""
    return (
        booking.events.select_related("actor")
        .annotate(**readmodel.EVENT_TIMEZONE)
        .order_by("at", "pk")
    )


def no_history() -> QuerySet[BookingEvent]:
    return BookingEvent.objects.none()


def pending_due_for_expiry(*, now: datetime) -> QuerySet[Booking]:
    """Candidates only: the confirmation window is per site, checked by the service."""
    return Booking.objects.filter(state="pending", pending_since__lte=now).order_by(
        "pending_since", "pk"
    )


def due_for_reminder(*, now: datetime, ahead: Any) -> QuerySet[Booking]:
    return Booking.objects.filter(
        state="confirmed", reminder_sent_at__isnull=True, start__gt=now, start__lte=now + ahead
    ).order_by("start")


def personal_bookings_data(user_id: int) -> list[dict[str, Any]]:
    rows = Booking.objects.filter(customer_id=user_id).order_by("start")
    return [
        {
            "id": str(b.public_id),
            "reference": b.reference,
            "state": b.state,
            "start": b.start.isoformat(),
            "end": b.end.isoformat(),
            "service": b.service_name,
            "plate": b.vehicle_plate,
            "total": str(b.total),
            "currency": b.currency,
            "fee": str(b.fee) if b.fee is not None else None,
            "customer_note": b.customer_note,
            "rating": b.rating,
            "rating_comment": b.rating_comment,
        }
        for b in rows
    ]


def personal_booking_events_data(user_id: int) -> list[dict[str, Any]]:
    """Each event about the user's bookings (the outbox keeps them OUTBOX_RETENTION_DAYS), with
    the webhook endpoints it was delivered to: what integrations were told about the person."""
    from core.models import OutboxEvent

    ids = [
        str(pk)
        for pk in Booking.objects.filter(customer_id=user_id).values_list("public_id", flat=True)
    ]
    events = (
        OutboxEvent.objects.filter(aggregate_type="booking", aggregate_id__in=ids)
        .prefetch_related("webhooks__endpoint")
        .order_by("occurred_at")
    )
    return [
        {
            "id": str(event.id),
            "type": event.type,
            "occurred_at": event.occurred_at.isoformat(),
            "booking": event.aggregate_id,
            "payload": event.payload,
            "webhook_deliveries": [
                {"endpoint": delivery.endpoint.url, "status": delivery.status}
                for delivery in event.webhooks.all()
            ],
        }
        for event in events
    ]


def booking_notice(*, booking_pk: int, kind: str, **extra: Any) -> BookingNotice | None:
    """What an e-mail (or the calendar file) says about a booking; None when there is nobody to
    write to (the booking is gone, the customer closed their account, or a walk-in customer has
    no e-mail address yet)."""
    # One query: the site's address is joined like its name.
    booking = _listing().annotate(site_address=F("site__address")).filter(pk=booking_pk).first()
    if booking is None or not booking.customer.is_active:
        return None
    if not accounts.is_deliverable(booking.customer.email):
        return None
    view = readmodel.view_of(booking)
    return BookingNotice(
        kind=kind,
        reference=view.reference,
        recipient_email=view.customer.email,
        recipient_name=booking.customer.first_name,
        language=booking.customer.language,
        site_name=view.site.name,
        site_address=vars(booking)["site_address"] or "",
        site_timezone=view.site.timezone,
        service_name=view.service.name,
        plate_display=vehicles.display_plate(view.vehicle.plate),
        start=view.start,
        end=view.end,
        total=view.total,
        currency=view.currency,
        fee=view.fee,
        reason=view.cancellation_reason,
        state=view.state,
        sequence=booking.calendar_sequence,
        **extra,
    )


def bookings_for_back_office() -> QuerySet[Booking]:
    """The admin changelist: the customer joined, site timezone and names annotated, so that a
    page costs the same number of queries whatever its size. Only what the list shows is
    joined: its two counts join the same tables."""
    return Booking.objects.select_related("customer").annotate(**readmodel.BACK_OFFICE)


def _timezones_in_play(queryset: QuerySet[Booking], days_on: DaysOn) -> set[str]:
    """The timezones of the sites of the bookings of `queryset` that may start on `days_on`
    somewhere (within a UTC window wide enough for every clock on Earth): one query."""
    window_start, window_end = utc_window(days_on)
    return set(
        queryset.filter(start__gte=window_start, start__lt=window_end)
        .order_by()
        .values_list("site__timezone", flat=True)
        .distinct()
    )


def starting_on_local_days(
    queryset: QuerySet[Booking], days_on: DaysOn, timezones: Collection[str] | None = None
) -> QuerySet[Booking]:
    """The bookings of `queryset` that start on the days `days_on(site timezone)` on the clock of
    their own site. One query finds the timezones in play (unless `timezones`, a set that holds
    them, is given), then one exact condition per timezone."""
    names = _timezones_in_play(queryset, days_on) if timezones is None else set(timezones)
    condition = Q(pk__in=[])
    for name in sorted(names):
        tz = ZoneInfo(name)
        start, end = local_day_bounds(*days_on(tz), tz)
        condition |= Q(site__timezone=name, start__gte=start, start__lt=end)
    return queryset.filter(condition)


def bookings_for_back_office_of(resource_pks: Sequence[int] | None) -> QuerySet[Booking]:
    """The admin changelist, limited to the bookings of `resource_pks` (a technician's jobs) when
    given; None: every booking."""
    queryset = bookings_for_back_office()
    if resource_pks is None:
        return queryset
    return queryset.filter(resource_id__in=list(resource_pks))


# The dashboard of the back-office (its rules: docs/rules/bookings.md, "Dashboard").


def timezones_this_week(*, now: datetime) -> frozenset[str]:
    """The timezones of the sites of the bookings (any state) that may start this week somewhere
    (one query): those of today's bookings too, so that the dashboard reads them once for both
    (`timezones` of `today_counts_by_state` and `booked_minutes_this_week`)."""
    return frozenset(
        _timezones_in_play(
            Booking.objects.all(), lambda tz: relative_days(THIS_WEEK, now=now, tz=tz)
        )
    )


def today_counts_by_state(
    *, now: datetime, timezones: Collection[str] | None = None
) -> dict[str, int]:
    """How many bookings start today on their own site's clock, per state (two queries; one with
    the `timezones` in play)."""
    today = starting_on_local_days(
        Booking.objects.all(), lambda tz: relative_days(TODAY, now=now, tz=tz), timezones
    )
    rows = today.order_by().values_list("state").annotate(count=Count("pk"))
    return {str(state): int(count) for state, count in rows}


def next_arrivals(*, now: datetime, limit: int) -> list[readmodel.BookingView]:
    """The next `limit` bookings still expected (pending or confirmed) from `now`, by start, with
    their site, resource and customer (one query)."""
    expected = sorted(s.value for s in EXPECTED_STATES)
    rows = _listing().filter(state__in=expected, start__gte=now).order_by("start", "pk")[:limit]
    return [readmodel.view_of(row) for row in rows]


def pending_to_confirm(*, limit: int) -> tuple[list[readmodel.BookingView], int]:
    """The `limit` oldest pending bookings (by when they became pending) with their site's
    confirmation window annotated, and how many are pending in all: one query, each row
    carrying the count of every pending booking (a window over them all, before the limit;
    no row, none pending)."""
    rows: list[Booking] = list(
        _listing()
        .filter(state="pending")
        .annotate(pending_total=Window(Count("pk")))
        .order_by("pending_since", "pk")[:limit]
    )
    return [readmodel.view_of(row) for row in rows], (vars(rows[0])["pending_total"] if rows else 0)


def booked_minutes_this_week(
    *, now: datetime, timezones: Collection[str] | None = None
) -> dict[int, int]:
    """Booked minutes per resource pk over this week (Monday to Sunday on each booking's site
    clock): the bookings in BOOKED_STATES starting that week (two queries; one with the
    `timezones` in play)."""
    booked = Booking.objects.filter(state__in=sorted(s.value for s in BOOKED_STATES))
    week = starting_on_local_days(
        booked, lambda tz: relative_days(THIS_WEEK, now=now, tz=tz), timezones
    )
    return booked_minutes_by_resource(week.values_list("resource_id", "start", "end"))


EXPORT_COLUMNS = (
    "reference",
    "state",
    "start",
    "end",
    "site",
    "resource",
    "customer_email",
    "plate",
    "service",
    "total",
    "currency",
    "fee",
    "fee_before_waiver",
    "fee_waiver_reason",
)


def _last_waiver() -> QuerySet[BookingEvent]:
    """The booking's latest fee waiver, for a subquery of the row's own query."""
    return BookingEvent.objects.filter(booking=OuterRef("pk"), action="fee_waived").order_by(
        "-at", "-pk"
    )


def _first_waiver() -> QuerySet[BookingEvent]:
    return BookingEvent.objects.filter(booking=OuterRef("pk"), action="fee_waived").order_by(
        "at", "pk"
    )


def bookings_for_export(
    *, first: date, last: date, site_pk: int | None = None, chunk_size: int = 500
) -> Iterator[dict[str, Any]]:
    """Bookings starting from `first` to `last` (inclusive, on each site's clock), by start, as
    rows of EXPORT_COLUMNS: times with the site's offset, amounts as strings. Read in chunks, so
    that a large export stays small in memory."""
    queryset = Booking.objects.all()
    if site_pk is not None:
        queryset = queryset.filter(site_id=site_pk)
    rows = (
        starting_on_local_days(queryset, lambda tz: (first, last))
        .annotate(
            fee_before_waiver=Subquery(_first_waiver().values("details__fee_before")[:1]),
            fee_waiver_reason=Subquery(_last_waiver().values("reason")[:1]),
        )
        .order_by("start", "pk")
        .values_list(
            "reference",
            "state",
            "start",
            "end",
            "site__name",
            "site__timezone",
            "resource__name",
            "customer__email",
            "vehicle_plate",
            "service_name",
            "total",
            "currency",
            "fee",
            "fee_before_waiver",
            "fee_waiver_reason",
        )
    )
    for row in rows.iterator(chunk_size=chunk_size):
        reference, state, start, end, site, timezone, resource, email, plate, *money = row
        service, total, currency, fee, fee_before_waiver, waiver_reason = money
        tz = ZoneInfo(timezone)
        yield {
            "reference": reference,
            "state": state,
            "start": start.astimezone(tz).isoformat(),
            "end": end.astimezone(tz).isoformat(),
            "site": site,
            "resource": resource,
            "customer_email": email,
            "plate": vehicles.display_plate(plate),
            "service": service,
            "total": str(total),
            "currency": currency,
            "fee": None if fee is None else str(fee),
            # What the fee was before an operator waived or reduced it, and why (the latest).
            # Read from the history's JSON, which SQLite hands back as a number ("50.0"): printed
            # like the fee columns, with the currency's two decimals.
            "fee_before_waiver": None
            if fee_before_waiver is None
            else f"{Decimal(str(fee_before_waiver)):.2f}",
            "fee_waiver_reason": waiver_reason or "",
        }


def customers_with_bookings(customer_ids: Sequence[int]) -> set[int]:
    """Which of these customers have any booking at all (demo data: who is already served)."""
    return set(
        Booking.objects.filter(customer_id__in=list(customer_ids))
        .values_list("customer_id", flat=True)
        .distinct()
    )


def bookings_on_board(
    queryset: QuerySet[Booking],
    *,
    site_pk: int,
    start: datetime,
    end: datetime,
    states: Sequence[str],
) -> list[Booking]:
    """The planning board's bookings among `queryset` (what the back-office lets this user see):
    those of the site in `states` whose blocked time (start to end + buffer) meets [start, end),
    by start, with their customer, in one query."""
    return list(
        queryset.filter(
            site_id=site_pk,
            state__in=list(states),
            start__lt=end,
            start__gte=start - MAX_BLOCKED_SPAN,
            blocked_until__gt=start,
        )
        .select_related("customer")
        .order_by("start", "pk")
    )


# --- rescheduling: what the new place must hold --------------------------------------------------


def reschedule_requirements(booking: Booking) -> pricing.ServiceRequirements:
    """The booked service's requirements for the booking's category and options (the skill and
    the clean-up buffer as the catalogue says now)."""
    return pricing.service_requirements(
        service_code=booking.price_snapshot["service_code"],
        category=booking.vehicle_category,
        option_codes=booking.option_codes,
    )


def own_busy_time(booking: Booking) -> scheduling.BusyInterval:
    """The booking's own blocked time: free for its own move."""
    return scheduling.BusyInterval(booking.resource_id, booking.start, booking.blocked_until)


def reschedule_starts(
    booking: Booking, *, start: datetime, end: datetime, now: datetime | None = None
) -> list[datetime]:
    """Where the booking could move in [start, end): the free starts for its service, its own
    time counting as free."""
    found = scheduling.available_starts(
        site_pk=booking.site_id,
        requirements=reschedule_requirements(booking),
        start=start,
        end=end,
        now=now,
        ignore_busy=[own_busy_time(booking)],
    )
    return [free.start for free in found]


def booking_pks_by_reference(references: Sequence[str]) -> dict[str, int]:
    """The pks of bookings by reference (the board's explanation links them): one query."""
    if not references:
        return {}
    return dict(Booking.objects.filter(reference__in=references).values_list("reference", "pk"))


def booking_pk_of(public_id: UUID | str) -> int | None:
    """The row behind a booking's public id (its events name it so); None once it is gone."""
    return Booking.objects.filter(public_id=public_id).values_list("pk", flat=True).first()


def report_rows(
    *,
    first: date,
    last: date,
    site_pk: int | None = None,
    timezones: Collection[str] | None = None,
) -> list[ReportRow]:
    """The bookings starting from `first` to `last` (inclusive, on each site's clock), for one
    site or all, as the reports read them: two queries (the timezones in play, the rows) whatever
    the length of the period; one when the caller knows `timezones` (a set holding those of the
    sites read, e.g. every site's)."""
    queryset = Booking.objects.all()
    if site_pk is not None:
        queryset = queryset.filter(site_id=site_pk)
    rows = (
        starting_on_local_days(queryset, lambda tz: (first, last), timezones)
        .annotate(waived=Exists(_last_waiver()))
        .order_by()
        .values_list(
            "state",
            "site__timezone",
            "site__name",
            "resource_id",
            "resource__name",
            "service_name",
            "start",
            "end",
            "total",
            "price_snapshot__tax_included",
            "currency",
            "fee",
            "rating",
            "customer_id",
            "cancelled_by_id",
            "cancelled_at",
            "waived",
        )
    )
    return [
        ReportRow(
            state=state,
            timezone=timezone,
            site=site,
            resource_pk=resource_pk,
            resource=resource,
            service=service,
            start=start,
            end=end,
            total=total,
            tax=Decimal(str(tax)) if tax is not None else Decimal("0.00"),
            currency=currency,
            fee=fee,
            rating=rating,
            cancelled_by_customer=cancelled_by is not None and cancelled_by == customer,
            cancelled_at=cancelled_at,
            fee_waived=waived,
        )
        for (
            state,
            timezone,
            site,
            resource_pk,
            resource,
            service,
            start,
            end,
            total,
            tax,
            currency,
            fee,
            rating,
            customer,
            cancelled_by,
            cancelled_at,
            waived,
        ) in rows
    ]


def late_cancellation_notice() -> timedelta:
    """A customer cancellation later than this before the start is late: the notice from which
    cancelling is free in the fee tiers (24 h by default)."""
    free = [tier.notice for tier in fee_tiers() if tier.percent == 0]
    return max(free, default=timedelta(hours=24))


def _hit_condition(removed: Sequence[scheduling.RemovedTime]) -> Q | None:
    """Active bookings whose work ([start, end], the buffer aside, as availability reads a
    closure) overlaps some of the removed time; None when nothing is removed."""
    condition: Q | None = None
    for time in removed:
        part = Q(end__gt=time.start)
        if time.end is not None:
            part &= Q(start__lt=time.end)
        part &= Q(resource_id=time.resource_pk) if time.resource_pk else Q(site_id=time.site_pk)
        condition = part if condition is None else condition | part
    return condition


def bookings_hit_by_change(change: scheduling.HoursChange) -> list[Booking]:
    """The active bookings a proposed change of hours (a closure, a date exception, a
    deactivation) would leave overlapping removed time, by start: what it hits. One query (none
    when it removes nothing)."""
    condition = _hit_condition(change.removed)
    if condition is None:
        return []
    queryset = Booking.objects.filter(condition, state__in=ACTIVE)
    return list(queryset.annotate(**readmodel.BACK_OFFICE).order_by("start", "pk"))


def active_bookings_hit(removed: Sequence[scheduling.RemovedTime]) -> int:
    """How many active bookings overlap the removed time (scheduling's port). One query."""
    condition = _hit_condition(removed)
    if condition is None:
        return 0
    return Booking.objects.filter(condition, state__in=ACTIVE).count()
