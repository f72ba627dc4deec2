"""The privacy app's addresses, under one `privacy:` namespace: a person's own data
(views_person) and the staff's retention pages."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_person

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
]
