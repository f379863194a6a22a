"""Number plates: how a plate typed by a customer is stored, checked and shown."""

from __future__ import annotations

import re

PLATE_MIN_LENGTH = 2
PLATE_MAX_LENGTH = 12

# Customers type plates as they read them: "ab-123 cd", "AB.123.CD". Only these separators are
# dropped; any other character makes the plate invalid rather than silently vanishing, so that a
# typo ("AB#123") is reported instead of stored as another plate.
_SEPARATORS = re.compile(r"[\s\-.]+")
# What a customer may type, as one pattern (for the API's schema): 2 to 12 ASCII letters and
# digits with separators anywhere. Exactly the texts `normalise_plate` turns into a valid plate.
RAW_PLATE_PATTERN = rf"^[\s\-.]*(?:[A-Za-z0-9][\s\-.]*){{{PLATE_MIN_LENGTH},{PLATE_MAX_LENGTH}}}$"
_VALID = re.compile(rf"[A-Z0-9]{{{PLATE_MIN_LENGTH},{PLATE_MAX_LENGTH}}}")
_FRENCH_SIV = re.compile(r"([A-Z]{2})([0-9]{3})([A-Z]{2})")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalise_plate(raw: str) -> str:
    """Separators removed, ASCII letters upper-cased. Idempotent. Other characters are kept (and
    then refused by `is_valid_plate`): upper-casing "ß" or "ﬁ" would invent letters."""
    return _SEPARATORS.sub("", raw).translate(_ASCII_UPPER)


def is_valid_plate(plate: str) -> bool:
    """A normalised plate: 2 to 12 characters, ASCII letters and digits only."""
    return _VALID.fullmatch(plate) is not None


def display_plate(plate: str) -> str:
    """How a stored plate is shown: the French SIV form AA123AA as AA-123-AA, others as stored."""
    match = _FRENCH_SIV.fullmatch(plate)
    if match is None:
        return plate
    return "-".join(match.groups())
