"""The admin's second sign-in step for staff (docs/rules/security.md, "Two-factor sign-in"): after
the password (accounts.admin.StaffAuthenticationForm, with its lockout), a staff session proves a
code from an authenticator app, or a single-use recovery code, before any admin page. An account
without an app enrols one first (QR code, then its first code, then the recovery codes, shown
once). Wired in config/urls.py and the MIDDLEWARE (after django-otp's OTPMiddleware)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from accounts import services
from accounts.admin import locked_out_message
from accounts.models import User
from accounts.services import two_factor
from core.client_ip import client_ip

# The session's note, made at sign-in, that this account proves a second factor even where the
# deployment does not require it (it enrolled): read on every admin request without a query.
SESSION_KEY = "admin_2fa_enrolled"


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def note_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At every sign-in (connected to user_logged_in in AccountsConfig.ready)."""
    if request is not None and hasattr(request, "session") and getattr(user, "is_staff", False):
        request.session[SESSION_KEY] = two_factor.is_enrolled(user)


def _verified(user: Any) -> bool:
    """Did this session prove a second factor (django-otp's OTPMiddleware)?"""
    return bool(getattr(user, "is_verified", lambda: False)())


def _step_pending(request: HttpRequest) -> bool:
    user = _staff(request)
    if user is None or _verified(user):
        return False
    if settings.ADMIN_REQUIRE_2FA:
        return True
    if SESSION_KEY not in request.session:  # a session from before this was deployed
        request.session[SESSION_KEY] = two_factor.is_enrolled(user)
    return bool(request.session[SESSION_KEY])


class AdminTwoFactorMiddleware:
    """Sends a staff session that has not proved its second factor to the step (or to enrol),
    from every admin page but the step's own, sign-in and sign-out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _admin_page(request.path) and not _exempt(request.path) and _step_pending(request):
            target = "admin_2fa_verify" if _enrolled(request) else "admin_2fa_setup"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


def _admin_page(path: str) -> bool:
    try:
        return path.startswith(reverse("admin:index"))
    except NoReverseMatch:  # a URLconf without the admin (a test's own)
        return False


def _exempt(path: str) -> bool:
    return path in {
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse("admin_2fa_setup"),
        reverse("admin_2fa_verify"),
    }


def _enrolled(request: HttpRequest) -> bool:
    user = _staff(request)
    return user is not None and two_factor.is_enrolled(user)


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:index")


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    base = admin.site.each_context(request)
    # Not signed in to the admin yet: no navigation, no user tools but the sign-out below.
    base.update(has_permission=False, is_nav_sidebar_enabled=False, available_apps=[])
    return render(request, template, {**base, "next": _next_url(request), **context})


def _staff(request: HttpRequest) -> User | None:
    user = request.user
    if isinstance(user, User) and user.is_staff:
        return user
    return None


def _to_login(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(
        f"{reverse('admin:login')}?{urlencode({'next': _next_url(request)})}"
    )


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def setup_view(request: HttpRequest) -> HttpResponse:
    """Enrols the account's authenticator app: its QR code (and the secret, to type instead),
    confirmed by its first code; answers with the recovery codes, this once."""
    user = _staff(request)
    if user is None:
        return _to_login(request)
    if two_factor.is_enrolled(user):
        if _verified(user):
            return HttpResponseRedirect(_next_url(request))
        return HttpResponseRedirect(f"{reverse('admin_2fa_verify')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = two_factor.enrolment_confirm(user=user, token=form.cleaned_data["token"])
        if confirmed is not None:
            otp_login(request, confirmed.device)
            request.session[SESSION_KEY] = True
            services.staff_login_succeeded(email=user.email)
            return _page(
                request,
                "admin/accounts/two_factor/recovery_codes.html",
                title=_("Your recovery codes"),
                codes=confirmed.recovery_codes,
            )
        form.add_error("token", _("That code is not the app's current one. Try the next code."))
    enrolment = two_factor.enrolment_start(user=user)
    qr = segno.make(enrolment.uri, error="m").svg_inline(scale=4, title=str(_("QR code")))
    return _page(
        request,
        "admin/accounts/two_factor/setup.html",
        title=_("Set up two-factor sign-in"),
        form=form,
        secret=enrolment.secret,
        uri=enrolment.uri,
        qr_svg=mark_safe(qr),  # noqa: S308 (segno's own SVG markup of a URI we made)
    )


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app or a recovery code. Its failures count against the
    account and the address like the password's (docs/rules/security.md); once locked, the
    half-signed-in session ends."""
    user = _staff(request)
    if user is None:
        return _to_login(request)
    if _verified(user):
        return HttpResponseRedirect(_next_url(request))
    if not two_factor.is_enrolled(user):
        return HttpResponseRedirect(f"{reverse('admin_2fa_setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = client_ip(request)
        wait = services.staff_login_wait(email=user.email, ip=address)
        if wait:
            services.staff_login_refused(
                email=user.email, ip=address, entry=services.ADMIN_2FA_ENTRY
            )
            return _locked(request, wait)
        device = two_factor.verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session[SESSION_KEY] = True
            services.staff_login_succeeded(email=user.email)
            return HttpResponseRedirect(_next_url(request))
        wait = services.staff_login_failed(
            email=user.email, ip=address, entry=services.ADMIN_2FA_ENTRY
        )
        if wait:
            return _locked(request, wait)
        form.add_error("token", _("That code is wrong, already used or too late. Try again."))
    return _page(
        request,
        "admin/accounts/two_factor/verify.html",
        title=_("Two-factor sign-in"),
        form=form,
    )


def _locked(request: HttpRequest, wait: int) -> HttpResponse:
    logout(request)
    response = _page(
        request,
        "admin/accounts/two_factor/locked.html",
        title=_("Two-factor sign-in"),
        message=locked_out_message(wait),
    )
    response.status_code = 403
    return response
