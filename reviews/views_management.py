"""The calls that programme staff and the council run, each with its phase and the way into its
pages (the "Management" entry of the header)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import render

from applications.models import Application
from calls.models import Call

from .queries import with_progress


def managed_calls():
    """Published calls, and those taken down that still have applications, the latest first."""
    has_applications = Exists(Application.objects.filter(call=OuterRef("pk")))
    calls = (
        Call.objects.filter(Q(live=True) | has_applications)
        .select_related("programme")
        .defer("questions", "faq", "description", "eligibility")
        .with_phase()
    )
    return with_progress(calls).order_by("-closes_at", "title_fr")


@login_required
def calls(request):
    if not request.user.has_perm("reviews.open_management"):
        raise Http404
    return render(request, "reviews/management.html", {"calls": managed_calls()})
