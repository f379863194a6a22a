"""Composition root: the admin, the versioned API and the operational endpoints."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import admin_2fa, admin_reset
from core import views as core_views
from core.metrics import metrics_view

api_v1: list[URLPattern | URLResolver] = [
    path("", include("accounts.api.urls")),
    path("", include("vehicles.api.urls")),
    path("", include("pricing.api.urls")),
    path("", include("scheduling.api.urls")),
    path("", include("bookings.api.urls")),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    # The page and its start-up script apart: the script is a file of its own (?script), so the
    # page needs no inline script under the Content-Security-Policy.
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
    path("health", core_views.health, name="health"),
    path("ready", core_views.ready, name="ready"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", include(api_v1)),
    # The admin's "Forgotten your password?" for staff (accounts.admin_reset): Django's views and
    # the admin's templates, under the names the admin's login page and those templates look for.
    path(
        "admin/password-reset/",
        admin_reset.StaffPasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password-reset/done/",
        admin_reset.StaffPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/password-reset/<uidb64>/<token>/",
        admin_reset.StaffPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/password-reset/complete/",
        admin_reset.StaffPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The second sign-in step for staff (accounts.admin_2fa).
    path("admin/two-factor/setup/", admin_2fa.setup_view, name="admin_2fa_setup"),
    path("admin/two-factor/", admin_2fa.verify_view, name="admin_2fa_verify"),
    path("admin/", admin.site.urls),
]

# Under /api/ Django's own error pages are the envelope too (core.views).
handler400 = "core.views.bad_request"
handler500 = "core.views.server_error"

admin.site.site_header = _("Car service back-office")
admin.site.site_title = _("Car service")
