from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "calls"
urlpatterns = [
    path(pgettext_lazy("URL", "calls/"), views.call_list, name="list"),
    path(pgettext_lazy("URL", "calls/<slug:slug>/"), views.call_detail, name="detail"),
    path(pgettext_lazy("URL", "programmes/"), views.programme_list, name="programmes"),
    path(pgettext_lazy("URL", "programmes/<slug:code>/"), views.programme_detail, name="programme"),
]
