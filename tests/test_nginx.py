"""The shipped deploy/nginx.conf, run: Debian's nginx on loopback spare ports in front of the app
(the live test server), with only its `listen` ports and the app server's address rewritten.
Headers once each, no version, the client's request id kept, no redirect to a foreign Host, and
nginx's own 413/429/502 under /api/ in the error envelope (docs/rules/security.md, "nginx")."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings

from deploy.nginx_check import SHIPPED, nginx_binary, prepare

pytestmark = pytest.mark.nginx

HOST = "booking.example.com"
SECURITY_HEADERS = (
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Strict-Transport-Security",
    "Cross-Origin-Opener-Policy",
    "X-Request-ID",
)


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rewritten(text: str, *, http: int, https: int, upstream: int) -> str:
    """The shipped config on loopback spare ports, in front of `upstream`; nothing else changes."""
    rules = [
        (r"listen 80\b", f"listen 127.0.0.1:{http}", 2),
        (r"listen 443\b", f"listen 127.0.0.1:{https}", 2),
        (r"server 127\.0\.0\.1:8000 ", f"server 127.0.0.1:{upstream} ", 1),
    ]
    for pattern, replacement, count in rules:
        text, made = re.subn(pattern, replacement, text)
        assert made == count, f"{pattern!r} found {made} times in {SHIPPED}, expected {count}"
    return text


@dataclass
class Edge:
    http_port: int
    https_port: int

    def https(self, server_name: str = HOST) -> http.client.HTTPSConnection:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # our throw-away self-signed certificate
        connection = http.client.HTTPSConnection(
            server_name, self.https_port, context=context, timeout=10
        )
        port = self.https_port
        connection._create_connection = lambda _address, *args, **kwargs: socket.create_connection(  # type: ignore[attr-defined]
            ("127.0.0.1", port), *args, **kwargs
        )
        return connection

    def http(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)


@contextmanager
def _nginx(prefix: Path, *, upstream: int) -> Iterator[Edge]:
    nginx = nginx_binary()
    assert nginx is not None, "nginx is not installed (apt-get install nginx)"
    edge = Edge(http_port=_spare_port(), https_port=_spare_port())
    config = prefix / "booking.conf"
    config.write_text(
        _rewritten(
            SHIPPED.read_text(), http=edge.http_port, https=edge.https_port, upstream=upstream
        )
    )
    wrapper = prepare(prefix, config=config)
    process = subprocess.Popen(
        [nginx, "-p", str(prefix), "-c", str(wrapper), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its workers in its own group, to stop them all if need be
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                socket.create_connection(("127.0.0.1", edge.https_port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start listening in 10 s"
                time.sleep(0.05)
        yield edge
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


@pytest.fixture
def app(settings: Settings) -> Iterator[int]:
    """The app (a fresh WSGI handler, so its middleware reads the settings below) served on a
    loopback spare port; returns the port. What it is asked here touches no database."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    # What production has and the test settings do not: HTTPS is known from nginx's header, and
    # the app itself sends HSTS; the shipped server name is an allowed host.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    class Quiet(WSGIRequestHandler):
        disable_nagle_algorithm = True  # else each answer waits on nginx's delayed ACK (40 ms)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def edge(app: int, tmp_path: Path) -> Iterator[Edge]:
    with _nginx(tmp_path, upstream=app) as running:
        yield running


def _get(
    connection: http.client.HTTPConnection, path: str, **headers: str
) -> http.client.HTTPResponse:
    with closing(connection):
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response


def _envelope(
    response: http.client.HTTPResponse, body: bytes, status: int, code: str
) -> dict[str, Any]:
    assert response.status == status
    assert response.getheader("Content-Type") == "application/json"
    error: dict[str, Any] = json.loads(body)["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"] == response.getheader("X-Request-ID")
    for name in SECURITY_HEADERS[:4]:
        assert len(response.msg.get_all(name) or []) == 1, name
    return error


