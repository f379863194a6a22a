"""The codes of scheduling's refusals (the top-level `error.code` of the envelope) besides a
refused start's, which are its reasons (scheduling.domain.explain.Reason). site_not_found and
service_not_found are pricing's (pricing.public.PricingErrorCode): its quotes raise them first."""

from __future__ import annotations

from enum import StrEnum


class SchedulingErrorCode(StrEnum):
    RESOURCE_NOT_FOUND = "resource_not_found"  # 404
    NONEXISTENT_LOCAL_TIME = "nonexistent_local_time"  # 400: a wall time the clocks skip
    SITE_EXISTS = "site_exists"  # 409
    SITE_IN_USE = "site_in_use"  # 409
    RESOURCE_EXISTS = "resource_exists"  # 409
    RESOURCE_IN_USE = "resource_in_use"  # 409
    DATE_EXCEPTION_EXISTS = "date_exception_exists"  # 409
    DATE_EXCEPTION_HITS_BOOKINGS = "date_exception_hits_bookings"  # 409 (the back-office)
