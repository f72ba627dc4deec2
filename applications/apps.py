from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from accounts.names import names_given
        from labels.my_page import my_collections_section
        from labels.renewals import add_application_progress

        from . import my_page, renewals, team

        names_given.connect(team.name_the_lead_rows, dispatch_uid="applications.team")
        # The collections one keeps (labels sits below applications: it cannot register itself).
        my_page.add_section(my_collections_section)
        # How far each renewal invitation went, for staff's campaign page.
        add_application_progress(renewals.invitation_progress)
