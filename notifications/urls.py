from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "notifications"
urlpatterns = [
    # Each user's inbox and preferences.
    path(pgettext_lazy("URL", "messages/"), views.inbox, name="inbox"),
    path(pgettext_lazy("URL", "messages/read/"), views.mark_all_read, name="mark_all_read"),
    path(pgettext_lazy("URL", "messages/preferences/"), views.preferences, name="preferences"),
    path(pgettext_lazy("URL", "messages/<int:pk>/"), views.message_detail, name="message"),
    path(pgettext_lazy("URL", "messages/<int:pk>/read/"), views.mark_read, name="mark_read"),
    # Programme staff.
    path(pgettext_lazy("URL", "manage/messages/"), views.delivery_log, name="delivery_log"),
    path(pgettext_lazy("URL", "manage/messages/<int:pk>/resend/"), views.resend, name="resend"),
]
