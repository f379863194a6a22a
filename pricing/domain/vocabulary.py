"""The words and limits of the pricing domain (SPEC §4), shared by models, rules and the API."""

from __future__ import annotations

from decimal import Decimal

SERVICE_KINDS: tuple[str, ...] = (
    "wash",
    "detailing",
    "maintenance",
    "tyres",
    "diagnostics",
    "other",
)

MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 480
DURATION_STEP_MINUTES = 5
# An option adds time to the job; a buffer is clean-up time after it. Neither may exceed a day's
# longest job, and both stay on the 5-minute grid so that slot arithmetic stays whole.
MAX_EXTRA_MINUTES = 480

DEFAULT_TAX_RATE = Decimal("20.00")
MIN_RULE_PERCENTAGE = Decimal("-50")
MAX_RULE_PERCENTAGE = Decimal("100")

PROMO_PERCENT = "percent"
PROMO_AMOUNT = "amount"
PROMO_KINDS: tuple[str, ...] = (PROMO_PERCENT, PROMO_AMOUNT)

# ISO weekday numbers, as datetime.isoweekday() gives them: 1 = Monday ... 7 = Sunday.
WEEKDAYS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)

LINE_SERVICE = "service"
LINE_OPTION = "option"
LINE_MODIFIER = "modifier"
LINE_PROMO = "promo"


def is_valid_duration(minutes: int) -> bool:
    return (
        MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES
        and minutes % DURATION_STEP_MINUTES == 0
    )


def is_valid_extra_minutes(minutes: int) -> bool:
    return 0 <= minutes <= MAX_EXTRA_MINUTES and minutes % DURATION_STEP_MINUTES == 0


def normalize_promo_code(code: str) -> str:
    """Promo codes are case-insensitive: stored and compared trimmed and upper-cased."""
    return code.strip().upper()