def test_an_app_answer_has_each_header_once_and_no_version(edge: Edge) -> None:
    response = _get(edge.https(), "/health")
    assert response.status == 200
    for name in SECURITY_HEADERS:
        assert len(response.msg.get_all(name) or []) == 1, (name, response.msg.get_all(name))
    assert response.getheader("Strict-Transport-Security", "").startswith("max-age=31536000")
    assert response.getheader("Server") == "nginx"


def test_a_sane_client_request_id_is_kept_and_another_replaced(edge: Edge) -> None:
    kept = _get(edge.https(), "/health", **{"X-Request-ID": "client-trace-0001"})
    assert kept.msg.get_all("X-Request-ID") == ["client-trace-0001"]
    replaced = _get(edge.https(), "/health", **{"X-Request-ID": "bad id {}"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.getheader("X-Request-ID", ""))


def test_the_http_redirect_never_reflects_a_foreign_host(edge: Edge) -> None:
    ours = _get(edge.http(), "/admin/?x=1", Host=HOST)
    assert ours.status == 301
    assert ours.getheader("Location") == f"https://{HOST}/admin/?x=1"
    assert ours.getheader("Server") == "nginx"
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        _get(edge.http(), "/admin/", Host="evil.example")  # closed without an answer
    with pytest.raises(ssl.SSLError):
        _get(edge.https(server_name="evil.example"), "/admin/")  # handshake refused


def test_a_body_over_the_limit_is_a_413_envelope(edge: Edge) -> None:
    for language, message in (
        ("en-GB,en;q=0.8", "The request body is too large."),
        ("fr-FR,fr;q=0.9", "Le corps de la requête est trop volumineux."),
    ):
        with closing(edge.https()) as connection:
            connection.putrequest("POST", "/api/v1/auth/register")
            connection.putheader("Content-Type", "application/json")
            connection.putheader("Content-Length", str(3 * 1024 * 1024))
            connection.putheader("Accept-Language", language)
            connection.putheader("X-Request-ID", "big-body-0001")
            connection.endheaders()  # nginx answers on the length alone, before any body
            response = connection.getresponse()
            error = _envelope(response, response.read(), 413, "payload_too_large")
        assert error["message"] == message
        assert error["request_id"] == "big-body-0001"


def test_nginx_s_own_rate_limit_is_a_429_envelope_with_retry_after(edge: Edge) -> None:
    statuses = []
    with closing(edge.https()) as connection:  # one kept-alive connection: no handshake each
        for _ in range(200):  # 20 a second with a burst of 40: a quick loop passes it soon
            connection.request("GET", "/api/v1/nothing")
            response = connection.getresponse()
            body = response.read()
            statuses.append(response.status)
            if response.status != 404:  # the app's own answer until nginx steps in
                break
    assert statuses[-1] == 429, statuses
    assert len(statuses) > 40
    error = _envelope(response, body, 429, "throttled")
    assert response.getheader("Retry-After") == "1"
    assert error["details"] == {"retry_after_seconds": 1}


def test_an_unreachable_app_is_a_502_envelope(tmp_path: Path) -> None:
    with _nginx(tmp_path, upstream=_spare_port()) as down, closing(down.https()) as connection:
        connection.request("GET", "/api/v1/services")  # nothing listens on the app's port
        response = connection.getresponse()
        error = _envelope(response, response.read(), 502, "bad_gateway")
        assert response.getheader("Retry-After") == "5"
        assert re.fullmatch(r"[0-9a-f]{32}", error["request_id"])


def test_what_nginx_cannot_read_is_the_envelope_too(edge: Edge) -> None:
    """A request line or a header over nginx's buffers is refused before any location is chosen
    (nginx cannot know it is under /api/): it is the envelope wherever it was sent."""
    with closing(edge.https()) as connection:
        connection.request("GET", "/api/v1/services?q=" + "x" * 9000)
        response = connection.getresponse()
        _envelope(response, response.read(), 414, "uri_too_long")
    with closing(edge.https()) as connection:
        connection.request("GET", "/api/v1/services", headers={"X-Big": "y" * 9000})
        response = connection.getresponse()
        error = _envelope(response, response.read(), 400, "bad_request")
    assert "Retry-After" not in response.msg or response.getheader("Retry-After") == ""
    assert error["details"] == {}
