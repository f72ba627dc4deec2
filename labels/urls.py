from django.urls import path  # noqa: F401
from django.utils.translation import pgettext_lazy  # noqa: F401

app_name = "labels"
urlpatterns = []
