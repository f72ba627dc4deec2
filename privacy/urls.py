"""The privacy app's addresses, under one `privacy:` namespace: a person's own data
(views_person) and the staff's retention pages."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_person, views_retention

app_name = "privacy"
urlpatterns = [
    # A person's own data, from their account page.
    path(pgettext_lazy("URL", "accounts/my-data/"), views_person.my_data, name="my_data"),
    path(pgettext_lazy("URL", "accounts/my-data/export/"), views_person.export, name="export"),
    path(
        pgettext_lazy("URL", "accounts/my-data/delete/"),
        views_person.delete_account,
        name="delete_account",
    ),
    # Programme staff: retention and holds.
    path(
        pgettext_lazy("URL", "manage/personal-data/"),
        views_retention.retention_page,
        name="retention",
    ),
    path(
        pgettext_lazy("URL", "manage/personal-data/hold/"),
        views_retention.place_hold,
        name="place_hold",
    ),
    path(
        pgettext_lazy("URL", "manage/personal-data/hold/<int:pk>/lift/"),
        views_retention.lift_hold,
        name="lift_hold",
    ),
]
