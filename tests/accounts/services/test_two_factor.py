"""accounts.services.two_factor.verify sends each code to the one device it can be for: six digits
to the authenticator app, anything else to the recovery codes (any case, spaces ignored), so a
mistyped app code never counts against the recovery codes' back-off, nor the other way round."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import two_factor
from tests.accounts.admin.test_two_factor import code, enrolled
from tests.accounts.factories import OperatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Any:
    return OperatorFactory(email="op@example.com")


def test_a_recovery_code_still_works_after_many_wrong_app_codes(operator) -> None:
    enrolled(operator)
    for _ in range(20):
        assert two_factor.verify(user=operator, token="000000") is None
    device = two_factor.verify(user=operator, token="AAAA 2222")
    assert isinstance(device, StaticDevice)
    assert two_factor.recovery_codes_left(operator) == 1


def test_the_app_code_still_works_after_wrong_recovery_codes(operator) -> None:
    app, _ = enrolled(operator)
    for _ in range(20):
        assert two_factor.verify(user=operator, token="zzzz9999") is None
    assert isinstance(two_factor.verify(user=operator, token=code(app)), TOTPDevice)
    app.refresh_from_db()
    assert app.throttling_failure_count == 0
