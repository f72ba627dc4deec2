from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Funded projects")

    def ready(self):
        from decisions.letters import funding_letter_sent

        from . import services

        funding_letter_sent.connect(services.on_funding_letter, dispatch_uid="projects.create")
