"""Staff's renewal campaigns: the campaigns started, and the form that starts one (a label
call, a date) with the collections it will invite; each campaign's invitations and what became
of them. Only for staff who manage the registry (labels.manage_registry); 404 for anyone else;
which calls may be chosen is labels.start_renewals's to say (renewals.renewal_calls)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from calls.models import Call
from common.forms import error_summary

from . import renewals
from .models import RenewalCampaign


class CampaignForm(forms.Form):
    call = forms.ModelChoiceField(
        label=gettext_lazy("Renewal call"),
        # Chosen when the form is made (__init__): the calls open now, and never at import,
        # when the database may not even be migrated yet.
        queryset=Call.objects.none(),
        help_text=gettext_lazy("A CollEx label call, open or upcoming."),
    )
    expiring_by = forms.DateField(
        label=gettext_lazy("Labels that expire by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Every collection whose label ends on or before this day."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = renewals.renewal_calls()


def staff_only(request):
    if not request.user.has_perm("labels.manage_registry"):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def campaigns(request):
    staff_only(request)
    status = 200
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                made = renewals.start_campaign(
                    form.cleaned_data["call"], form.cleaned_data["expiring_by"], request.user
                )
            except renewals.RenewalError as refused:
                form.add_error(None, str(refused))
            else:
                if not made:
                    messages.info(request, _("No collection to invite: nothing was started."))
                    return redirect("labels_renewals:campaigns")
                messages.success(
                    request,
                    ngettext(
                        "%(count)s collection invited to renew its label.",
                        "%(count)s collections invited to renew their label.",
                        len(made),
                    )
                    % {"count": len(made)},
                )
                return redirect("labels_renewals:campaign", pk=made[0].campaign_id)
        status = 400
    else:
        form = CampaignForm(request.GET if "call" in request.GET else None)
    preview = None
    if form.is_bound and form.is_valid():
        preview = list(
            renewals.to_invite(form.cleaned_data["call"], form.cleaned_data["expiring_by"])
        )
    context = {
        "form": form,
        "problems": error_summary(form) if form.is_bound else [],
        "preview": preview,
        "campaigns": renewals.campaigns(),
    }
    return render(request, "labels/renewals/campaigns.html", context, status=status)


@login_required
def campaign(request, pk):
    staff_only(request)
    found = get_object_or_404(RenewalCampaign.objects.select_related("call", "started_by"), pk=pk)
    context = {"campaign": found, "invitations": renewals.invitations_of(found)}
    return render(request, "labels/renewals/campaign.html", context)
