"""Public holidays of a country (and subdivision), from the `holidays` package: a deterministic
table computed in process, so no query and no network. A site without a country has none."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays as holiday_tables

UNKNOWN_COUNTRY = "unknown_country"
UNKNOWN_SUBDIVISION = "unknown_subdivision"
SUBDIVISION_WITHOUT_COUNTRY = "subdivision_without_country"


@lru_cache(maxsize=1)
def _supported() -> Mapping[str, tuple[str, ...]]:
    return {
        country: tuple(subdivisions)
        for country, subdivisions in holiday_tables.list_supported_countries().items()
    }


def region_problem(country: str, subdivision: str) -> str | None:
    """Why (country, subdivision) names no holiday table, or None when it does (or is empty)."""
    if not country:
        return SUBDIVISION_WITHOUT_COUNTRY if subdivision else None
    subdivisions = _supported().get(country)
    if subdivisions is None:
        return UNKNOWN_COUNTRY
    if subdivision and subdivision not in subdivisions:
        return UNKNOWN_SUBDIVISION
    return None


@lru_cache(maxsize=512)
def _year(country: str, subdivision: str, year: int, language: str) -> Mapping[date, str]:
    subdiv = subdivision or None
    table = holiday_tables.country_holidays(country, subdiv=subdiv, years=year)
    languages: tuple[str, ...] = tuple(getattr(table, "supported_languages", ()))
    wanted = language.lower().replace("-", "_")
    chosen = next(
        (code for code in languages if code.lower() == wanted),
        next((code for code in languages if code.split("_")[0] == wanted.split("_")[0]), None),
    )
    # Asked for explicitly: without a language the package answers in the process's locale.
    chosen = chosen or table.default_language
    if chosen:
        table = holiday_tables.country_holidays(country, subdiv=subdiv, years=year, language=chosen)
    return MappingProxyType(dict(table.items()))


def public_holidays(
    country: str, subdivision: str, first: date, last: date, language: str = ""
) -> dict[date, str]:
    """The holidays from `first` to `last` (inclusive) with their names (in `language` when the
    table has it); empty without a country or for one the package does not know."""
    if not country or region_problem(country, subdivision) is not None:
        return {}
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        for day, name in _year(country, subdivision, year, language).items():
            if first <= day <= last:
                found[day] = name
    return found
