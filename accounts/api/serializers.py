from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.domain.rules import LANGUAGES, PHONE_INPUT_PATTERN
from accounts.models import LANGUAGE_LABELS, User
from accounts.selectors import user_roles
from core.api.fields import StrictCharField, StrictEmailField
from core.api.inputs import StrictInput

# Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), in words: no schema says them.
PASSWORD_HELP = _(
    "At least 8 characters, not all digits, not a common password and not like your e-mail or name."
)

# The same choices as the model's field (one enum in the schema).
LANGUAGE_CHOICES = [(code, LANGUAGE_LABELS.get(code, code)) for code in LANGUAGES]


class RegisterSerializer(serializers.Serializer[Any]):
    email = StrictEmailField(max_length=254)
    password = StrictCharField(
        write_only=True,
        max_length=128,
        style={"input_type": "password"},
        trim_whitespace=False,
        help_text=PASSWORD_HELP,
    )
    first_name = StrictCharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = StrictCharField(max_length=150, required=False, allow_blank=True, default="")
    phone = StrictCharField(
        max_length=20,
        openapi_pattern=PHONE_INPUT_PATTERN,
        required=False,
        allow_blank=True,
        default="",
    )
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False, default="en")


class UserSerializer(serializers.ModelSerializer[User]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    roles = serializers.SerializerMethodField()
    email_verified = serializers.SerializerMethodField(
        help_text=_("Whether the owner proved the address is theirs (the link of the e-mail).")
    )

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "language",
            "email_verified",
            "roles",
            "date_joined",
        )
        read_only_fields = ("id", "email", "email_verified", "roles", "date_joined")

    def get_roles(self, user: User) -> list[str]:
        return sorted(user_roles(user))

    def get_email_verified(self, user: User) -> bool:
        return user.email_verified_at is not None


class ProfileUpdateSerializer(StrictInput):
    """The profile fields that may change. Any other field answers 400: `read_only_field` for a
    field of the account, `unknown_field` otherwise; nothing is changed."""

    resource = UserSerializer

    first_name = StrictCharField(max_length=150, required=False, allow_blank=True)
    last_name = StrictCharField(max_length=150, required=False, allow_blank=True)
    phone = StrictCharField(
        max_length=20, openapi_pattern=PHONE_INPUT_PATTERN, required=False, allow_blank=True
    )
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)


class TokenObtainSerializer(serializers.Serializer[Any]):
    email = StrictCharField(max_length=254)
    password = StrictCharField(
        write_only=True, max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )
    device = StrictCharField(
        max_length=400,
        required=False,
        allow_blank=True,
        help_text=_(
            "The `device` token of this device's last login to this account: such a device is "
            "not held back by others' failed attempts on the account."
        ),
    )


class RefreshSerializer(serializers.Serializer[Any]):
    refresh = StrictCharField(max_length=4096, help_text=_("A refresh token."))


class TokenPairSerializer(serializers.Serializer[Any]):
    access = serializers.CharField(help_text=_("Bearer token for the API, valid 15 minutes."))
    refresh = serializers.CharField(help_text=_("Single-use token to get a new pair, 7 days."))


class LoginSerializer(TokenPairSerializer):
    device = serializers.CharField(
        help_text=_(
            "Keep it on this device and send it with its next logins to this account "
            "(each login renews it; by default it expires after 90 days without one)."
        )
    )


class PasswordChangeSerializer(serializers.Serializer[Any]):
    old_password = StrictCharField(
        max_length=128, trim_whitespace=False, help_text=_("Your current password.")
    )
    new_password = StrictCharField(max_length=128, trim_whitespace=False, help_text=PASSWORD_HELP)


class PersonalDataSerializer(serializers.Serializer[Any]):
    """The export: accounts' own sections, then one per app that holds personal data (added by
    `personal_data_requested`'s receivers: vehicles, bookings and their history)."""

    exported_at = serializers.DateTimeField()
    profile = serializers.DictField()
    sessions = serializers.ListField(child=serializers.DictField())  # sign-ins
    notifications = serializers.ListField(child=serializers.DictField())  # e-mails sent
    vehicles = serializers.ListField(child=serializers.DictField())
    bookings = serializers.ListField(child=serializers.DictField())
    booking_events = serializers.ListField(child=serializers.DictField())  # their history


class PasswordResetSerializer(serializers.Serializer[Any]):
    email = StrictEmailField(max_length=254, help_text=_("The e-mail address of the account."))


class PasswordResetConfirmSerializer(serializers.Serializer[Any]):
    token = StrictCharField(
        max_length=200, help_text=_("The token from the reset link (its `token` parameter).")
    )
    new_password = StrictCharField(max_length=128, trim_whitespace=False, help_text=PASSWORD_HELP)


class AcceptedSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What happens next, for a person to read."))


class VerifyEmailSerializer(serializers.Serializer[Any]):
    token = StrictCharField(
        max_length=400, help_text=_("The token from the verification link (its `token` parameter).")
    )


class SessionSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    created_at = serializers.DateTimeField(help_text=_("When this device signed in."))
    last_used_at = serializers.DateTimeField(
        help_text=_("When it last signed in or renewed its tokens (POST auth/token/refresh).")
    )
    expires_at = serializers.DateTimeField(
        help_text=_("When its refresh token expires unless renewed.")
    )
    user_agent = serializers.CharField(help_text=_("The User-Agent it last sent."))
    ip = serializers.IPAddressField(
        allow_null=True, help_text=_("The client address it last came from.")
    )
    current = serializers.SerializerMethodField(
        help_text=_("Whether this is the session of the request's access token.")
    )

    def get_current(self, session: Any) -> bool:
        return str(session.public_id) == self.context.get("current_session")


class EmailChangeSerializer(serializers.Serializer[Any]):
    new_email = StrictEmailField(max_length=254, help_text=_("The address to use from now on."))
    password = StrictCharField(
        max_length=128, trim_whitespace=False, help_text=_("Your current password.")
    )
