from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import admin_2fa, consumers, notifications
        from accounts.admin import shorten_staff_session
        from core import dispatch, emails

        user_logged_in.connect(shorten_staff_session, dispatch_uid="accounts.staff_session")
        user_logged_in.connect(admin_2fa.note_sign_in, dispatch_uid="accounts.admin_2fa")
        dispatch.register_consumer(consumers.EMAILS)
        emails.register_confidential_kinds(notifications.CONFIDENTIAL_KINDS)
