"""The auditors' dossier of one application (its own namespace, beside the reports' URLs)."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_audit

app_name = "audit"
urlpatterns = [
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/dossier.zip"),
        views_audit.dossier_zip,
        name="dossier_zip",
    ),
]
