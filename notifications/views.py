"""The inbox and preferences of each user; the delivery log for staff. Thin: every change is a
function of services.py, every permission is said in rules.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import PreferencesForm
from .models import Delivery, DeliveryState, Message
from .rules import message_or_404

INBOX_PER_PAGE = 25
LOG_PER_PAGE = 50


@login_required
def inbox(request):
    listing = Message.objects.inbox(request.user).defer("text", "html", "attachments")
    page = Paginator(listing, INBOX_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)},
    )


@login_required
def message_detail(request, pk):
    message = services.mark_read(message_or_404(request.user, pk))
    return render(request, "notifications/message.html", {"message": message})


@login_required
@require_POST
def mark_read(request, pk):
    services.mark_read(message_or_404(request.user, pk))
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, _("Every message is marked as read."))
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    current = services.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, preferences=current)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.choices())
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def delivery_log(request):
    if not request.user.has_perm("notifications.read_delivery_log"):
        raise Http404
    state = request.GET.get("state", "")
    search = request.GET.get("q", "").strip()
    deliveries = Delivery.objects.select_related("message", "requested_by").defer(
        "message__text", "message__html"
    )
    if state in DeliveryState.values:
        deliveries = deliveries.filter(state=state)
    if search:
        deliveries = deliveries.filter(
            Q(to__icontains=search) | Q(message__subject__icontains=search)
        )
    page = Paginator(deliveries, LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/delivery_log.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "states": DeliveryState.choices,
            "state": state,
            "search": search,
        },
    )


@login_required
@require_POST
def resend(request, pk):
    message = message_or_404(request.user, pk, "notifications.resend_message")
    try:
        services.resend(message, request.user)
    except services.ResendRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("notifications:delivery_log")
    messages.success(
        request,
        _("The message to %(email)s is queued to be sent again.") % {"email": message.email},
    )
    return redirect("notifications:delivery_log")
