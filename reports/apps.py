from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and open data")

    def ready(self):
        from labels import public

        from .collection_projects import collection_projects

        # A labelled collection's page lists the funded projects that used it (labels sits
        # below reports: it cannot ask for them itself).
        public.add_related(collection_projects)
