from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .filters import CallFilter
from .models import Call, CallPhase, Programme

PHASE_ORDER = (CallPhase.OPEN, CallPhase.UPCOMING, CallPhase.CLOSED)


def listing_order(calls):
    """Open calls first (closing soonest first), then upcoming, then closed (most recent first)."""
    rank = Case(
        *(When(current_phase=phase.value, then=Value(i)) for i, phase in enumerate(PHASE_ORDER)),
        default=Value(len(PHASE_ORDER)),
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
        {"filter": filterset, "calls": list(filterset.qs), "phases": CallPhase},
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
    open_calls = Q(calls__live=True, calls__opens_at__lte=now, calls__closes_at__gt=now)
    programmes = Programme.objects.annotate(
        open_calls_count=Count("calls", filter=open_calls)
    ).order_by("position", "code")  # Meta.ordering does not apply to aggregations
    return render(request, "calls/programme_list.html", {"programmes": programmes})


def programme_detail(request, code):
    programme = get_object_or_404(Programme, code=code)
    calls = listing_order(Call.objects.for_listing().filter(programme=programme))
    calls_by_phase = {phase: [] for phase in PHASE_ORDER}
    for call in calls:
        calls_by_phase[call.phase].append(call)
    return render(
        request,
        "calls/programme_detail.html",
        {
            "programme": programme,
            "calls_by_phase": [(phase, calls_by_phase[phase]) for phase in PHASE_ORDER],
            "has_calls": any(calls_by_phase.values()),
        },
    )
