from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from accounts.receivers import on_user_logged_in, on_user_logged_out

        user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts.language_on_login")
        user_logged_out.connect(on_user_logged_out, dispatch_uid="accounts.session_ended_on_logout")
