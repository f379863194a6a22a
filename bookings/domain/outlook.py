"""What a booking's reader may do with it now, and what it would cost: the API shows it so that
a client hard-codes none of the rules. Computed with the very policies the services apply
(bookings.domain.policies, bookings.domain.fees), so an action offered is an action accepted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from bookings.domain import policies
from bookings.domain.fees import DEFAULT_TIERS, CancellationFee, FeeTier, cancellation_fee
from bookings.domain.policies import DEFAULT_POLICY, PolicySettings, Timing
from bookings.domain.states import Role, State
from core.errors import DomainError


@dataclass(frozen=True)
class Outlook:
    actions: tuple[str, ...]  # what the reader may do now, in OFFERED_ACTIONS order
    confirmation_deadline: datetime | None  # pending: by when it must be confirmed
    reschedule_deadline: datetime | None  # until when the reader may reschedule (if ever)
    cancellation_cost: CancellationFee | None  # what cancelling now costs the reader (if allowed)


def _may(action: str, state: State, role: Role) -> bool:
    """The state machine and the role table alone, timing aside (policies.check_transition)."""
    try:
        policies.check_transition(action, state=state, role=role)
    except DomainError:
        return False
    return True


def outlook(
    *,
    state: State,
    role: Role,
    timing: Timing,
    now: datetime,
    confirmation_window: timedelta,
    total: Decimal,
    already_rated: bool,
    policy: PolicySettings = DEFAULT_POLICY,
    tiers: Sequence[FeeTier] = DEFAULT_TIERS,
) -> Outlook:
    actions = []
    for action in policies.OFFERED_ACTIONS:
        try:
            policies.check_action(
                action,
                state=state,
                role=role,
                timing=timing,
                now=now,
                already_rated=already_rated,
                policy=policy,
            )
        except DomainError:
            continue
        actions.append(action)
    return Outlook(
        actions=tuple(actions),
        confirmation_deadline=policies.confirmation_deadline(
            state=state, timing=timing, confirmation_window=confirmation_window
        ),
        reschedule_deadline=(
            policies.reschedule_deadline(role=role, timing=timing, policy=policy)
            if _may("reschedule", state, role)
            else None
        ),
        cancellation_cost=(
            cancellation_fee(
                total=total, state=state, role=role, start=timing.start, now=now, tiers=tiers
            )
            if _may("cancel", state, role)
            else None
        ),
    )
