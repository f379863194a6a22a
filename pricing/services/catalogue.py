"""Catalogue cache invalidation (every change to what the listing shows goes through here)."""

from __future__ import annotations

import uuid

from django.db import transaction

from core.cache import shortcut_cache
from pricing.selectors.catalogue import CATALOGUE_VERSION_KEY


def _new_version() -> None:
    # A cache outage must not refuse a catalogue change (shortcut_cache drops the write).
    shortcut_cache.set(CATALOGUE_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def catalogue_changed() -> None:
    """Forgets the cached listing now, and again when the transaction commits: a request served
    between the change and the commit could otherwise cache the old catalogue for an hour."""
    _new_version()
    transaction.on_commit(_new_version)
