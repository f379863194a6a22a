"""The admin's "Forgotten your password?" pages for staff: Django's own password-reset views and
templates (wired in config/urls.py), with two changes so that they follow the API's rules
(docs/rules/accounts.md, "Password reset"): the e-mail goes through the outbox and the worker
(never sent in the request), and setting the password signs every session out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.http import HttpRequest
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from accounts import selectors
from accounts.models import User
from accounts.services import recovery


class _AdminContext:
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        return {**admin.site.each_context(self.request), **context}


class StaffPasswordResetForm(PasswordResetForm):
    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        """Django's form would look the account up and send the e-mail here; the use case does
        the same work whatever the address and the worker sends it (only to a staff account)."""
        assert request is not None
        recovery.password_reset_request(
            email=self.cleaned_data["email"],
            admin_origin=f"{request.scheme}://{request.get_host()}",
        )


if TYPE_CHECKING:  # generic in django-stubs only (not at run time, unlike the model forms)
    _SetPasswordForm = SetPasswordForm[User]
else:
    _SetPasswordForm = SetPasswordForm


class StaffSetPasswordForm(_SetPasswordForm):
    def save(self, commit: bool = True) -> Any:
        recovery.password_set(user=self.user, new_password=self.cleaned_data["new_password1"])
        return self.user


class StaffPasswordResetView(_AdminContext, auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm


class StaffPasswordResetDoneView(_AdminContext, auth_views.PasswordResetDoneView):
    pass


class StaffPasswordResetConfirmView(_AdminContext, auth_views.PasswordResetConfirmView):
    form_class = StaffSetPasswordForm

    def get_user(self, uidb64: str) -> User | None:
        """The link names the account by its public id (accounts.consumers), not its key."""
        try:
            public_id = force_str(urlsafe_base64_decode(uidb64))
            user = selectors.user_by_public_id(public_id)
        except (TypeError, ValueError, OverflowError):
            return None
        return user if user is not None and user.is_active else None


class StaffPasswordResetCompleteView(_AdminContext, auth_views.PasswordResetCompleteView):
    pass
