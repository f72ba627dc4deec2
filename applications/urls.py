from django.urls import path
from django.utils.translation import pgettext_lazy

from . import (
    views_applicant,
    views_audit,
    views_collections,
    views_files,
    views_staff,
    views_team,
)

app_name = "applications"
urlpatterns = [
    # The applicant's single window and the draft form.
    path(pgettext_lazy("URL", "applications/"), views_applicant.my_applications, name="mine"),
    path(pgettext_lazy("URL", "calls/<slug:slug>/apply/"), views_applicant.start, name="start"),
    path(pgettext_lazy("URL", "applications/<int:pk>/"), views_applicant.edit, name="edit"),
    path(
        pgettext_lazy("URL", "applications/<int:pk>/summary/"),
        views_applicant.summary,
        name="summary",
    ),
    path(
        pgettext_lazy("URL", "applications/<int:pk>/submit/"),
        views_applicant.submit,
        name="submit",
    ),
    path(
        pgettext_lazy("URL", "applications/<int:pk>/withdraw/"),
        views_applicant.withdraw,
        name="withdraw",
    ),
    # Labelled collections: the one a label application describes, those a project works on,
    # and the start of a label renewal from its invitation's link.
    path(
        pgettext_lazy("URL", "applications/<int:pk>/collection/"),
        views_collections.collection_record,
        name="collection_record",
    ),
    path(
        pgettext_lazy("URL", "applications/<int:pk>/collections-used/"),
        views_collections.collections_used,
        name="collections_used",
    ),
    path(
        pgettext_lazy("URL", "calls/<slug:slug>/renew/<int:collection>/"),
        views_collections.renew,
        name="renew",
    ),
    # The team: the lead invites a row's address; the invitee answers through the e-mail's link.
    path(
        pgettext_lazy("URL", "applications/<int:pk>/team/invite/"),
        views_team.invite,
        name="invite_member",
    ),
    path(
        pgettext_lazy("URL", "applications/invitation/<str:token>/"),
        views_team.invitation,
        name="team_invitation",
    ),
    # Files: attachments and receipts, always through a permission check.
    path(
        pgettext_lazy("URL", "applications/<int:pk>/files/<str:question_id>/upload/"),
        views_files.upload,
        name="upload",
    ),
    path(
        pgettext_lazy("URL", "applications/<int:pk>/files/<int:attachment_id>/"),
        views_files.download,
        name="attachment",
    ),
    path(
        pgettext_lazy("URL", "applications/<int:pk>/files/<int:attachment_id>/delete/"),
        views_files.delete,
        name="delete_attachment",
    ),
    path(
        pgettext_lazy("URL", "applications/<int:pk>/receipt-<int:number>.pdf"),
        views_files.receipt,
        name="receipt",
    ),
    # Programme staff.
    path(
        pgettext_lazy("URL", "manage/calls/<slug:slug>/applications/"),
        views_staff.call_applications,
        name="call_applications",
    ),
    path(
        pgettext_lazy("URL", "manage/calls/<slug:slug>/applications.<str:fmt>"),
        views_staff.export_call_applications,
        name="export",
    ),
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/reopen/"),
        views_staff.reopen,
        name="reopen",
    ),
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/history/"),
        views_audit.history,
        name="history",
    ),
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/history.csv"),
        views_audit.history_csv,
        name="history_csv",
    ),
]
