from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from accounts.names import names_given

        from . import team

        names_given.connect(team.name_the_lead_rows, dispatch_uid="applications.team")
