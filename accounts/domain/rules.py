"""Account rules on plain values."""

from __future__ import annotations

import re

CUSTOMER = "customer"
OPERATOR = "operator"
TECHNICIAN = "technician"
ROLES = (CUSTOMER, OPERATOR, TECHNICIAN)

LANGUAGES = ("en", "fr")


def supported_language(code: str | None) -> str:
    """The supported language of a language code as Django gives it ("fr-fr", "fr-CA" -> "fr");
    the first one (English) for an unsupported one or none."""
    base = (code or "").lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else LANGUAGES[0]


PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ().\-]{5,19}$")
# What a client may send (for the API's schema): empty, or a phone number, with the surrounding
# whitespace the API trims. Exactly the texts that are empty or match PHONE_PATTERN once trimmed:
# the number's last character is not a space (a trimmed text never ends in one), or "00000 " would
# pass here with its space counted among the digits and fail once trimmed.
PHONE_INPUT_PATTERN = r"^\s*(?:\+?[0-9][0-9 ().\-]{4,18}[0-9().\-])?\s*$"


def normalize_email(email: str) -> str:
    """E-mail is the login and is case-insensitive: we store it trimmed and lower-cased."""
    return email.strip().lower()


def anonymised_email(public_id: str) -> str:
    """What a deleted account's e-mail becomes: unique, not deliverable (the .invalid TLD)."""
    return f"deleted-{public_id}@anonymised.invalid"


WALK_IN_DOMAIN = "walk-in.invalid"


def walk_in_email(public_id: str) -> str:
    """The login of a customer an operator created without an e-mail address (a walk-in): unique,
    never delivered (the .invalid TLD). The customer claims the account later, once an operator
    has put their real address on it, with a password reset."""
    return f"walk-in-{public_id}@{WALK_IN_DOMAIN}"


def is_deliverable(email: str) -> bool:
    """Whether e-mails to this address can reach someone: not a walk-in's or an erased account's
    stand-in (both under the reserved .invalid TLD)."""
    return not email.lower().endswith(".invalid")


def phone_digits(text: str) -> str:
    """The digits of a phone number as typed ("+33 6 12-34" is "33612 34" without the rest):
    what a phone search compares."""
    return "".join(ch for ch in text if ch.isdigit())
