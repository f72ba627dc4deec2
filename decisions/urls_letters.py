"""Addresses of the decision letters, added to decisions/urls.py (namespace "decisions"):
urlpatterns += urls_letters.urlpatterns."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_letters

urlpatterns = [
    # Staff (decisions.record_decisions).
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/letter/"),
        views_letters.preview,
        name="letter_preview",
    ),
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/letter.pdf"),
        views_letters.preview_pdf,
        name="letter_preview_pdf",
    ),
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/letter/send/"),
        views_letters.send,
        name="send_letter",
    ),
    path(
        pgettext_lazy("URL", "manage/calls/<slug:slug>/letters/send/"),
        views_letters.send_call_letters,
        name="send_call_letters",
    ),
    # Those who may read the application: its lead, the team's leads, programme staff.
    path(
        pgettext_lazy("URL", "applications/<int:pk>/letters/<int:letter_id>/"),
        views_letters.letter,
        name="letter",
    ),
    path(
        pgettext_lazy("URL", "applications/<int:pk>/letters/<int:letter_id>.pdf"),
        views_letters.download,
        name="letter_pdf",
    ),
]
