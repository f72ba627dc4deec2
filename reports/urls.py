from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_reports

app_name = "reports"
urlpatterns = [
    path(
        pgettext_lazy("URL", "manage/calls/<slug:slug>/reports/"),
        views_reports.call_reports,
        name="call_reports",
    ),
    path(
        pgettext_lazy("URL", "manage/reports/"),
        views_reports.programme_reports,
        name="programme_reports",
    ),
    path(
        pgettext_lazy("URL", "manage/reports/<int:pk>/"),
        views_reports.progress,
        name="progress",
    ),
    path(
        pgettext_lazy("URL", "manage/reports/<int:pk>/download/"),
        views_reports.download,
        name="download",
    ),
]
