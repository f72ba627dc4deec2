from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data under the GDPR: the register, retention and anonymisation, a person's export
    and erasure, the privacy notice. It sits above every app whose rows hold personal data."""

    name = "privacy"
    verbose_name = _("Personal data")
