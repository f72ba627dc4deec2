"""The holders' side of a collection: its page (the record as it stands, the form that edits
it, its history, its label periods, its holders), the invitation of another holder, the page of
an invitation's link, and the removal of an invited holder.

Whoever may not read the collection's history (labels.read_history) gets a 404, so that nobody
learns whom a collection is kept by. Each view parses, calls one function of labels.services or
labels.holders, renders; a refusal shows the form again with what was typed.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.forms import error_summary, posted_version, show_refusal

from . import holders, renewals
from .forms import InviteForm, RecordForm
from .history import history
from .models import Collection, HolderRole
from .services import LabelError, StaleRecord, update_record
from .status import label_state


def collection_for(request, pk):
    """The collection, if the person may read its history; else a 404."""
    collection = get_object_or_404(Collection.objects.select_related("institution"), pk=pk)
    if not request.user.has_perm("labels.read_history", collection):
        raise Http404
    return collection


def collection_page_url(user, collection):
    """Staff come back to the registry's page of the collection, holders to theirs."""
    if user.has_perm("labels.manage_registry"):
        return reverse("labels_staff:collection", args=[collection.pk])
    return reverse("labels_holders:collection", args=[collection.pk])


@login_required
def collection_page(request, pk):
    return edit_page(request, collection_for(request, pk), "labels/holders/collection.html")


def edit_page(request, collection, template):
    """The collection's page, holders' or staff's; a POST saves the record (update_record). A
    stale one (someone saved after the form was opened) comes back with what was typed, what
    the other person changed and the current version, so that saving again keeps both (409)."""
    form, status, stale_from = None, 200, None
    if request.method == "POST":
        form, status = RecordForm(request.POST), 400
        if form.is_valid():
            try:
                update_record(collection, request.user, form.record(), posted_version(request))
            except StaleRecord as stale:
                form.add_error(None, str(stale))
                collection, status, stale_from = stale.collection, 409, posted_version(request)
            except LabelError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("The record is saved: a new version is kept."))
                return redirect(request.path)
    context = page_context(request, collection, form, stale_from=stale_from)
    return render(request, template, context, status=status)


def page_context(request, collection, form=None, invite_form=None, stale_from=None):
    user = request.user
    can_edit = user.has_perm("labels.edit_record", collection)
    past = history(collection, since=stale_from)
    if form is None and can_edit:
        form = RecordForm(initial=RecordForm.data_of(past["record"]))
    can_remove = user.has_perm("labels.remove_holder", collection)
    holdings = list(holders.holdings_of(collection))
    for holding in holdings:
        holding.removable = can_remove and holding.role == HolderRole.INVITED
    return {
        "collection": collection,
        "state": label_state(collection),
        "can_edit": can_edit,
        "form": form,
        # The version the form is based on: a POST that failed keeps the one it was opened on,
        # a stale one takes the current one (its other changes are shown, "changes_since").
        "version": collection.version
        if stale_from is not None
        else request.POST.get("version")
        if form is not None and form.is_bound
        else None,
        "problems": error_summary(form) if form is not None and form.is_bound else [],
        "holdings": holdings,
        "invitations": list(holders.open_invitations(collection)),
        "can_invite": user.has_perm("labels.invite_holder", collection),
        "invite_form": invite_form or InviteForm(),
        "is_staff_page": user.has_perm("labels.manage_registry"),
        # A holder renews whenever a label call is open, invited by a campaign or not.
        "renewal": renewals.renewal_offered(user, collection, renewals.open_label_call()),
        **past,
    }


@login_required
@require_POST
def invite(request, pk):
    collection = collection_for(request, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = holders.invite_holder(collection, request.user, form.cleaned_data["email"])
        except holders.HolderError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _(
                    "An invitation was sent to %(email)s. The person keeps the record with you "
                    "once they accept it with that address."
                )
                % {"email": invitation.email},
            )
            return redirect(collection_page_url(request.user, collection) + "#holders")
    context = page_context(request, collection, invite_form=form)
    return render(request, "labels/holders/collection.html", context, status=400)


@login_required
def remove_holder(request, pk, holding_pk):
    collection = collection_for(request, pk)
    if not request.user.has_perm("labels.remove_holder", collection):
        raise Http404
    holding = get_object_or_404(
        collection.holdings.select_related("user"), pk=holding_pk, role=HolderRole.INVITED
    )
    if request.method == "POST":
        try:
            holders.remove_holder(collection, request.user, holding.pk)
        except holders.HolderError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s no longer keeps the collection's record.")
                % {"name": holding.user.get_full_name() or holding.user.email},
            )
        return redirect(collection_page_url(request.user, collection) + "#holders")
    return render(
        request,
        "labels/holders/remove_holder.html",
        {"collection": collection, "holding": holding},
    )


def invitation(request, token):
    """The page of an invitation's personal link: who invites whom to keep which collection,
    and the button that accepts it for the account signed in with the invited address."""
    found = holders.invitation_for(token)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            holding = holders.accept_invitation(token, user)
        except holders.HolderError as error:
            messages.error(request, str(error))
            return redirect("labels_holders:invitation", token=token)
        messages.success(request, _("You now keep this collection's record."))
        return redirect("labels_holders:collection", pk=holding.collection_id)
    next_query = "?" + urlencode({"next": request.path})
    return render(
        request,
        "labels/holders/invitation.html",
        {
            "invitation": found,
            "problem": holders.invitation_problem(found, user),
            "expires_at": holders.expires_at(found) if found else None,
            "signup_url": reverse("account_signup") + next_query,
            "login_url": reverse("account_login") + next_query,
        },
        status=404 if found is None else 200,
    )
