"""Account e-mails (docs/rules/accounts.md): what each says, in the account's language. Rendered
by the worker (accounts.consumers) from templates/emails/<language>/account_<kind>*.txt."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

LANGUAGES = ("en", "fr")
KINDS = ("password_reset", "verify_email", "already_registered", "email_change", "email_changed")
# Their body holds a secret link: the admin does not show it (core.emails).
CONFIDENTIAL_KINDS = frozenset(
    {"account_password_reset", "account_verify_email", "account_email_change"}
)


@dataclass(frozen=True)
class AccountNotice:
    kind: str
    recipient_email: str
    recipient_name: str
    language: str
    link: str = ""
    valid_minutes: int = 0
    new_email: str = ""

    @property
    def valid_hours(self) -> int:
        return self.valid_minutes // 60


def build_email(notice: AccountNotice) -> EmailMultiAlternatives:
    language = notice.language if notice.language in LANGUAGES else "en"
    context = {"notice": notice}
    with translation.override(language):
        base = f"emails/{language}/account_{notice.kind}"
        subject = render_to_string(f"{base}_subject.txt", context).strip()
        text = render_to_string(f"{base}.txt", context)
    return EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient_email],
    )
