"""Secrets and signatures per the Standard Webhooks specification, through its reference library
(`standardwebhooks`): the secret is "whsec_" + base64 of random bytes; each delivery carries
`webhook-id`, `webhook-timestamp` and `webhook-signature` ("v1,<base64 HMAC-SHA256 of
id.timestamp.body>", several separated by spaces while a rotated secret still signs)."""

from __future__ import annotations

import base64
import math
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature_headers(
    *, message_id: str, body: str, at: datetime, secrets: Sequence[str]
) -> dict[str, str]:
    """The three headers of one attempt, signed with every secret given (current first)."""
    # The library reads a naive or UTC datetime as UTC, and floors it to the second as we do.
    moment = at.astimezone(UTC)
    signatures = [
        Webhook(secret).sign(msg_id=message_id, timestamp=moment, data=body) for secret in secrets
    ]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(math.floor(moment.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def masked(secret: str) -> str:
    """What the admin shows of a secret after it was made: enough to tell two apart."""
    return f"{secret[: len(SECRET_PREFIX) + 4]}…{secret[-4:]}" if secret else ""
