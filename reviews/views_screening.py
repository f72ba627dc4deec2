"""Staff: eligibility screening of a call's submitted applications.

Anyone without the permission gets a 404, as on the staff list of applications: nobody learns
what exists. The screening itself is reviews.eligibility.screen_application.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.forms import read_only_context
from applications.models import Application, ApplicationState
from calls.models import Call

from .eligibility import screen_application
from .errors import ReviewError
from .models import EligibilityScreening

PER_PAGE = 50

# ?state= value: (label, application states). Eligible ones stay listed once in review.
STATES = {
    "to_screen": (gettext_lazy("To screen"), (ApplicationState.SUBMITTED,)),
    "eligible": (
        gettext_lazy("Eligible"),
        (ApplicationState.ELIGIBLE, ApplicationState.IN_REVIEW, ApplicationState.DECIDED),
    ),
    "ineligible": (gettext_lazy("Ineligible"), (ApplicationState.INELIGIBLE,)),
}
LISTED = [state for _label, states in STATES.values() for state in states]


class ScreeningForm(forms.Form):
    checks = forms.MultipleChoiceField(
        label=gettext_lazy("Eligibility checklist"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Tick each point the application meets."),
    )
    result = forms.TypedChoiceField(
        label=gettext_lazy("Result"),
        choices=[
            ("eligible", gettext_lazy("Eligible: it goes on to review")),
            ("ineligible", gettext_lazy("Ineligible")),
        ],
        coerce=lambda value: value == "eligible",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose eligible or ineligible.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Required when the application is ineligible: its lead reads it in the message "
            "that tells them the result."
        ),
    )

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checks"].choices = [(str(check.pk), check.label) for check in checklist]
        if not checklist:
            del self.fields["checks"]

    @classmethod
    def initial_for(cls, screening):
        """What the last screening recorded, to screen again."""
        if screening is None:
            return {}
        return {
            "checks": [pk for pk, met in screening.checks.items() if met],
            "result": "eligible" if screening.eligible else "ineligible",
            "reason": screening.reason,
        }


def screening_call_or_404(request, slug):
    call = get_object_or_404(Call, slug=slug)
    if not request.user.has_perm("reviews.screen_applications", call):
        raise Http404
    return call


def next_to_screen(call):
    """The application of `call` that has waited longest for screening, or None."""
    return (
        Application.objects.filter(call=call, state=ApplicationState.SUBMITTED)
        .order_by("submitted_at", "pk")
        .first()
    )


@login_required
def screening_list(request, slug):
    call = screening_call_or_404(request, slug)
    screenable = Application.objects.filter(call=call, state__in=LISTED)
    per_state = dict(
        screenable.order_by()
        .values("state")
        .annotate(count=Count("pk"))
        .values_list("state", "count")
    )
    counts = {
        key: sum(per_state.get(state, 0) for state in states)
        for key, (_label, states) in STATES.items()
    }
    current = request.GET.get("state", "")
    if current not in STATES:
        current = ""
    applications = screenable.select_related("lead", "screening__screened_by").order_by(
        # Those still to screen first, each group in the order received.
        Case(
            When(state=ApplicationState.SUBMITTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "submitted_at",
        "pk",
    )
    if current:
        applications = applications.filter(state__in=STATES[current][1])
    paginator = Paginator(applications, PER_PAGE)
    paginator.count = counts[current] if current else sum(counts.values())  # counted already
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/screening/list.html",
        {
            "call": call,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "filters": [
                {"key": key, "label": label, "count": counts[key]}
                for key, (label, _states) in STATES.items()
            ],
            "total": sum(counts.values()),
            "current": current,
            "next_application": next_to_screen(call) if counts["to_screen"] else None,
        },
    )


@login_required
def screen(request, pk):
    application = get_object_or_404(Application.objects.select_related("call", "lead"), pk=pk)
    if not request.user.has_perm("reviews.screen_applications", application):
        raise Http404
    call = application.call
    checklist = list(call.eligibility_checks.all())
    screening = (
        EligibilityScreening.objects.filter(application=application)
        .select_related("screened_by")
        .first()
    )
    error, status = "", 200
    if request.method == "POST":
        form = ScreeningForm(request.POST, checklist=checklist)
        if form.is_valid():
            data = form.cleaned_data
            try:
                screened = screen_application(
                    application,
                    request.user,
                    checks=dict.fromkeys(data.get("checks", []), True),
                    eligible=data["result"],
                    reason=data["reason"],
                )
            except ReviewError as refused:
                error, status = str(refused), 400
                for field, problems in refused.problems.items():
                    if field in form.fields:
                        form.add_error(field, problems)
            else:
                messages.success(request, success_message(application, screened))
                return redirect(reverse("reviews:screening", kwargs={"slug": call.slug}))
        else:
            error, status = _("The screening was not saved: correct the fields marked below."), 400
    else:
        form = ScreeningForm(initial=ScreeningForm.initial_for(screening), checklist=checklist)
    context = {
        "application": application,
        "call": call,
        "form": form,
        "screening": screening,
        "screenable": request.user.has_perm("reviews.screen_application", application),
        "error": error,
        **read_only_context(application),
    }
    return render(request, "reviews/screening/screen.html", context, status=status)


def success_message(before, after):
    reference = after.reference
    if after.state == ApplicationState.ELIGIBLE:
        message = _("Application %(reference)s is eligible.") % {"reference": reference}
    else:
        message = _("Application %(reference)s is ineligible.") % {"reference": reference}
    if before.state != after.state:
        message += " " + _("Its lead is told.")
    else:
        message += " " + _("The screening is updated; the result did not change.")
    return message
