"""accounts.services.two_factor.verify sends each code to the one device it can be for: six digits
to the authenticator app, anything else to the recovery codes (any case, spaces ignored), so a
mistyped app code never counts against the recovery codes' back-off, nor the other way round."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services import two_factor
from tests.accounts.admin.test_two_factor import code, enrolled
from tests.accounts.factories import OperatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> User:
    return OperatorFactory.create(email="op@example.com")


def test_a_recovery_code_still_works_after_many_wrong_app_codes(operator: User) -> None:
    enrolled(operator)
    for _ in range(20):
        assert two_factor.verify(user=operator, token="000000") is None
    device = two_factor.verify(user=operator, token="AAAA 2222")
    assert isinstance(device, StaticDevice)
    assert two_factor.recovery_codes_left(operator) == 1


def test_the_app_code_still_works_after_wrong_recovery_codes(operator: User) -> None:
    app, _ = enrolled(operator)
    for _ in range(20):
        assert two_factor.verify(user=operator, token="zzzz9999") is None
    assert isinstance(two_factor.verify(user=operator, token=code(app)), TOTPDevice)
    app.refresh_from_db()
    assert app.throttling_failure_count == 0


def test_an_api_login_with_the_password_does_not_reset_the_wrong_code_count(operator: User) -> None:
    """ADR 0013: the password alone never resets the account's count of wrong codes when a code
    step follows; the API (JWT) has no code step, so its password login must not either."""
    from django.conf import settings

    from accounts import services
    from tests.accounts.factories import PASSWORD

    enrolled(operator)
    limit = int(settings.STAFF_LOGIN_FAILURES_PER_ACCOUNT)
    for _ in range(limit - 1):  # wrong codes at the admin's two-factor step
        services.staff_login_failed(email=operator.email, ip="203.0.113.5", entry="admin")
    services.token_obtain(email=operator.email, password=PASSWORD)
    services.staff_login_failed(email=operator.email, ip="203.0.113.5", entry="admin")
    assert services.staff_login_wait(email=operator.email, ip=None) > 0


def test_an_api_login_resets_the_count_of_an_account_without_a_code_step() -> None:
    from django.conf import settings

    from accounts import services
    from tests.accounts.factories import PASSWORD

    operator = OperatorFactory.create(email="plain@example.com")
    for _ in range(int(settings.STAFF_LOGIN_FAILURES_PER_ACCOUNT) - 1):
        services.staff_login_failed(email=operator.email, ip=None, entry="API")
    services.token_obtain(email=operator.email, password=PASSWORD)
    services.staff_login_failed(email=operator.email, ip=None, entry="API")
    assert services.staff_login_wait(email=operator.email, ip=None) == 0
