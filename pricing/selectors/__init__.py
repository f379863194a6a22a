"""pricing reads: the catalogue (plain values and the cached public listing), promo codes and the
quote (a read: it computes from the catalogue and writes nothing)."""

from pricing.selectors.catalogue import (
    active_catalogue,
    active_price_rules,
    active_service_listing,
    catalogue_version,
    price_rule_named,
    service_data,
    services_with_catalogue,
    services_with_codes,
)
from pricing.selectors.promos import promo_by_code, promo_data, promo_redemptions, promo_used_by
from pricing.selectors.quotes import (
    booking_terms,
    checked_service,
    local_start_at,
    quote,
    quote_for_request,
    service_requirements,
)

__all__ = [
    "active_catalogue",
    "active_price_rules",
    "active_service_listing",
    "booking_terms",
    "catalogue_version",
    "checked_service",
    "local_start_at",
    "price_rule_named",
    "promo_by_code",
    "promo_data",
    "promo_redemptions",
    "promo_used_by",
    "quote",
    "quote_for_request",
    "service_data",
    "service_requirements",
    "services_with_catalogue",
    "services_with_codes",
]
