"""Log plumbing: every record carries the request id (and, with tracing on, the trace and span
ids); no line carries a password, a token, an Authorization header or an e-mail address
(RedactingFilter); production writes one JSON object a line."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from core.request_context import get_request_id
from core.tracing import current_ids

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
    "trace_id",
    "span_id",
}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = get_request_id() or "-"
        ids = current_ids()
        if ids is not None:
            record.trace_id, record.span_id = ids
        return True


MASK = "[redacted]"
# Names whose values are secrets wherever they appear: an `extra` key, a key=value or "key": value
# in a message, a mapping inside an extra.
_SECRET_NAMES = (
    r"password|passwd|pwd|secret|token|access_token|refresh_token|access|refresh|"
    r"authorization|api[_-]?key|cookie|session(?:id)?|csrf(?:token)?"
)
# A secret name, alone or prefixed ("new_password", "csrf_token", "webhook_secret"), maybe numbered
# ("new_password1": Django's password forms).
_SECRET_NAME = rf"(?:[a-z0-9_\-]{{0,64}}[_\-])?(?:{_SECRET_NAMES})\d*"
_SECRET_KEY = re.compile(rf"^{_SECRET_NAME}$", re.IGNORECASE)
_SCHEMES = r"(?:Bearer|Basic|Token)\s+"
_KEY_VALUE = re.compile(
    # the name starts where a run of name characters starts (not "xpassword", and one pass a run)
    rf"""(?P<key>(?<![a-z0-9_\-]){_SECRET_NAME}["']?\s*[:=]\s*)(?P<quote>["'])?"""
    # an Authorization value's scheme is kept, not what is masked already
    rf"""(?:(?P<scheme>{_SCHEMES})|(?!{_SCHEMES}))(?!\[redacted\])"""
    # a quoted value up to its closing quote (spaces and all), else up to a separator
    r"""(?P<value>(?(quote)(?:(?!(?P=quote))[^\n])+|[^\s"',;&}]+))""",
    re.IGNORECASE,
)
_AUTH_SCHEME = re.compile(r"\b(Bearer|bearer|Basic)\s+[A-Za-z0-9._~+/=\-]+")
# A JSON Web Token anywhere (header.payload.signature, base64url; the header starts "eyJ").
_JWT = re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*")
# Starts only where a run of address characters starts, and the local part is bounded (64, RFC
# 5321), the domain too (253): a long run without an '@' (a request path) costs one pass, not one
# per starting position.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?P<first>[A-Za-z0-9_%+\-])[A-Za-z0-9._%+\-]{0,63}"
    r"@(?P<domain>[A-Za-z0-9.\-]{1,253}\.[A-Za-z]{2,63})(?![A-Za-z])"
)
# What is longer is cut before it is redacted (a log line is no place for it anyway).
MAX_REDACTED_LENGTH = 16 * 1024
TRUNCATED = "...[truncated]"


def redact(text: str) -> str:
    """`text` without the secrets and with e-mail addresses masked to their first letter and
    their domain ("o***@example.com": enough to tell accounts apart in an incident, not to
    write to anyone). Longer than MAX_REDACTED_LENGTH, it is cut there first."""
    if len(text) > MAX_REDACTED_LENGTH:
        text = text[:MAX_REDACTED_LENGTH] + TRUNCATED
    text = _JWT.sub(MASK, text)
    text = _AUTH_SCHEME.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _KEY_VALUE.sub(
        lambda m: f"{m.group('key')}{m.group('quote') or ''}{m.group('scheme') or ''}{MASK}", text
    )
    return _EMAIL.sub(lambda m: f"{m.group('first')}***@{m.group('domain')}", text)


def _redact_value(key: str, value: object) -> object:
    if _SECRET_KEY.match(key):
        return MASK
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {str(k): _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value("", v) for v in value]
    # Anything else (a request object) stays itself for other handlers; JsonFormatter writes its
    # repr, redacted.
    return value


class RedactingFilter(logging.Filter):
    """Masks secrets and e-mail addresses in the message, its arguments, the `extra` fields and
    the traceback, before any formatter sees them (on the handler: every logger's records, ours
    and the libraries'). A last line of defence: code still never logs a secret on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, redacted
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                setattr(record, key, _redact_value(key, value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or get_request_id(),
        }
        for ids in ("trace_id", "span_id"):
            if getattr(record, ids, None):
                payload[ids] = getattr(record, ids)
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                plain = isinstance(value, str | int | float | bool) or value is None
                payload[key] = value if plain else redact(repr(value))
        if record.exc_info or record.exc_text:
            payload["exc_info"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        if record.stack_info:
            payload["stack_info"] = record.stack_info
        return json.dumps(payload, ensure_ascii=False)
