from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "projects"
urlpatterns = [
    path(pgettext_lazy("URL", "manage/projects/"), views.project_list, name="list"),
    path(pgettext_lazy("URL", "projects/<int:pk>/"), views.project_page, name="project"),
]
