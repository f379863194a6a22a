"""What pricing needs from a higher app, declared here so that every layer of pricing can reach it
(pricing.public re-exports it for the app that provides it)."""

from __future__ import annotations

from uuid import UUID

from core.ports import Port

# Provided by scheduling: a site's IANA timezone by its public id (None if unknown), so that a quote
# for a site and a start applies the price rules on the site's local wall-clock time.
site_timezone: Port[[UUID], str | None] = Port(
    "pricing.site_timezone", answers="a site's IANA timezone by its public id"
)
