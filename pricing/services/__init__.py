"""pricing use cases (writes): the catalogue (skills, services with their overrides and options,
options) and its cache, the catalogue import, price rules, promo codes, promo redemption."""

from pricing.services.catalogue import (
    catalogue_changed,
    option_create,
    option_delete,
    option_update,
    service_create,
    service_delete,
    service_options_set,
    service_overrides_replace,
    service_update,
    skill_create,
    skill_delete,
    skill_update,
)
from pricing.services.catalogue_import import ImportSummary, catalogue_import
from pricing.services.price_rules import (
    check_scope,
    price_rule_create,
    price_rule_delete,
    price_rule_update,
)
from pricing.services.promo_codes import (
    promo_code_create,
    promo_code_delete,
    promo_code_update,
)
from pricing.services.promos import promo_redeem, promo_release

__all__ = [
    "ImportSummary",
    "catalogue_changed",
    "catalogue_import",
    "check_scope",
    "option_create",
    "option_delete",
    "option_update",
    "price_rule_create",
    "price_rule_delete",
    "price_rule_update",
    "promo_code_create",
    "promo_code_delete",
    "promo_code_update",
    "promo_redeem",
    "promo_release",
    "service_create",
    "service_delete",
    "service_options_set",
    "service_overrides_replace",
    "service_update",
    "skill_create",
    "skill_delete",
    "skill_update",
]
