from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.domain.rules import LANGUAGES, PHONE_PATTERN, normalize_email

LANGUAGE_LABELS = {"en": _("English"), "fr": _("French")}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email(username or ""))

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address: customer, operator or technician (by group)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(PHONE_PATTERN, _("Enter a valid phone number."))],
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[(code, LANGUAGE_LABELS.get(code, code)) for code in LANGUAGES],
        default="en",
        help_text=_("Language of the e-mails we send."),
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Can log into the back-office.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    email_verified_at = models.DateTimeField(
        _("e-mail verified at"),
        null=True,
        blank=True,
        help_text=_("When the owner proved the address is theirs (empty: not verified)."),
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("email",)
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with this e-mail address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    # Permissions: Django's, the user's groups read with them in one query (accounts.access).

    def _read_access(self, obj: Any) -> None:
        if obj is None and self.pk is not None and self.is_active and not self.is_superuser:
            access.read(self)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        self._read_access(obj)
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        self._read_access(None)
        return super().has_module_perms(app_label)

    def get_user_permissions(self, obj: Any = None) -> set[str]:
        self._read_access(obj)
        return super().get_user_permissions(obj)

    def get_group_permissions(self, obj: Any = None) -> set[str]:
        self._read_access(obj)
        return super().get_group_permissions(obj)

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        self._read_access(obj)
        return super().get_all_permissions(obj)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name


class LoginSession(models.Model):
    """One signed-in device on the API: a login and the refresh tokens rotated from it
    (docs/rules/accounts.md, "Sessions"). Its current refresh token is `refresh_jti`; ending the
    session revokes it."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="login_sessions", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("signed in at"))
    last_used_at = models.DateTimeField(_("last used at"))
    expires_at = models.DateTimeField(_("expires at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    refresh_jti = models.CharField(_("current refresh token id"), max_length=255, db_index=True)

    class Meta:
        verbose_name = _("API session")
        verbose_name_plural = _("API sessions")
        ordering = ("-last_used_at",)
        indexes = [models.Index(fields=["user", "ended_at"], name="accounts_session_active_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"
