from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed

        from accounts import access, admin_2fa, consumers, notifications
        from accounts.admin import shorten_staff_session
        from core import dispatch, emails

        user_logged_in.connect(shorten_staff_session, dispatch_uid="accounts.staff_session")
        user_logged_in.connect(admin_2fa.note_sign_in, dispatch_uid="accounts.admin_2fa")
        from accounts.models import User

        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(
                access.forget_on_change, sender=through, dispatch_uid=f"accounts.access.{through}"
            )
        dispatch.register_consumer(consumers.EMAILS)
        emails.register_confidential_kinds(notifications.CONFIDENTIAL_KINDS)
