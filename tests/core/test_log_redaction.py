"""No line of the log carries a password, a token, an Authorization header or an e-mail address
(core.logging.RedactingFilter, on the configured handler: docs/rules/observability.md): records
that carry them, in the message, its arguments, `extra` fields or a traceback, come out masked."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from core.logging import JsonFormatter, RedactingFilter, RequestIdFilter, redact

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiIsInR5cGUiOiJyZWZyZXNoIn0"
    ".c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
)
SECRETS = [
    "hunter2-Secret!",
    JWT,
    "opaque-api-token-123",
    "marie.curie@example.com",
    "Zm9vOmJhcg==",
]


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def _written(stream: io.StringIO) -> str:
    text = stream.getvalue()
    for line in text.splitlines():
        json.loads(line)  # still one JSON object a line
    return text


def test_the_configured_handler_redacts() -> None:
    from django.conf import settings

    assert "redact" in settings.LOGGING["handlers"]["console"]["filters"]
    assert any(
        isinstance(f, RedactingFilter) for h in logging.getLogger().handlers for f in h.filters
    )


def test_secrets_in_the_message_and_its_arguments_are_masked(
    log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log
    logger.info("login for %s with password=%s", "marie.curie@example.com", "hunter2-Secret!")
    logger.info("refresh token: %s", JWT)
    logger.info("got Authorization: Bearer %s from client", "opaque-api-token-123")
    logger.info('body {"email": "marie.curie@example.com", "password": "hunter2-Secret!"}')
    logger.info("basic auth header: Basic Zm9vOmJhcg==")
    logger.info("url /reset?token=opaque-api-token-123&lang=fr")
    text = _written(stream)
    for secret in SECRETS:
        assert secret not in text
    lines = [json.loads(line)["message"] for line in text.splitlines()]
    assert lines[0] == "login for m***@example.com with password=[redacted]"
    assert lines[1] == "refresh token: [redacted]"
    assert lines[2] == "got Authorization: Bearer [redacted] from client"
    assert lines[3] == 'body {"email": "m***@example.com", "password": "[redacted]"}'
    assert lines[4] == "basic auth header: Basic [redacted]"
    assert lines[5] == "url /reset?token=[redacted]&lang=fr"


def test_secrets_in_extra_fields_are_masked(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.warning(
        "sign-in",
        extra={
            "password": "hunter2-Secret!",
            "access_token": "opaque-api-token-123",
            "refresh": JWT,
            "account": "marie.curie@example.com",
            "headers": {"Authorization": "Bearer opaque-api-token-123", "Accept": "text/html"},
            "client_ip": "203.0.113.5",
            "status": 401,
        },
    )
    text = _written(stream)
    for secret in SECRETS:
        assert secret not in text
    line = json.loads(text)
    assert line["password"] == "[redacted]"
    assert line["access_token"] == "[redacted]"
    assert line["refresh"] == "[redacted]"
    assert line["account"] == "m***@example.com"
    assert "text/html" in line["headers"]
    assert (line["client_ip"], line["status"]) == ("203.0.113.5", 401)


def test_a_traceback_is_masked_too(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    try:
        raise ValueError("bad credentials password=hunter2-Secret! for marie.curie@example.com")
    except ValueError:
        logger.exception("sign-in failed")
    text = _written(stream)
    line = json.loads(text)
    assert (
        "ValueError: bad credentials password=[redacted] for m***@example.com" in line["exc_info"]
    )
    for secret in SECRETS:
        assert secret not in text


def test_a_plain_line_is_left_alone() -> None:
    line = "GET /api/v1/bookings 200 12.5ms from 203.0.113.5: 3 queries, access granted"
    assert redact(line) == line


def test_the_e_mail_pattern_is_bounded() -> None:
    """A long run of address characters without an '@' (a request path) costs one pass, not one
    per starting position: the pattern starts only where a run starts and its local part is
    bounded (64 characters, RFC 5321), so a 100-character "local part" is no address."""
    long_local = "a" * 100 + "@example.com"
    assert redact(long_local) == long_local
    assert redact("x" * 64 + "@example.com") == "x***@example.com"
    assert redact("to: jo.doe+tag@example.com.") == "to: j***@example.com."


def test_an_absurdly_long_message_is_truncated_before_it_is_redacted() -> None:
    from core.logging import MAX_REDACTED_LENGTH

    text = "/" + "a" * (MAX_REDACTED_LENGTH * 2) + " password=hunter2"
    out = redact(text)
    assert len(out) < MAX_REDACTED_LENGTH + 100
    assert out.endswith("[truncated]")
    assert "hunter2" not in out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("new_password=hunter2", "new_password=[redacted]"),
        (
            "{'new_password1': 'x', 'old_password': 'y'}",
            "{'new_password1': '[redacted]', 'old_password': '[redacted]'}",
        ),
        ("auth_token=abc&next=/", "auth_token=[redacted]&next=/"),
        ("csrf_token=abc", "csrf_token=[redacted]"),
        ("client_secret: zzz", "client_secret: [redacted]"),
        ("webhook_secret=whsec_abc", "webhook_secret=[redacted]"),
        ("Authorization: Token abc", "Authorization: Token [redacted]"),
        ('{"password": "hunter 2 words"}', '{"password": "[redacted]"}'),
        ("password='two words' then", "password='[redacted]' then"),
        ("Authorization: Bearer abc", "Authorization: Bearer [redacted]"),
        ('{"Authorization": "Basic Zm9v"}', '{"Authorization": "Basic [redacted]"}'),
    ],
)
def test_prefixed_names_quoted_values_and_the_token_scheme_are_masked(
    line: str, expected: str
) -> None:
    assert redact(line) == expected


def test_a_prefixed_extra_name_with_a_number_is_masked(
    log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log
    logger.info("password change", extra={"new_password1": "hunter2-Secret!", "count": 2})
    line = json.loads(_written(stream))
    assert (line["new_password1"], line["count"]) == ("[redacted]", 2)
