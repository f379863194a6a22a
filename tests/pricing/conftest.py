from __future__ import annotations

from collections.abc import Iterator

import pytest

from pricing.public import site_timezone


@pytest.fixture(autouse=True)
def _no_site_timezone_leak() -> Iterator[None]:
    """Tests that plug a site_timezone implementation must not leave it for the next test."""
    yield
    site_timezone.reset()
