from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Funded projects")

    def ready(self):
        from applications import my_page
        from decisions.letters import funding_letter_sent

        from . import services, views_reports

        funding_letter_sent.connect(services.on_funding_letter, dispatch_uid="projects.create")
        my_page.add_section(views_reports.reports_due_section)
