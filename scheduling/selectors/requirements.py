"""What a service needs for a vehicle, resolved in one place: the catalogue (pricing) gives the
duration with options, the buffer and the skill; the vehicle (or the category a client names)
gives the category and energy. Everything else in scheduling works on the ServiceRequirements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _

from core.errors import NotFound
from pricing import public as pricing
from pricing.public import PricingErrorCode, ServiceRequirements
from vehicles import public as vehicles


def requirements_for(
    *,
    service_code: str,
    option_codes: Sequence[str] = (),
    category: str | None = None,
    vehicle_id: UUID | None = None,
    user: Any = None,
    ignore_energy: bool = False,
) -> ServiceRequirements:
    """Either `vehicle_id` (the caller's own vehicle: 401 anonymous, 404 someone else's) or
    `category`. An unknown service is a 404 (service_not_found), as in a quote. `ignore_energy`:
    the requirements even when the service is not done on the vehicle's energy (an
    explanation reports it as a reason)."""
    category, energy = vehicles.profile_for(
        vehicle_id=vehicle_id,
        category=category,
        owner_id=user.pk if getattr(user, "is_authenticated", False) else None,
    )
    try:
        return pricing.service_requirements(
            service_code=service_code,
            category=category,
            option_codes=option_codes,
            energy=None if ignore_energy else energy,
        )
    except NotFound as error:
        raise NotFound(
            _("No service has this code."),
            code=PricingErrorCode.SERVICE_NOT_FOUND,
            details={"service": service_code},
        ) from error
