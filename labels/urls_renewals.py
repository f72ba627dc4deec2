from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_renewals

app_name = "labels_renewals"
urlpatterns = [
    path(
        pgettext_lazy("URL", "manage/collections/renewals/"),
        views_renewals.campaigns,
        name="campaigns",
    ),
    path(
        pgettext_lazy("URL", "manage/collections/renewals/<int:pk>/"),
        views_renewals.campaign,
        name="campaign",
    ),
]
