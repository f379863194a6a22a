from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/token", views.TokenObtainView.as_view(), name="auth-token"),
    path("auth/token/refresh", views.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/password-reset", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password-reset/confirm",
        views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/verify-email", views.VerifyEmailView.as_view(), name="auth-verify-email"),
    path(
        "auth/verify-email/resend",
        views.VerifyEmailResendView.as_view(),
        name="auth-verify-email-resend",
    ),
    path("auth/logout-all", views.LogoutAllView.as_view(), name="auth-logout-all"),
    path("me/sessions", views.SessionListView.as_view(), name="me-sessions"),
    path("me/sessions/<uuid:session_id>", views.SessionDetailView.as_view(), name="me-session"),
    path("me", views.MeView.as_view(), name="me"),
    path("me/email", views.EmailChangeView.as_view(), name="me-email"),
    path("me/password", views.PasswordView.as_view(), name="me-password"),
    path("me/export", views.ExportView.as_view(), name="me-export"),
]
