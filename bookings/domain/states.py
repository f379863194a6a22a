"""Booking states, roles and the transition table (SPEC §6). The django-fsm transitions on the
model take their sources and targets from TRANSITIONS, so the table exists once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    NO_SHOW = "no_show"


# A booking in one of these states blocks its resource's time.
ACTIVE_STATES: frozenset[State] = frozenset({State.PENDING, State.CONFIRMED, State.IN_PROGRESS})


class Role(StrEnum):
    CUSTOMER = "customer"  # the booking's own customer
    OPERATOR = "operator"
    TECHNICIAN = "technician"  # the technician assigned to the booking's resource
    SYSTEM = "system"  # scheduled jobs (expiry)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[State]
    target: State | None  # None: the state does not change (reschedule decides itself)
    roles: frozenset[Role]


def _t(name: str, sources: set[State], target: State | None, roles: set[Role]) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(roles))


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("confirm", {State.PENDING}, State.CONFIRMED, {Role.OPERATOR}),
        _t("expire", {State.PENDING}, State.EXPIRED, {Role.SYSTEM}),
        _t(
            "reschedule",
            {State.PENDING, State.CONFIRMED},
            None,
            {Role.CUSTOMER, Role.OPERATOR},
        ),
        _t("start", {State.CONFIRMED}, State.IN_PROGRESS, {Role.OPERATOR, Role.TECHNICIAN}),
        _t("complete", {State.IN_PROGRESS}, State.COMPLETED, {Role.OPERATOR, Role.TECHNICIAN}),
        _t(
            "cancel",
            {State.PENDING, State.CONFIRMED},
            State.CANCELLED,
            {Role.CUSTOMER, Role.OPERATOR},
        ),
        _t("no_show", {State.CONFIRMED}, State.NO_SHOW, {Role.OPERATOR}),
    )
}


def allowed_transitions(state: State, role: Role) -> list[str]:
    """The actions `role` may try on a booking in `state`, timing aside (the buttons to show)."""
    return [t.name for t in TRANSITIONS.values() if state in t.sources and role in t.roles]
