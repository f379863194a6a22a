"""E-mail notifications through the worker: recorded once per event and recipient, sent by a
task, retried with exponential backoff and jitter, their state visible in the admin.

An app's consumer renders its messages (`OutgoingEmail`) when the worker dispatches the event;
`queue_writer` records them in the dispatch transaction. `email_attempt` claims one (compare-and-
set, so two workers never send it at once), sends it outside any transaction, and records the
outcome: sent, or queued again for later with the error, or failed for good (a permanent refusal,
or the attempts spent)."""

from __future__ import annotations

import base64
import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q

from core import metrics
from core.clock import resolve_now
from core.models import EmailNotification
from core.retry import backoff_seconds

logger = logging.getLogger(__name__)


def _lease() -> timedelta:
    """How long a claim holds (settings.DELIVERY_LEASE_SECONDS): a worker that died holding it
    leaves the row to the next attempt after this."""
    return timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)


Status = EmailNotification.Status


# Kinds of e-mail whose body holds a secret (a password-reset link): the admin does not show their
# body, so that nobody who may read e-mail notifications can use the link. Apps register theirs in
# AppConfig.ready().
_confidential_kinds: set[str] = set()


def register_confidential_kinds(kinds: frozenset[str] | set[str]) -> None:
    _confidential_kinds.update(kinds)


def is_confidential(kind: str) -> bool:
    return kind in _confidential_kinds


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class OutgoingEmail:
    recipient: str
    kind: str
    subject: str
    text: str
    html: str = ""
    language: str = ""
    attachments: tuple[Attachment, ...] = ()

    @classmethod
    def of_message(
        cls, message: EmailMultiAlternatives, *, kind: str, language: str = ""
    ) -> OutgoingEmail:
        """The e-mail a Django message would send (one recipient), to be recorded."""
        html = next(
            (str(content) for content, mimetype in message.alternatives if mimetype == "text/html"),
            "",
        )
        attachments = []
        for item in message.attachments:
            filename, content, mimetype = item  # (name, content, mimetype) tuples only
            raw = content.encode() if isinstance(content, str) else bytes(content)
            attachments.append(Attachment(str(filename), raw, str(mimetype)))
        (recipient,) = message.to
        return cls(
            recipient=recipient,
            kind=kind,
            subject=str(message.subject),
            text=str(message.body),
            html=html,
            language=language,
            attachments=tuple(attachments),
        )


def queue_writer(
    *, event_id: UUID, emails: Sequence[OutgoingEmail], now: datetime | None = None
) -> Callable[[], None]:
    """A dispatch writer (core.dispatch) that records `emails` for the event; one per recipient
    whatever happens (the unique constraint), so a second dispatch adds nothing."""
    moment = resolve_now(now)

    def write() -> None:
        EmailNotification.objects.bulk_create(
            [
                EmailNotification(
                    event_id=event_id,
                    recipient=email.recipient,
                    kind=email.kind,
                    language=email.language,
                    subject=email.subject[:998],
                    body_text=email.text,
                    body_html=email.html,
                    attachments=[
                        {
                            "filename": a.filename,
                            "mimetype": a.mimetype,
                            "content_b64": base64.b64encode(a.content).decode(),
                        }
                        for a in email.attachments
                    ],
                    next_attempt_at=moment,
                    created_at=moment,
                )
                for email in emails
            ],
            ignore_conflicts=True,
        )

    return write


def message_of(row: EmailNotification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient],
        headers={"X-Event-Id": str(row.event_id)},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for item in row.attachments:
        message.attach(item["filename"], base64.b64decode(item["content_b64"]), item["mimetype"])
    return message


@dataclass(frozen=True)
class Outcome:
    sent: bool = False
    claimed: bool = True
    retry_in: float | None = None  # seconds until the next attempt, when there is one


def _claim(pk: int, moment: datetime) -> bool:
    """Queued (whatever its due time: a task handed now means now), or claimed by a worker whose
    lease ran out; compare-and-set, so of two workers one wins."""
    return bool(
        EmailNotification.objects.filter(
            Q(status=Status.QUEUED) | Q(status=Status.SENDING, lease_until__lte=moment), pk=pk
        ).update(status=Status.SENDING, attempts=F("attempts") + 1, lease_until=moment + _lease())
    )


def _permanent(exc: Exception) -> bool:
    """The server refused for good (5xx for the recipient or the sender): retrying cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def email_attempt(*, notification_id: int, now: datetime | None = None) -> Outcome:
    """One attempt at sending one e-mail (no transaction is open while SMTP talks)."""
    moment = resolve_now(now)
    if not _claim(notification_id, moment):
        return Outcome(claimed=False)
    row = EmailNotification.objects.get(pk=notification_id)
    try:
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        message = message_of(row)
        message.connection = connection
        message.send()
    except Exception as exc:
        finished = resolve_now(None) if now is None else moment
        error = _describe(exc)
        metrics.EMAIL_FAILURES.inc()
        if _permanent(exc) or row.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            EmailNotification.objects.filter(pk=row.pk).update(
                status=Status.FAILED, last_error=error, lease_until=None
            )
            logger.error("gave up e-mail %s to %s: %s", row.pk, row.recipient, error)
            return Outcome()
        delay = backoff_seconds(
            row.attempts,
            base=settings.EMAIL_RETRY_BASE_SECONDS,
            cap=settings.EMAIL_RETRY_MAX_SECONDS,
        )
        EmailNotification.objects.filter(pk=row.pk).update(
            status=Status.QUEUED,
            last_error=error,
            lease_until=None,
            next_attempt_at=finished + timedelta(seconds=delay),
        )
        logger.warning(
            "e-mail %s to %s failed (attempt %s), again in %.0f s: %s",
            row.pk,
            row.recipient,
            row.attempts,
            delay,
            error,
        )
        return Outcome(retry_in=delay)
    EmailNotification.objects.filter(pk=row.pk).update(
        status=Status.SENT, sent_at=resolve_now(None) if now is None else moment, lease_until=None
    )
    return Outcome(sent=True)


def email_send_again(
    *, notification_ids: Sequence[int], actor: Any, now: datetime | None = None
) -> list[int]:
    """An operator's "send again": each e-mail is queued anew (its attempts counted from zero),
    whether it failed or was sent (a customer who lost it). Returns the ids to hand on."""
    moment = resolve_now(now)
    ids = list(
        EmailNotification.objects.filter(pk__in=list(notification_ids))
        .exclude(status=Status.SENDING)
        .values_list("pk", flat=True)
    )
    EmailNotification.objects.filter(pk__in=ids).exclude(status=Status.SENDING).update(
        status=Status.QUEUED, attempts=0, next_attempt_at=moment, lease_until=None
    )
    logger.info("e-mails %s queued again by %s", ids, getattr(actor, "pk", actor))
    return ids
