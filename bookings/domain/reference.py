"""Short human booking references such as BK-7F3K9Q."""

from __future__ import annotations

import secrets
from collections.abc import Callable

# No 0/O, 1/I/L, U/V: references are read out over the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 6
PREFIX = "BK-"


def new_reference(choice: Callable[[str], str] = secrets.choice) -> str:
    return PREFIX + "".join(choice(ALPHABET) for _ in range(LENGTH))


def normalize_reference(raw: str) -> str:
    """What a person types (lower case, spaces, missing dash) to the stored form."""
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    if cleaned.startswith("BK"):
        cleaned = cleaned[2:]
    return PREFIX + cleaned
