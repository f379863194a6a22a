from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.domain.lockout import minutes_left
from accounts.models import User
from accounts.services import two_factor
from core.client_ip import client_ip


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in, with the staff lockout (docs/rules/security.md): a locked account or
    address is refused whatever the password, and says for how long."""

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        if not email or not self.cleaned_data.get("password"):
            return super().clean()  # the fields' own errors
        address = client_ip(self.request)
        wait = services.staff_login_wait(email=email, ip=address)
        if wait:
            services.staff_login_refused(email=email, ip=address, entry=services.ADMIN_ENTRY)
            raise _locked_out(wait)
        try:
            cleaned = super().clean()
        except ValidationError:
            wait = services.staff_login_failed(email=email, ip=address, entry=services.ADMIN_ENTRY)
            if wait:
                raise _locked_out(wait) from None
            raise
        if not two_factor.step_required(self.get_user()):
            # With a second step to come, its success starts the count again, not the password's
            # (a guesser holding the password would otherwise reset it between code guesses).
            services.staff_login_succeeded(email=email)
        return cleaned


def _locked_out(seconds: int) -> ValidationError:
    return ValidationError(locked_out_message(seconds), code="locked_out")


def locked_out_message(seconds: int) -> str:
    minutes = minutes_left(seconds)
    return ngettext(
        "Too many failed sign-in attempts for this account or from this address. "
        "Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts for this account or from this address. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


admin.site.login_form = StaffAuthenticationForm


def shorten_staff_session(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """A staff session ends STAFF_SESSION_HOURS after sign-in, however active (connected to
    user_logged_in in AccountsConfig.ready)."""
    if request is not None and getattr(user, "is_staff", False) and hasattr(request, "session"):
        request.session.set_expiry(timedelta(hours=settings.STAFF_SESSION_HOURS))


class EmailUserCreationForm(UserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"


# Who may do what in the back-office: only administrators (superusers) grant staff status, roles and
# permissions, set passwords or change a staff account; operators look after customers.
ACCESS_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


# django-stubs bounds UserAdmin to AbstractUser; ours is AbstractBaseUser + PermissionsMixin, which
# Django's UserAdmin serves as well (with the fieldsets below).
@admin.register(User)
class UserAdmin(DjangoUserAdmin[Any]):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "first_name", "last_name", "phone")
    readonly_fields = ("public_id", "last_login", "date_joined", "anonymised_at")
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "anonymised_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if getattr(request.user, "is_superuser", False):
            return fields
        return fields + ACCESS_FIELDS

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or getattr(request.user, "is_superuser", False):
            return True
        return not (obj.is_staff or obj.is_superuser)  # staff accounts are the administrators'

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if not getattr(request.user, "is_superuser", False):
            raise PermissionDenied  # customers reset their own password
        return super().user_change_password(request, id, form_url)
