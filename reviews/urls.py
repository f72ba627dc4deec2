from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views_assign, views_deliberation, views_management, views_reviewer, views_screening

app_name = "reviews"
urlpatterns = [
    # Reviewers.
    path(pgettext_lazy("URL", "review/"), views_reviewer.dashboard, name="dashboard"),
    path(pgettext_lazy("URL", "review/profile/"), views_reviewer.profile, name="profile"),
    path(
        pgettext_lazy("URL", "review/invitation/<str:token>/"),
        views_reviewer.invitation,
        name="invitation",
    ),
    path(
        pgettext_lazy("URL", "review/assignments/<int:pk>/"),
        views_reviewer.assignment,
        name="assignment",
    ),
    path(
        pgettext_lazy("URL", "review/assignments/<int:pk>/answer/"),
        views_reviewer.answer,
        name="answer",
    ),
    path(
        pgettext_lazy("URL", "review/assignments/<int:pk>/files/<int:attachment_id>/"),
        views_reviewer.attachment,
        name="attachment",
    ),
    # Programme staff and the council: the calls they run.
    path(pgettext_lazy("URL", "manage/calls/"), views_management.calls, name="management"),
    # Programme staff: screening, reviewers, assignments.
    path(
        pgettext_lazy("URL", "manage/calls/<slug:slug>/eligibility/"),
        views_screening.screening_list,
        name="screening",
    ),
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/eligibility/"),
        views_screening.screen,
        name="screen",
    ),
    path(pgettext_lazy("URL", "manage/reviewers/"), views_assign.reviewers, name="reviewers"),
    path(
        pgettext_lazy("URL", "manage/calls/<slug:slug>/assignments/"),
        views_assign.assignments,
        name="assignments",
    ),
    path(
        pgettext_lazy("URL", "manage/calls/<slug:slug>/assignments/proposals/<int:pk>/"),
        views_assign.proposal,
        name="proposal",
    ),
    path(
        pgettext_lazy("URL", "manage/assignments/<int:pk>/cancel/"),
        views_assign.cancel,
        name="cancel_assignment",
    ),
    path(
        pgettext_lazy("URL", "manage/assignments/<int:pk>/reopen/"),
        views_assign.reopen_review,
        name="reopen_review",
    ),
    # Deliberation: staff and the council; the applicants' reply.
    path(
        pgettext_lazy("URL", "manage/calls/<slug:slug>/ranking/"),
        views_deliberation.ranking,
        name="ranking",
    ),
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/reviews/"),
        views_deliberation.dossier,
        name="dossier",
    ),
    path(
        pgettext_lazy("URL", "manage/applications/<int:pk>/consensus/"),
        views_deliberation.consensus,
        name="consensus",
    ),
    path(
        pgettext_lazy("URL", "applications/<int:pk>/reply/"),
        views_deliberation.reply,
        name="reply",
    ),
]
