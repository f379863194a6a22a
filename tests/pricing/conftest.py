from __future__ import annotations

from collections.abc import Iterator

import pytest

from pricing.public import site_timezone


@pytest.fixture(autouse=True)
def _keep_site_timezone() -> Iterator[None]:
    """Tests that plug their own site_timezone put back what was there (scheduling's, once it
    provides it), so that other apps' tests see the real one."""
    previous = site_timezone._impl
    yield
    site_timezone.provide(previous)
