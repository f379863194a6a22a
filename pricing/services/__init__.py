"""pricing use cases (writes): catalogue cache invalidation, catalogue import, promo redemption."""

from pricing.services.catalogue import catalogue_changed
from pricing.services.promos import promo_redeem, promo_release

__all__ = ["catalogue_changed", "promo_redeem", "promo_release"]
