from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views, views_amendments, views_money

app_name = "projects"
urlpatterns = [
    path(pgettext_lazy("URL", "manage/projects/"), views.project_list, name="list"),
    path(pgettext_lazy("URL", "projects/<int:pk>/"), views.project_page, name="project"),
    # The money at a glance (views_money).
    path(pgettext_lazy("URL", "manage/projects/payments/"), views_money.payments, name="payments"),
    path(
        pgettext_lazy("URL", "manage/projects/payments.<str:fmt>"),
        views_money.export_payments,
        name="export_payments",
    ),
    path(pgettext_lazy("URL", "manage/projects/late/"), views_money.late, name="late"),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/amendments/"),
        views_amendments.ask_amendment,
        name="ask_amendment",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/amendments/<int:amendment_pk>/decision/"),
        views_amendments.decide_amendment,
        name="decide_amendment",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/amendments/<int:amendment_pk>/file/"),
        views_amendments.amendment_file,
        name="amendment_file",
    ),
]
