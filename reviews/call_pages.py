"""The staff pages of one call, each with the permission that opens it: the tabs of those pages
(reviews/partials/call_nav.html) and the management list of calls show the same ones."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (key, label, URL name, permission), in the order a call is run.
PAGES = [
    (
        "applications",
        _("Applications"),
        "applications:call_applications",
        "applications.list_call_applications",
    ),
    ("screening", _("Eligibility"), "reviews:screening", "applications.list_call_applications"),
    ("assignments", _("Reviewers"), "reviews:assignments", "applications.list_call_applications"),
    ("ranking", _("Ranking"), "reviews:ranking", "reviews.open_ranking"),
    ("decisions", _("Decisions"), "decisions:call", "decisions.open_decisions"),
    ("reports", _("Reports"), "reports:call_reports", "reports.request_reports"),
]


def call_pages(user, call):
    """[(key, label, url)] of the pages of `call` that `user` may open."""
    return [
        (key, label, reverse(name, args=[call.slug]))
        for key, label, name, permission in PAGES
        if user.has_perm(permission)
    ]
