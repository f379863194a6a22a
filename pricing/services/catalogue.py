"""Catalogue cache invalidation (every change to what the listing shows goes through here)."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

from pricing.selectors.catalogue import CATALOGUE_VERSION_KEY

logger = logging.getLogger(__name__)


def _new_version() -> None:
    try:
        cache.set(CATALOGUE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # a cache outage must not refuse a catalogue change
        logger.warning("could not invalidate the catalogue cache", exc_info=True)


def catalogue_changed() -> None:
    """Forgets the cached listing now, and again when the transaction commits: a request served
    between the change and the commit could otherwise cache the old catalogue for an hour."""
    _new_version()
    transaction.on_commit(_new_version)
