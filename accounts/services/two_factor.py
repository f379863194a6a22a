"""Staff two-factor sign-in to the admin (docs/rules/security.md, "Two-factor sign-in"): an
authenticator app (TOTP, django-otp's TOTPDevice) and single-use recovery codes (its
StaticDevice), enrolled once and proved on every staff session when required."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

security_log = logging.getLogger("accounts.security")

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# What the authenticator app shows (TOTPDevice.digits' default, which enrolment keeps).
APP_CODE_DIGITS = 6


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the otpauth:// URI (the QR code's content) and the secret
    for typing in by hand, in groups of four."""

    device_id: int
    uri: str
    secret: str


def is_enrolled(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def step_required(user: User) -> bool:
    """Must this account prove a second factor before the admin? Staff only: when the
    deployment requires it (ADMIN_REQUIRE_2FA), or whenever the account has enrolled."""
    if not user.is_staff:
        return False
    return bool(settings.ADMIN_REQUIRE_2FA) or is_enrolled(user)


def enrolment_start(*, user: User) -> Enrolment:
    """The account's pending (unconfirmed) authenticator, made on the first visit and the same
    on every reload until confirmed, so a scanned code stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    secret = _base32(device.bin_key)
    return Enrolment(
        device_id=device.pk,
        uri=device.config_url,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


@dataclass(frozen=True)
class Confirmed:
    device: TOTPDevice
    recovery_codes: list[str]


def enrolment_confirm(*, user: User, token: str) -> Confirmed | None:
    """The first code from the app confirms it; the account's recovery codes are made anew (the
    only time they are readable). None: a wrong code, nothing changed."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None or not device.verify_token(_digits(token)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _new_recovery_codes(user)
    security_log.info(
        "two-factor enrolment of staff account %s", user.pk, extra={"user_id": user.pk}
    )
    return Confirmed(device=device, recovery_codes=codes)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(int(settings.ADMIN_2FA_RECOVERY_CODES))]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    return codes


def verify(*, user: User, token: str) -> Device | None:
    """The device that accepts `token`: the app's current code, or one of the recovery codes,
    which is then used up. None when none does (or a device's own back-off refuses for now).

    A code goes to the one device it can be for, by its shape: six digits to the app, anything
    else to the recovery codes (any case, spaces ignored). Tried on both, every mistyped app code
    would count against the recovery codes' back-off (and the other way round), until a valid
    recovery code is refused."""
    token = _digits(token)
    if not token:
        return None
    app_code = len(token) == APP_CODE_DIGITS and token.isascii() and token.isdigit()
    wanted: type[Device] = TOTPDevice if app_code else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if not isinstance(device, wanted):
                continue
            if device.verify_token(token if app_code else token.lower()):
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    security_log.warning(
                        "recovery code used by staff account %s (%d left)",
                        user.pk,
                        left,
                        extra={"user_id": user.pk, "recovery_codes_left": left},
                    )
                return device
    return None


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user).count())


def _digits(token: str) -> str:
    return "".join(token.split())


def _base32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode().rstrip("=")
