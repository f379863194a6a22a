"""Typed business errors. Raised by domain code and services, rendered once by the API exception
handler (core.api.exceptions), shown as messages by the admin and turned into CommandError by
commands. Plain Python: no framework import here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    """The kernel's codes: what any operation can answer (the framework's refusals, the request
    limits, the idempotency keys, the database and the proxy) and the defaults of the errors below.
    Each app's own codes are an enum of its domain (docs/rules/api.md, "Error codes"); a member is
    a str, so it renders and compares as its value."""

    # 400
    INVALID = "invalid"  # DomainError's default, never raised as such
    VALIDATION_ERROR = "validation_error"
    READ_ONLY_FIELD = "read_only_field"  # core.api.inputs.StrictInput
    UNKNOWN_FIELD = "unknown_field"  # core.api.inputs.StrictInput
    BAD_REQUEST = "bad_request"
    PARSE_ERROR = "parse_error"  # DRF: the body is not JSON
    JSON_TOO_DEEP = "json_too_deep"  # core.api.parsers
    INVALID_TEXT = "invalid_text"  # core.api.parsers
    INVALID_HOST = "invalid_host"  # core.views: a Host header we do not serve
    # 401 (DRF's, simplejwt's and accounts')
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    TOKEN_NOT_VALID = "token_not_valid"
    BAD_AUTHORIZATION_HEADER = "bad_authorization_header"
    USER_NOT_FOUND = "user_not_found"  # simplejwt: the token's user; accounts: 404
    USER_INACTIVE = "user_inactive"
    PASSWORD_CHANGED = "password_changed"  # simplejwt's CHECK_REVOKE_TOKEN
    # 403, 404, 405, 406
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    # 409
    CONFLICT = "conflict"
    BUSY = "busy"
    IDEMPOTENCY_IN_FLIGHT = "idempotency_in_flight"
    IDEMPOTENCY_KEY_TAKEN_OVER = "idempotency_key_taken_over"
    # 413, 414, 415, 422, 429
    PAYLOAD_TOO_LARGE = "payload_too_large"
    URI_TOO_LONG = "uri_too_long"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UNPROCESSABLE = "unprocessable"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    THROTTLED = "throttled"
    # 5xx
    SERVER_ERROR = "server_error"
    BAD_GATEWAY = "bad_gateway"  # nginx (deploy/nginx.conf)
    SERVICE_UNAVAILABLE = "service_unavailable"
    GATEWAY_TIMEOUT = "gateway_timeout"  # nginx (deploy/nginx.conf)
    ERROR = "error"  # DRF's generic default; what an unknown framework code is answered as


def gettext_noop(message: str) -> str:
    """Marks a message of plain-Python code for translation (`makemessages` extracts it); it is
    translated when rendered, in the reader's language (DomainError.translated)."""
    return message


def _translated_params(
    params: Mapping[str, Any], translate: Callable[[str], str]
) -> dict[str, Any]:
    return {
        name: value.translated(translate) if isinstance(value, Text) else value
        for name, value in params.items()
    }


class Text(str):
    """A message of plain-Python code for somewhere other than an error's own message (a field's
    detail, a word inside a message): a %-template marked with gettext_noop and its params. As a
    str it is the English text, so comparisons and JSON keep working; `translated` gives it in the
    reader's language (the API handler and the admin call it when they render the error)."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Text:
        english = template % _translated_params(params, str) if params else template
        text = super().__new__(cls, english)
        text.template = template
        text.params = params
        return text

    def translated(self, translate: Callable[[str], str]) -> str:
        text = translate(self.template)
        if not self.params:
            return text
        try:
            return text % _translated_params(self.params, translate)
        except (KeyError, TypeError, ValueError):  # a broken translation must not hide the text
            return str.__str__(self)


def translate_details(details: Any, translate: Callable[[str], str]) -> Any:
    """`details` with every Text in it translated (dicts and lists walked; the rest unchanged)."""
    if isinstance(details, Text):
        return details.translated(translate)
    if isinstance(details, Mapping):
        return {key: translate_details(value, translate) for key, value in details.items()}
    if isinstance(details, list | tuple):
        return [translate_details(value, translate) for value in details]
    return details


class DomainError(Exception):
    """A refusal with a stable machine-readable `code` and a human message.

    The message may be a %-template with `params` so that it can be translated as a whole:
    `Conflict(gettext_noop("At most %(hours)s h before."), params={"hours": 24})`."""

    status: ClassVar[int] = 400
    code: StrEnum = ErrorCode.INVALID
    default_message: ClassVar[str] = gettext_noop("The request was refused.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: StrEnum | None = None,
        details: dict[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.template = str(message) if message is not None else self.default_message
        self.params: dict[str, Any] = dict(params or {})
        self.text = Text(self.template, **self.params)
        self.message = str.__str__(self.text)
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = details or {}
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)

    def translated(self, translate: Callable[[str], str]) -> str:
        """The message in the active language (`translate` is gettext)."""
        return self.text.translated(translate)

    def detail_lines(self, translate: Callable[[str], str]) -> list[str]:
        """The details as short lines for a person (the admin shows them after the message):
        the per-field messages. An error with richer details words them itself."""
        details = translate_details(self.details, translate)
        return [
            f"{field}: {' '.join(str(m) for m in msgs)}"
            for field, msgs in details.items()
            if isinstance(msgs, list | tuple)
        ]


class ValidationFailed(DomainError):
    """Input that breaks a rule of its own (400, with per-field details)."""

    status = 400
    code: StrEnum = ErrorCode.VALIDATION_ERROR
    default_message = gettext_noop("Invalid input.")


class Unauthenticated(DomainError):
    """Credentials missing, wrong, expired or revoked (401)."""

    status = 401
    code: StrEnum = ErrorCode.NOT_AUTHENTICATED
    default_message = gettext_noop("Authentication credentials were not provided or are not valid.")


class PermissionDenied(DomainError):
    status = 403
    code: StrEnum = ErrorCode.PERMISSION_DENIED
    default_message = gettext_noop("You do not have permission to perform this action.")


class NotFound(DomainError):
    """Also used for other customers' objects: we never reveal that they exist."""

    status = 404
    code: StrEnum = ErrorCode.NOT_FOUND
    default_message = gettext_noop("Not found.")


class Conflict(DomainError):
    """A business rule or the current state refuses the request (409)."""

    status = 409
    code: StrEnum = ErrorCode.CONFLICT
    default_message = gettext_noop("The request conflicts with the current state.")


class LockTimeout(Conflict):
    """A lock was not had within the lock timeout (or the database broke a deadlock): someone
    else is changing the same thing right now. 409, and the API adds `Retry-After`. Raised by
    core.locking.locked_transaction; each caller names what is busy (its message and code)."""

    code: StrEnum = ErrorCode.BUSY
    default_message = gettext_noop("Someone else is changing this right now; try again.")
    retry_after_seconds: ClassVar[int] = 1


class Unprocessable(DomainError):
    status = 422
    code: StrEnum = ErrorCode.UNPROCESSABLE
    default_message = gettext_noop("The request cannot be processed.")


class ServiceUnavailable(DomainError):
    status = 503
    code: StrEnum = ErrorCode.SERVICE_UNAVAILABLE
    default_message = gettext_noop("A backing service is unavailable; try again shortly.")
