"""Who the client is: X-Forwarded-For is believed only from TRUSTED_PROXIES (none by default)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.views import APIView

from core.client_ip import client_ip, client_ip_from

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        # Nothing trusted (the default): the header is whatever the client wrote.
        ("203.0.113.7", "198.51.100.1", (), "203.0.113.7"),
        ("127.0.0.1", "198.51.100.1", (), "127.0.0.1"),
        # Through our nginx: the hop it appended is the client; what the client wrote is ignored.
        ("127.0.0.1", "198.51.100.1", ("127.0.0.1",), "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", ("127.0.0.1",), "198.51.100.1"),
        # Two proxies of ours (a load balancer, then nginx), by network.
        ("10.0.0.2", "198.51.100.1, 10.0.0.9", ("10.0.0.0/24",), "198.51.100.1"),
        # A direct client that is not one of our proxies cannot claim an address.
        ("203.0.113.7", "198.51.100.1", ("127.0.0.1",), "203.0.113.7"),
        # Every hop is ours: the leftmost one is the client.
        ("127.0.0.1", "10.0.0.9", ("127.0.0.1", "10.0.0.0/8"), "10.0.0.9"),
        # Garbage passed on by our proxy: the proxy that passed it is as far as we can see.
        ("127.0.0.1", "198.51.100.1, not-an-ip", ("127.0.0.1",), "127.0.0.1"),
        ("127.0.0.1", "", ("127.0.0.1",), "127.0.0.1"),
        # A dual-stack listener shows IPv4 peers as IPv4-mapped IPv6.
        ("::ffff:127.0.0.1", "198.51.100.1", ("127.0.0.1",), "198.51.100.1"),
        ("::1", "2001:db8::5", ("::1",), "2001:db8::5"),
    ],
)
def test_client_address(
    remote: str, forwarded: str, trusted: tuple[str, ...], expected: str
) -> None:
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_ip_from(meta, trusted) == expected


def test_the_default_trusts_no_proxy() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "127.0.0.1"


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_escape_the_login_throttle(api_client: APIClient) -> None:
    statuses = [
        api_client.post(
            "/api/v1/auth/token",
            {"email": f"guess{n}@example.com", "password": "nope"},
            format="json",
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(11)
    ]
    assert statuses == [401] * 10 + [429]


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_each_client_has_its_own_count(api_client: APIClient) -> None:
    def attempt(client_address: str) -> int:
        return api_client.post(
            "/api/v1/auth/token",
            {"email": f"someone-{client_address}@example.com", "password": "nope"},
            format="json",
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"6.6.6.6, {client_address}",
        ).status_code

    assert [attempt("198.51.100.1") for _ in range(11)] == [401] * 10 + [429]
    assert attempt("198.51.100.2") == 401


def _views(patterns: list[URLPattern | URLResolver]) -> Iterator[type[APIView]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif hasattr(pattern.callback, "cls"):
            yield pattern.callback.cls


def test_every_throttle_of_every_api_view_counts_by_the_trusted_client_address() -> None:
    throttles = {
        cls for view in _views(get_resolver().url_patterns) for cls in view.throttle_classes
    }
    # The settings hold the classes imported from their paths; DRF's stubs type them as the paths.
    throttles |= set(api_settings.DEFAULT_THROTTLE_CLASSES)  # type: ignore[arg-type]
    assert len(throttles) >= 3  # anon, user, login: the walk found the views
    request = Request(
        RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    )
    for throttle in throttles:
        assert throttle().get_ident(request) == "203.0.113.7", throttle


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_the_access_log_names_the_client(
    api_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="core.access")
    api_client.get("/health", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    (line,) = [r for r in caplog.records if r.name == "core.access"]
    # The address is an attribute the request filter adds to the record (not a LogRecord field).
    assert vars(line)["client_ip"] == "198.51.100.1"
    assert line.getMessage().endswith("from 198.51.100.1")


def _settings_error(**env: str) -> str:
    inherited = {k: v for k, v in os.environ.items() if k not in {"NUM_PROXIES", "TRUSTED_PROXIES"}}
    environ = {**inherited, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    return result.stderr


def test_a_leftover_num_proxies_refuses_to_start() -> None:
    assert "TRUSTED_PROXIES" in _settings_error(NUM_PROXIES="1")


def test_a_malformed_trusted_proxy_is_named() -> None:
    assert "'10.0.0.300'" in _settings_error(TRUSTED_PROXIES="127.0.0.1,10.0.0.300")
