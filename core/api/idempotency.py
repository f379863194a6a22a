"""`@idempotent` for DRF view methods that create or change something."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from rest_framework.request import Request
from rest_framework.response import Response

from core import idempotency

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
# What core.idempotency accepts as a key: printable ASCII, no spaces, 1 to 255 characters.
KEY_PATTERN = "^[!-~]{1,255}$"
# Set on a wrapped method: the schema documents the header and the 409/422 it can cause.
MARK = "accepts_idempotency_key"
V = TypeVar("V", bound=Callable[..., Response])


def idempotent(view_method: V) -> V:
    """Runs the method once per (user, Idempotency-Key); retries get the stored response.
    Without the header the method simply runs. Needs an authenticated user.

    The method runs in one transaction with the recording of its answer: the use cases' own
    transactions nest in it, and their after-commit side effects (e-mails) run only once the
    answer is committed with the work. Whatever then happens to a side effect (an exception, a
    worker stopped mid-e-mail), the key replays the committed answer instead of staying "in
    flight". A 5xx rolls the work back and frees the key for a retry."""

    @functools.wraps(view_method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if not key or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        claim = idempotency.idempotency_claim(
            user_id=request.user.pk,
            key=key,
            fingerprint=idempotency.fingerprint(
                method=request.method or "POST", path=request.path, body=request.data
            ),
        )
        if claim.is_replay:
            assert claim.replay_status is not None
            response = Response(claim.replay_body, status=claim.replay_status)
            response["Idempotent-Replayed"] = "true"
            return response

        committed: list[bool] = []
        try:
            with transaction.atomic():
                # Registered first, so it runs first once committed: tells a failing side effect
                # registered after it from a failure before the commit.
                transaction.on_commit(lambda: committed.append(True))
                try:
                    response = view_method(self, request, *args, **kwargs)
                except Exception as exc:
                    # Render the refusal now so that it is the response a retry replays.
                    response = self.handle_exception(exc)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                else:
                    idempotency.idempotency_complete(
                        claim=claim, status=response.status_code, body=response.data
                    )
        except Exception:
            if not committed:
                idempotency.idempotency_release(claim=claim)
                raise
            # The work and its answer are committed: a side effect failed after them.
            logger.exception("an after-commit side effect failed; the answer stands")
        if response.status_code >= 500:
            idempotency.idempotency_release(claim=claim)
        return response

    setattr(wrapper, MARK, True)
    return wrapper  # type: ignore[return-value]
