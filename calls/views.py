from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .filters import CallFilter
from .models import LISTED_PHASES, Call, CallPhase, Programme, phase_condition


def listing_order(calls):
    """Open calls first (closing soonest first), then upcoming, then closed (most recent first)."""
    rank = Case(
        *(When(current_phase=phase.value, then=Value(i)) for i, phase in enumerate(LISTED_PHASES)),
        default=Value(len(LISTED_PHASES)),
        output_field=IntegerField(),
    )
    recently_closed = Case(When(current_phase=CallPhase.CLOSED.value, then=F("closes_at")))
    return calls.alias(phase_rank=rank, recently_closed=recently_closed).order_by(
        "phase_rank", F("recently_closed").desc(nulls_last=True), "closes_at", "title_fr"
    )


def call_list(request):
    now = timezone.now()
    calls = listing_order(Call.objects.for_listing(now))
    filterset = CallFilter(request.GET or None, queryset=calls, now=now)
    return render(
        request,
        "calls/call_list.html",
        {"filter": filterset, "calls": list(filterset.qs)},
    )


def call_detail(request, slug):
    call = get_object_or_404(
        Call.objects.published()
        .with_phase()
        .select_related("programme")
        .prefetch_related("criteria", "documents__document"),
        slug=slug,
    )
    return render(request, "calls/call_detail.html", {"call": call})


def programme_list(request):
    now = timezone.now()
    open_calls = Q(calls__live=True) & phase_condition(CallPhase.OPEN, now, prefix="calls__")
    programmes = Programme.objects.annotate(
        open_calls_count=Count("calls", filter=open_calls)
    ).order_by("position", "code")  # Meta.ordering does not apply to aggregations
    return render(request, "calls/programme_list.html", {"programmes": programmes})


def programme_detail(request, code):
    programme = get_object_or_404(Programme, code=code)
    calls = listing_order(Call.objects.for_listing().filter(programme=programme))
    calls_by_phase = {phase: [] for phase in LISTED_PHASES}
    for call in calls:
        calls_by_phase[call.phase].append(call)
    return render(
        request,
        "calls/programme_detail.html",
        {
            "programme": programme,
            "calls_by_phase": [(phase, calls_by_phase[phase]) for phase in LISTED_PHASES],
            "has_calls": any(calls_by_phase.values()),
        },
    )
