"""Reads about accounts."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import Group
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace

from accounts import access
from accounts.domain.rules import OPERATOR, TECHNICIAN, is_deliverable, phone_digits
from accounts.models import LoginSession, User
from accounts.signals import personal_data_requested
from core.clock import resolve_now
from core.models import EmailNotification


def user_profile_data(user: User) -> dict[str, Any]:
    return {
        "id": str(user.public_id),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "language": user.language,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_verified_at": (
            user.email_verified_at.isoformat() if user.email_verified_at else None
        ),
        "roles": sorted(user_roles(user)),
    }


def user_roles(user: User) -> set[str]:
    names = {group.name for group in user.groups.all()}
    if user.is_superuser:
        names |= {OPERATOR}
    return names


def user_personal_data(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """Everything we hold about `user`, for the export: the profile plus what other apps add."""
    moment = resolve_now(now)
    data: dict[str, Any] = {
        "exported_at": moment.isoformat(),
        "profile": user_profile_data(user),
        "sessions": [
            {
                "id": str(s.public_id),
                "created_at": s.created_at.isoformat(),
                "last_used_at": s.last_used_at.isoformat(),
                "ended_at": s.ended_at.isoformat() if s.ended_at else None,
                "user_agent": s.user_agent,
                "ip": s.ip,
            }
            for s in LoginSession.objects.filter(user=user).order_by("created_at")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "subject": n.subject,
                "status": n.status,
                "created_at": n.created_at.isoformat(),
                "sent_at": n.sent_at.isoformat() if n.sent_at else None,
            }
            for n in EmailNotification.objects.filter(recipient=user.email).order_by("created_at")
        ],
    }
    for _receiver, response in personal_data_requested.send(sender=User, user_id=user.pk):
        if response is not None:
            name: str = response[0]
            data[name] = response[1]
    return data


def users_in_role(role: str) -> QuerySet[User]:
    return User.objects.filter(groups__name=role, is_active=True)


def is_operator(user: Any) -> bool:
    """Staff in the operator group, or a superuser (active, signed in)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.is_staff and OPERATOR in access.group_names(user))


def is_technician(user: Any) -> bool:
    """In the technician group (active, signed in)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return TECHNICIAN in access.group_names(user)


def role_group(role: str) -> Group:
    return Group.objects.get(name=role)


def user_pk_by_public_id(public_id: Any) -> int | None:
    """The internal key of an active user by public id (None when there is none)."""
    return (
        User.objects.filter(public_id=public_id, is_active=True)
        .values_list("pk", flat=True)
        .first()
    )


def user_by_pk(pk: int) -> User | None:
    return User.objects.filter(pk=pk).first()


def lock_user_row(pk: int) -> None:
    """Holds the account's row until the caller's transaction ends: other apps serialise their
    per-account writes on it (vehicles: the first vehicle, the active-vehicle limit)."""
    list(User.objects.select_for_update().filter(pk=pk).values("pk"))


def active_user_by_email(email: str) -> User | None:
    """The open account with this (normalised) e-mail, if any: whom account e-mails go to."""
    return User.objects.filter(email=email, is_active=True).first()


def user_by_public_id(public_id: Any) -> User | None:
    return User.objects.filter(public_id=public_id).first()


def active_sessions(*, user: User, now: datetime | None = None) -> QuerySet[LoginSession]:
    """The user's signed-in API devices: not ended, refresh token not expired; last used first."""
    return LoginSession.objects.filter(
        user=user, ended_at=None, expires_at__gt=resolve_now(now)
    ).order_by("-last_used_at", "-pk")


@dataclass(frozen=True)
class CustomerCard:
    """A customer as the booking desk lists them."""

    pk: int
    id: UUID
    name: str
    email: str  # "" for a walk-in without an address
    phone: str


def _card(user: User) -> CustomerCard:
    return CustomerCard(
        pk=user.pk,
        id=user.public_id,
        name=user.get_full_name(),
        email=user.email if is_deliverable(user.email) else "",
        phone=user.phone,
    )


def _digits_of_phone() -> Any:
    """The phone column without the separators a number is typed with."""
    column: Any = F("phone")
    for separator in (" ", "-", ".", "(", ")", "+"):
        column = Replace(column, Value(separator), Value(""))
    return column


MIN_PHONE_DIGITS = 4


def customers_matching(
    term: str, *, also: Collection[int] = (), limit: int = 20
) -> list[CustomerCard]:
    """Open customer accounts (not staff) whose name, e-mail or phone matches `term`, plus the
    accounts `also` names (the owners of a plate, found by vehicles), at most `limit`, by name.
    Every word of the term must be in the first or last name ("jean dup" finds Jean Dupont); the
    phone compares digits only ("06 12" finds "+33 6 12..." only if the digits follow each other
    as typed). One query."""
    words = term.split()
    if not words and not also:
        return []
    condition = Q(pk__in=list(also)) if also else Q(pk__in=[])
    if words:
        by_name = Q()
        for word in words:
            by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        condition |= by_name | Q(email__icontains=term.strip())
        digits = phone_digits(term)
        if len(digits) >= MIN_PHONE_DIGITS and not any(ch.isalpha() for ch in term):
            condition |= Q(phone_digits__contains=digits)
    users = (
        User.objects.filter(is_active=True, is_staff=False)
        .annotate(phone_digits=_digits_of_phone())
        .filter(condition)
        .only("pk", "public_id", "first_name", "last_name", "email", "phone")
        .order_by("last_name", "first_name", "email", "pk")[:limit]
    )
    return [_card(user) for user in users]


def customer_card(public_id: Any) -> CustomerCard | None:
    """The open customer account with this public id (None when there is none). One query."""
    user = (
        User.objects.filter(public_id=public_id, is_active=True, is_staff=False)
        .only("pk", "public_id", "first_name", "last_name", "email", "phone")
        .first()
    )
    return None if user is None else _card(user)
