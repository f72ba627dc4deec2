from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views, views_amendments

app_name = "projects"
urlpatterns = [
    path(pgettext_lazy("URL", "manage/projects/"), views.project_list, name="list"),
    path(pgettext_lazy("URL", "projects/<int:pk>/"), views.project_page, name="project"),
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
