"""pricing use cases (writes): catalogue cache invalidation, catalogue import, promo redemption."""

from pricing.services.catalogue import catalogue_changed
from pricing.services.catalogue_import import ImportSummary, catalogue_import
from pricing.services.price_rules import price_rule_ensure, promo_code_ensure
from pricing.services.promos import promo_redeem, promo_release

__all__ = [
    "ImportSummary",
    "catalogue_changed",
    "catalogue_import",
    "price_rule_ensure",
    "promo_code_ensure",
    "promo_redeem",
    "promo_release",
]
