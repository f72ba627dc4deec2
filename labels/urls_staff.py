from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_staff

app_name = "labels_staff"
urlpatterns = [
    path(pgettext_lazy("URL", "manage/collections/"), views_staff.registry_list, name="registry"),
    path(
        pgettext_lazy("URL", "manage/collections/<int:pk>/"),
        views_staff.collection_page,
        name="collection",
    ),
]
