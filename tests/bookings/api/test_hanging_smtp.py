"""A mail server that accepts connections and never answers must not break bookings (SPEC §6, §7):
the e-mail gives up after EMAIL_TIMEOUT, the client gets its 201, and the Idempotency-Key is
never left "in flight", even when the worker is stopped in the middle of the e-mail (gunicorn's
timeout raises SystemExit there). These run without a broker, as a first run does, where the
e-mail is sent in the request's process right after its commit; with a worker the request never
talks to SMTP (tests/worker/). The server is a socket on 127.0.0.1 that accepts and stays silent,
for a bounded time."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.core.mail import get_connection
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from bookings.models import Booking
from core.models import EmailNotification, IdempotencyKey, OutboxEvent
from tests.bookings.factories import World, at, make_world
from tests.conftest import FakeClock

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

# Real commits: the e-mail runs when the request's transaction commits, as in production.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("role_groups")]

SILENCE_SECONDS = 20.0  # the server's own bound: it closes whatever it still holds after this


class SilentSmtpServer:
    """Accepts every connection and never sends a byte (no greeting); notes who hung up first."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(8)
        self._socket.settimeout(0.1)
        self.port = int(self._socket.getsockname()[1])
        self.accepted = 0
        self.clients_gave_up = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _address = self._socket.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            thread = threading.Thread(target=self._hold, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _hold(self, conn: socket.socket) -> None:
        deadline = time.monotonic() + SILENCE_SECONDS
        conn.settimeout(0.1)
        with conn:
            while not self._stop.is_set() and time.monotonic() < deadline:
                try:
                    if conn.recv(1024) == b"":  # the client closed: it gave up waiting
                        self.clients_gave_up += 1
                        return
                except TimeoutError:
                    continue
                except OSError:
                    return

    def saw_clients_give_up(self, count: int, within: float = 5.0) -> bool:
        deadline = time.monotonic() + within
        while self.clients_gave_up < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.clients_gave_up == count

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._socket.close()


@pytest.fixture
def silent_smtp() -> Iterator[SilentSmtpServer]:
    server = SilentSmtpServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def world(clock: FakeClock) -> World:
    world = make_world(resources=2)
    clock.set(at(world.day, 8) - timedelta(days=3))
    return world


def _smtp(server: SilentSmtpServer, timeout: float | None) -> Any:
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=timeout,
    )


def _book(client: APIClient, world: World, key: str) -> _MonkeyPatchedResponse:
    body = {
        "vehicle": str(world.vehicle.public_id),
        "service": world.service.code,
        "site": str(world.site.public_id),
        "start": at(world.day, 10).isoformat(),
    }
    return client.post("/api/v1/bookings", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_e_mail_has_a_timeout_by_default() -> None:
    assert settings.EMAIL_TIMEOUT == 10
    smtp = get_connection("django.core.mail.backends.smtp.EmailBackend")
    assert smtp.timeout == 10


def test_a_silent_mail_server_does_not_hold_the_booking(
    silent_smtp: SilentSmtpServer,
    world: World,
    client_for: Callable[[User], APIClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = client_for(world.customer)
    with _smtp(silent_smtp, timeout=0.5):
        response = _book(client, world, "hang-1")
    assert response.status_code == 201, response.content
    # We hung up (EMAIL_TIMEOUT), not the server; its thread notices within its next poll.
    assert silent_smtp.saw_clients_give_up(1)
    assert silent_smtp.accepted == 1
    # The e-mail waits for its next attempt, with what went wrong (core.emails).
    notification = EmailNotification.objects.get()
    assert (notification.status, notification.attempts) == ("queued", 1)
    assert "timed out" in notification.last_error
    key = IdempotencyKey.objects.get(key="hang-1")
    assert (key.status, key.response_status) == (IdempotencyKey.Status.DONE, 201)
    retry = _book(client, world, "hang-1")
    assert (retry.status_code, retry.json()["id"]) == (201, response.json()["id"])
    assert Booking.objects.count() == 1


def _abort_after(seconds: float) -> None:
    """What gunicorn's SIGABRT handler does to a worker past its timeout: SystemExit."""

    def abort(signum: int, frame: Any) -> None:
        raise SystemExit(1)

    signal.signal(signal.SIGALRM, abort)
    signal.setitimer(signal.ITIMER_REAL, seconds)


@pytest.fixture
def no_alarm_left() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGALRM)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.usefixtures("no_alarm_left")
def test_a_worker_stopped_during_the_e_mail_leaves_a_replayable_key(
    silent_smtp: SilentSmtpServer, world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.customer)
    with _smtp(silent_smtp, timeout=None):  # no timeout: the worker's own deadline stops it
        _abort_after(0.5)
        with pytest.raises(SystemExit):
            _book(client, world, "hang-2")
    booking = Booking.objects.get()  # committed before the e-mail
    key = IdempotencyKey.objects.get(key="hang-2")
    assert (key.status, key.response_status) == (IdempotencyKey.Status.DONE, 201)
    retry = _book(client, world, "hang-2")
    assert retry.status_code == 201  # was 409 "still being processed" for 24 h
    assert retry.json()["id"] == str(booking.public_id)
    assert retry["Idempotent-Replayed"] == "true"


def test_an_after_commit_failure_keeps_the_201(
    world: World,
    client_for: Callable[[User], APIClient],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Reading the committed booking for its e-mail fails (in-process, without a broker): the
    booking stands, and so does its 201 (it was a 500, though the booking was made)."""
    from bookings import selectors

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("database hiccup after commit")

    monkeypatch.setattr(selectors, "booking_notice", broken)
    client = client_for(world.customer)
    for key in ("after-1", None):
        headers = {"Idempotency-Key": key} if key else {}
        body = {
            "vehicle": str(world.vehicle.public_id),
            "service": world.service.code,
            "site": str(world.site.public_id),
            "start": at(world.day, 10 if key else 14).isoformat(),
        }
        response = client.post("/api/v1/bookings", body, format="json", headers=headers)
        assert response.status_code == 201, response.content
    assert Booking.objects.count() == 2
    # Nothing was lost: the events wait for the sweeper, with the error.
    assert "dispatching event" in caplog.text
    events = OutboxEvent.objects.filter(type="booking.created")
    assert [(e.dispatched_at, "database hiccup" in e.last_error) for e in events] == [
        (None, True),
        (None, True),
    ]
