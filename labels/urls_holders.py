from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_holders

app_name = "labels_holders"
urlpatterns = [
    path(
        pgettext_lazy("URL", "collections/<int:pk>/record/"),
        views_holders.collection_page,
        name="collection",
    ),
    path(
        pgettext_lazy("URL", "collections/<int:pk>/holders/invite/"),
        views_holders.invite,
        name="invite",
    ),
    path(
        pgettext_lazy("URL", "collections/<int:pk>/holders/<int:holding_pk>/remove/"),
        views_holders.remove_holder,
        name="remove_holder",
    ),
    path(
        pgettext_lazy("URL", "collections/invitations/<str:token>/"),
        views_holders.invitation,
        name="invitation",
    ),
]
