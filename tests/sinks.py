"""Local stand-ins for the outside world, on 127.0.0.1 spare ports, stopped by their fixtures:
an SMTP server (aiosmtpd) that records each message and can refuse for a while or answer slowly,
and an HTTP receiver for webhooks that records each request and answers a chosen status."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO: a test's output is not the place for that.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class SmtpSink:
    """Accepts every message (after `delay` seconds) unless refusing: while `refusing` is set,
        or for the next `refuse_next` messages, it answers 451 (try again later).

        `hold_next` messages are held before the final reply (the sender waits for "250"): `holding`
        is set when one arrives, and `drop_held()` ends the wait as if the sender had died there,
        so the message is not accepted (a real server does not deliver what it never acknowledged;
    aiosmtpd also cancels the wait when the sender's connection closes)."""

    delay: float = 0.0
    refuse_next: int = 0
    refusing: bool = False
    hold_next: int = 0
    holding: threading.Event = field(default_factory=threading.Event)
    messages: list[EmailMessage] = field(default_factory=list)
    refused: int = 0
    held: int = 0
    _release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def drop_held(self) -> None:
        self._release.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            held = self.hold_next > 0
            self.hold_next = max(0, self.hold_next - 1)
        if held:
            with self._lock:
                self.held += 1
            self.holding.set()
            deadline = time.monotonic() + 60
            while not self._release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            return "421 4.4.2 Connection dropped"
        with self._lock:
            if self.refusing or self.refuse_next > 0:
                self.refuse_next = max(0, self.refuse_next - 1)
                self.refused += 1
                return "451 4.3.0 Try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(message)
        return "250 OK"

    def wait_for(self, count: int, *, within: float) -> bool:
        deadline = time.monotonic() + within
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(self.messages) >= count


@dataclass
class RunningSmtp:
    sink: SmtpSink
    port: int


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_smtp(sink: SmtpSink, port: int | None = None) -> tuple[RunningSmtp, Callable[[], None]]:
    # aiosmtpd checks that its server answers by connecting to the port: it must be a real one.
    port = port or spare_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    return RunningSmtp(sink=sink, port=port), controller.stop


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """Answers each POST with the next status of `statuses` (the last one repeats)."""

    statuses: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> int:
        with self._lock:
            return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def wait_for(self, count: int, *, within: float) -> bool:
        deadline = time.monotonic() + within
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(self.received) >= count


def start_receiver(receiver: WebhookReceiver) -> Callable[[], None]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            receiver.received.append(
                Received(path=self.path, headers=dict(self.headers.items()), body=body)
            )
            status = receiver.answer()
            payload = b'{"ok": true}' if status < 300 else b'{"error": "not today"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop


def smtp_fixture(sink: SmtpSink) -> Iterator[RunningSmtp]:
    running, stop = start_smtp(sink)
    try:
        yield running
    finally:
        stop()
