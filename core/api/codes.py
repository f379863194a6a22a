"""Which error codes an operation answers, by status: the codes its view method declares
(`@error_codes`, the refusals of the use cases it calls) and the kernel's that apply to it (the
framework, the request limits, the idempotency keys, the database, the proxy). The schema lists
them per operation (core.api.schema) and the exception handler checks each answered code against
them (API_ERROR_CODES_CHECK: "raise" in the tests, so a refusal a view does not declare fails the
test that provokes it; "log" elsewhere). docs/rules/api.md, "Error codes"."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from core.api import idempotency
from core.errors import ErrorCode

MARK = "_error_codes"  # the view method's declaration: {status: frozenset of codes}
BODY_METHODS = frozenset({"post", "put", "patch"})
WRITE_METHODS = BODY_METHODS | {"delete"}

_Method = TypeVar("_Method", bound=Callable[..., Any])

# Any operation may answer these (every request passes the same middlewares, authentication,
# throttles and database; nginx answers its own statuses in the same envelope).
_EVERYWHERE: dict[int, tuple[ErrorCode, ...]] = {
    400: (ErrorCode.BAD_REQUEST, ErrorCode.INVALID_HOST, ErrorCode.VALIDATION_ERROR),
    401: (
        ErrorCode.NOT_AUTHENTICATED,
        ErrorCode.AUTHENTICATION_FAILED,
        ErrorCode.TOKEN_NOT_VALID,
        ErrorCode.BAD_AUTHORIZATION_HEADER,
        ErrorCode.USER_NOT_FOUND,
        ErrorCode.USER_INACTIVE,
        ErrorCode.PASSWORD_CHANGED,
    ),
    403: (ErrorCode.PERMISSION_DENIED,),
    404: (ErrorCode.NOT_FOUND,),
    406: (ErrorCode.NOT_ACCEPTABLE,),
    413: (ErrorCode.PAYLOAD_TOO_LARGE,),
    414: (ErrorCode.URI_TOO_LONG,),
    429: (ErrorCode.THROTTLED,),
    500: (ErrorCode.SERVER_ERROR,),
    502: (ErrorCode.BAD_GATEWAY,),
    503: (ErrorCode.SERVICE_UNAVAILABLE,),
    504: (ErrorCode.GATEWAY_TIMEOUT,),
}
# A body is parsed (core.api.parsers), typed and checked field by field (core.api.inputs).
_WITH_BODY: dict[int, tuple[ErrorCode, ...]] = {
    400: (
        ErrorCode.PARSE_ERROR,
        ErrorCode.JSON_TOO_DEEP,
        ErrorCode.INVALID_TEXT,
        ErrorCode.READ_ONLY_FIELD,
        ErrorCode.UNKNOWN_FIELD,
    ),
    415: (ErrorCode.UNSUPPORTED_MEDIA_TYPE,),
}
# A write may wait for a lock longer than the lock timeout (core.api.exceptions: 409 busy).
_WRITE: dict[int, tuple[ErrorCode, ...]] = {409: (ErrorCode.BUSY,)}
# With an Idempotency-Key (core.api.idempotency).
_IDEMPOTENT: dict[int, tuple[ErrorCode, ...]] = {
    409: (ErrorCode.IDEMPOTENCY_IN_FLIGHT, ErrorCode.IDEMPOTENCY_KEY_TAKEN_OVER),
    422: (ErrorCode.IDEMPOTENCY_KEY_REUSED,),
}


def error_codes(
    codes: Mapping[int, Iterable[StrEnum]] | None = None,
) -> Callable[[_Method], _Method]:
    """Declares the codes a view method answers besides the kernel's, by status:
    `@error_codes({404: [VehicleErrorCode.VEHICLE_NOT_FOUND], 409: [...]})`; `@error_codes()`
    for none. Every documented operation has one (the schema refuses one without)."""
    declared = {status: frozenset(listed) for status, listed in (codes or {}).items()}

    def mark(method: _Method) -> _Method:
        setattr(method, MARK, declared)
        return method

    return mark


def _merge(*tables: Mapping[int, Iterable[StrEnum]]) -> dict[int, frozenset[StrEnum]]:
    merged: dict[int, set[StrEnum]] = {}
    for table in tables:
        for status, listed in table.items():
            merged.setdefault(status, set()).update(listed)
    return {status: frozenset(merged[status]) for status in sorted(merged)}


def kernel_codes(method: str, *, idempotent: bool) -> dict[int, frozenset[StrEnum]]:
    """The kernel's codes an operation of this HTTP method answers, by status."""
    name = method.lower()
    tables: list[Mapping[int, Iterable[StrEnum]]] = [_EVERYWHERE]
    if name in BODY_METHODS:
        tables.append(_WITH_BODY)
    if name in WRITE_METHODS:
        tables.append(_WRITE)
    if idempotent:
        tables.append(_IDEMPOTENT)
    return _merge(*tables)


def _handler(view_class: type[Any], method: str) -> Any:
    """The most derived definition of the view's handler of `method` (HEAD is GET's)."""
    names = [method.lower()] + (["get"] if method.lower() == "head" else [])
    for name in names:
        for klass in view_class.__mro__:
            if name in klass.__dict__:
                return klass.__dict__[name]
    return None


def declared_codes(view_class: type[Any], method: str) -> dict[int, frozenset[StrEnum]] | None:
    """What the view's method declares (None: no declaration)."""
    declared: dict[int, frozenset[StrEnum]] | None = getattr(
        _handler(view_class, method), MARK, None
    )
    return declared


def accepts_idempotency_key(view_class: type[Any], method: str) -> bool:
    """Whether this method, or one it overrides, is wrapped by @idempotent."""
    name = method.lower()
    return any(
        getattr(klass.__dict__.get(name), idempotency.MARK, False) for klass in view_class.__mro__
    )


def operation_codes(view_class: type[Any], method: str) -> dict[int, frozenset[StrEnum]] | None:
    """Every code the operation answers, by status (None: the method declares nothing)."""
    declared = declared_codes(view_class, method)
    if declared is None:
        return None
    idempotent = accepts_idempotency_key(view_class, method)
    return _merge(kernel_codes(method, idempotent=idempotent), declared)


def is_listed(view: Any, method: str, status: int, code: str) -> bool:
    """Whether the operation lists `code` for `status`; True for a view that declares nothing
    (not part of the schema: the tests' own views)."""
    if view is None:
        return True
    codes = operation_codes(type(view), method)
    return codes is None or code in codes.get(status, frozenset())
