"""E-mails through the worker's tasks: retried with backoff until the mail server takes them,
given up on a permanent refusal, their state kept (queued, sent, failed with the error,
attempts), sent again on request. Through a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings

from core import tasks
from core.clock import utcnow
from core.emails import email_attempt, email_send_again
from core.models import EmailNotification

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_fails_twice_and_succeeds_on_retry(
    happen: Any, smtp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Celery's own retry (self.retry with a countdown): here the task runs through
    Task.apply(), which performs each retry at once instead of waiting for the countdown."""
    smtp.sink.refuse_next = 2
    countdowns: list[float] = []
    real_retry = tasks.send_email.retry

    def retry(*args: Any, **kwargs: Any) -> Any:
        countdowns.append(kwargs["countdown"])
        return real_retry(*args, **kwargs)

    monkeypatch.setattr(tasks.send_email, "retry", retry)
    monkeypatch.setattr(tasks, "_eager", lambda task: False)  # as in a worker
    with override_settings(EMAIL_RETRY_BASE_SECONDS=10, EMAIL_RETRY_MAX_SECONDS=900):
        happen("thing-1")

    notification = EmailNotification.objects.get()
    assert notification.status == "sent"
    assert notification.attempts == 3
    assert smtp.sink.refused == 2
    assert len(smtp.sink.messages) == 1
    assert smtp.sink.messages[0]["To"] == "ana@example.com"
    assert "Try again later" in notification.last_error  # what the last failure said
    # Exponential with jitter: the first wait within [5, 10] s, the second within [10, 20] s.
    assert len(countdowns) == 2
    assert 5 <= countdowns[0] <= 10
    assert 10 <= countdowns[1] <= 20


def test_a_failed_attempt_keeps_the_error_and_the_next_time(
    happen: Any, smtp: Any, clock: Any
) -> None:
    smtp.sink.refusing = True
    now = utcnow()
    clock.set(now)
    happen("thing-1")  # eager: the first attempt runs after the commit, and fails

    notification = EmailNotification.objects.get()
    assert notification.status == "queued"
    assert notification.attempts == 1
    assert "451" in notification.last_error
    assert now + timedelta(seconds=5) <= notification.next_attempt_at <= now + timedelta(seconds=10)

    # The server is back: the sweeper hands the e-mail once it is late, and it goes.
    smtp.sink.refusing = False
    clock.set(now + timedelta(seconds=5))
    assert tasks.sweep()["emails"] == 0  # not due yet (plus the sweeper's grace)
    clock.set(notification.next_attempt_at + timedelta(seconds=31))
    assert tasks.sweep()["emails"] == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 2)
    assert len(smtp.sink.messages) == 1


def test_the_attempts_are_bounded(happen: Any, smtp: Any, clock: Any) -> None:
    smtp.sink.refusing = True
    now = utcnow()
    clock.set(now)
    with override_settings(EMAIL_MAX_ATTEMPTS=3):
        happen("thing-1")
        pk = EmailNotification.objects.get().pk
        for _ in range(5):
            email_attempt(notification_id=pk)
    notification = EmailNotification.objects.get()
    assert (notification.status, notification.attempts) == ("failed", 3)
    assert "451" in notification.last_error
    assert tasks.sweep()["emails"] == 0  # given up: only a person sends it again


def test_a_permanent_refusal_fails_at_once(happen: Any, smtp: Any, monkeypatch: Any) -> None:
    import smtplib

    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise smtplib.SMTPRecipientsRefused({"ana@example.com": (550, b"No such user")})

    monkeypatch.setattr(smtplib.SMTP, "sendmail", refuse)
    happen("thing-1")
    notification = EmailNotification.objects.get()
    assert (notification.status, notification.attempts) == ("failed", 1)
    assert "No such user" in notification.last_error


def test_send_again_sends_a_failed_email(happen: Any, smtp: Any) -> None:
    smtp.sink.refusing = True
    with override_settings(EMAIL_MAX_ATTEMPTS=1):
        happen("thing-1")
    notification = EmailNotification.objects.get()
    assert notification.status == "failed"

    smtp.sink.refusing = False
    ids = email_send_again(notification_ids=[notification.pk], actor=None)
    tasks.hand_emails(ids)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)
    assert len(smtp.sink.messages) == 1


def test_the_email_is_sent_as_rendered(happen: Any, smtp: Any) -> None:
    happen("thing-7", to=("zoe@example.com",))
    (message,) = smtp.sink.messages
    assert message["Subject"] == "Something happened: thing-7"
    assert message["To"] == "zoe@example.com"
    assert message["X-Event-Id"]
    parts = {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "thing-7 happened" in parts["text/plain"]
    assert "<p>thing-7 happened.</p>" in parts["text/html"]
