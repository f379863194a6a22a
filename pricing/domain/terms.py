"""What other apps take from the catalogue to place and price a booking, as plain values."""

from __future__ import annotations

from dataclasses import dataclass

from pricing.domain.catalogue import ServiceData
from pricing.domain.quote import Quote


@dataclass(frozen=True)
class ServiceRequirements:
    """What scheduling needs to place a service for one vehicle category (options included)."""

    code: str
    name: str
    duration_minutes: int
    buffer_after_minutes: int
    required_skill: str | None  # Skill.code, or None when any resource can do it

    @classmethod
    def of(cls, service: ServiceData, *, minutes: int) -> ServiceRequirements:
        """`service` taking `minutes` of work (for a category, with its options)."""
        return cls(
            code=service.code,
            name=service.name,
            duration_minutes=minutes,
            buffer_after_minutes=service.buffer_after_minutes,
            required_skill=service.required_skill,
        )


@dataclass(frozen=True)
class BookingTerms:
    """A booking's service, scheduling requirements and strict quote from one catalogue read."""

    service_pk: int
    requirements: ServiceRequirements
    quote: Quote
