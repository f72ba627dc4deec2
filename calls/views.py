from django.shortcuts import get_object_or_404, render

from .filters import CallFilter
from .models import Call, CallPhase, Programme


def call_list(request):
    calls = Call.objects.for_listing().order_by("closes_at")
    filterset = CallFilter(request.GET or None, queryset=calls)
    return render(
        request,
        "calls/call_list.html",
        {"filter": filterset, "calls": filterset.qs, "phases": CallPhase},
    )


def call_detail(request, slug):
    call = get_object_or_404(
        Call.objects.published()
        .select_related("programme")
        .prefetch_related("criteria", "documents__document"),
        slug=slug,
    )
    return render(request, "calls/call_detail.html", {"call": call})


def programme_list(request):
    return render(request, "calls/programme_list.html", {"programmes": Programme.objects.all()})


def programme_detail(request, code):
    programme = get_object_or_404(Programme, code=code)
    calls = Call.objects.for_listing().filter(programme=programme).order_by("closes_at")
    return render(request, "calls/programme_detail.html", {"programme": programme, "calls": calls})
