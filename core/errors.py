"""Typed business errors. Raised by domain code and services, rendered once by the API exception
handler (core.api.exceptions), shown as messages by the admin and turned into CommandError by
commands. Plain Python: no framework import here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar


def gettext_noop(message: str) -> str:
    """Marks a message of plain-Python code for translation (`makemessages` extracts it); it is
    translated when rendered, in the reader's language (DomainError.translated)."""
    return message


class DomainError(Exception):
    """A refusal with a stable machine-readable `code` and a human message.

    The message may be a %-template with `params` so that it can be translated as a whole:
    `Conflict(gettext_noop("At most %(hours)s h before."), params={"hours": 24})`."""

    status: ClassVar[int] = 400
    code: str = "invalid"
    default_message: ClassVar[str] = "The request was refused."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.template = str(message) if message is not None else self.default_message
        self.params: dict[str, Any] = dict(params or {})
        self.message = self.template % self.params if self.params else self.template
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = details or {}
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)

    def translated(self, translate: Callable[[str], str]) -> str:
        """The message in the active language (`translate` is gettext)."""
        text = translate(self.template)
        if not self.params:
            return text
        try:
            return text % self.params
        except (KeyError, TypeError, ValueError):  # a broken translation must not hide the error
            return self.message


class ValidationFailed(DomainError):
    """Input that breaks a rule of its own (400, with per-field details)."""

    status = 400
    code = "validation_error"
    default_message = "Invalid input."


class Unauthenticated(DomainError):
    """Credentials missing, wrong, expired or revoked (401)."""

    status = 401
    code = "not_authenticated"
    default_message = "Authentication credentials were not provided or are not valid."


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = "You do not have permission to perform this action."


class NotFound(DomainError):
    """Also used for other customers' objects: we never reveal that they exist."""

    status = 404
    code = "not_found"
    default_message = "Not found."


class Conflict(DomainError):
    """A business rule or the current state refuses the request (409)."""

    status = 409
    code = "conflict"
    default_message = "The request conflicts with the current state."


class Unprocessable(DomainError):
    status = 422
    code = "unprocessable"
    default_message = "The request cannot be processed."


class ServiceUnavailable(DomainError):
    status = 503
    code = "service_unavailable"
    default_message = "A backing service is unavailable; try again shortly."
