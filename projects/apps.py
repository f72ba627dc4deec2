from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Funded projects")

    def ready(self):
        from wagtail.signals import published

        from applications import my_page
        from calls.models import Call
        from decisions.letters import funding_letter_sent

        from . import reports, services, views_reports

        funding_letter_sent.connect(services.on_funding_letter, dispatch_uid="projects.create")
        published.connect(reports.on_call_published, sender=Call, dispatch_uid="projects.plan")
        my_page.add_section(views_reports.reports_due_section)
