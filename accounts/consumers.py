"""The account e-mails as consumers of the account's events (run by the worker, core.dispatch):
the account is looked up here, not in the request, so that a request for an address without an
account does the same work as one with (docs/rules/accounts.md, "No enumeration"). The token in a
link is made here, when the e-mail is rendered: it is valid PASSWORD_RESET_TIMEOUT from then."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlsafe_base64_encode

from accounts import events, selectors, tokens
from accounts.models import User
from accounts.notifications import AccountNotice, build_email
from core.dispatch import Consumer, Event, Writer
from core.emails import OutgoingEmail, queue_writer


def _with_query(base: str, **params: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}{urlencode(params)}"


def admin_reset_link(user: User, *, origin: str) -> str:
    """The admin's own reset page (Django's PasswordResetConfirmView, config/urls.py): the public
    id stands for the account, never the integer key."""
    token = tokens.password_reset_token(user)
    uidb64 = urlsafe_base64_encode(user.public_id.hex.encode())
    path = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": uidb64, "token": token.partition(tokens.SEPARATOR)[2]},
    )
    return f"{origin.rstrip('/')}{path}"


def _notice(
    user: User, kind: str, *, link: str = "", valid_minutes: int = 0, new_email: str = ""
) -> AccountNotice:
    return AccountNotice(
        kind=kind,
        recipient_email=user.email,
        recipient_name=user.get_short_name(),
        language=user.language,
        link=link,
        valid_minutes=valid_minutes,
        new_email=new_email,
    )


def _password_reset(event: Event) -> AccountNotice | None:
    user = selectors.active_user_by_email(event.payload["email"])
    if user is None:
        return None  # no account: nobody is written to
    origin = event.payload.get("admin_origin") or ""
    if origin:
        if not user.is_staff:
            return None  # the admin's page resets staff passwords; customers use the app
        link = admin_reset_link(user, origin=origin)
    else:
        link = _with_query(settings.PASSWORD_RESET_URL, token=tokens.password_reset_token(user))
    minutes = max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 60)
    return _notice(user, "password_reset", link=link, valid_minutes=minutes)


def _addressee(event: Event) -> User | None:
    """The account the event names, if it is open and still has the address the event says."""
    user = selectors.user_by_public_id(event.payload["user"])
    if user is None or not user.is_active or user.email != event.payload["email"]:
        return None
    return user


def _verification(event: Event) -> AccountNotice | None:
    user = _addressee(event)
    if user is None or user.email_verified_at is not None:
        return None
    link = _with_query(settings.EMAIL_VERIFICATION_URL, token=tokens.email_verification_token(user))
    hours = max(1, int(settings.EMAIL_VERIFICATION_TIMEOUT) // 3600)
    return _notice(user, "verify_email", link=link, valid_minutes=hours * 60)


def _already_registered(event: Event) -> AccountNotice | None:
    user = _addressee(event)
    if user is None:
        return None
    return _notice(user, "already_registered", link=settings.PASSWORD_RESET_URL)


def _email_change(event: Event) -> AccountNotice | None:
    user = _addressee(event)
    new_email = event.payload["new_email"]
    if user is None or selectors.active_user_by_email(new_email) is not None:
        return None  # another account has the address: nothing to send (the answer was the same)
    token = tokens.email_verification_token(user, email=new_email)
    hours = max(1, int(settings.EMAIL_VERIFICATION_TIMEOUT) // 3600)
    notice = _notice(
        user,
        "email_change",
        link=_with_query(settings.EMAIL_VERIFICATION_URL, token=token),
        valid_minutes=hours * 60,
    )
    return replace(notice, recipient_email=new_email)


def _email_changed(event: Event) -> AccountNotice | None:
    user = selectors.user_by_public_id(event.payload["user"])
    if user is None or not user.is_active:
        return None
    notice = _notice(user, "email_changed", new_email=event.payload["email"])
    return replace(notice, recipient_email=event.payload["old_email"])


NOTICES = {
    events.EMAIL_CHANGE_REQUESTED: _email_change,
    events.EMAIL_CHANGED: _email_changed,
    events.PASSWORD_RESET_REQUESTED: _password_reset,
    events.REGISTERED: _verification,
    events.EMAIL_VERIFICATION_REQUESTED: _verification,
    events.REGISTRATION_ATTEMPTED: _already_registered,
}


def prepare_email(event: Event) -> Writer | None:
    notice = NOTICES[event.type](event)
    if notice is None:
        return None
    message = build_email(notice)
    return queue_writer(
        event_id=event.id,
        emails=[
            OutgoingEmail.of_message(
                message, kind=f"account_{notice.kind}", language=notice.language
            )
        ],
    )


EMAILS = Consumer(name="accounts.emails", prepare=prepare_email, event_types=frozenset(NOTICES))
