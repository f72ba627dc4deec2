from django.urls import path
from django.utils.translation import pgettext_lazy

from . import urls_letters, views

app_name = "decisions"
urlpatterns = [
    path(
        pgettext_lazy("URL", "manage/calls/<slug:slug>/decisions/"),
        views.call_decisions,
        name="call",
    ),
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/decision/"),
        views.application_decision,
        name="application",
    ),
    path(pgettext_lazy("URL", "manage/budgets/"), views.budgets, name="budgets"),
]
urlpatterns += urls_letters.urlpatterns
