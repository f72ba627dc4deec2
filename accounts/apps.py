from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and institutions")

    def ready(self):
        from . import encryption, idle, second_factor

        # A missing or malformed key stops every process at start-up, not at a staff sign-in.
        encryption.cipher()
        second_factor.connect()
        idle.connect()
