"""Staff's views of the money of funded projects: the payments export for the accounting office
(CSV or XLSX, filtered by year paid and programme) and what is late (agreements unsigned,
instalments overdue). Anyone who is not programme staff gets a 404."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from calls.models import Programme

from . import exports
from .forms_money import PaymentFilterForm
from .models import Payment
from .queries import late_agreements, overdue_instalments


def require_staff(request, permission):
    if not request.user.has_perm(permission):
        raise Http404


def payment_filters(request):
    return PaymentFilterForm(
        request.GET or None,
        programmes=Programme.objects.order_by("position", "code"),
        years=sorted({day.year for day in Payment.objects.dates("paid_on", "year")}, reverse=True),
    )


@login_required
def payments(request):
    """The export's form: which year and programme, and in which format."""
    require_staff(request, "projects.export_payments")
    return render(request, "projects/payments.html", {"filters": payment_filters(request)})


@login_required
def export_payments(request, fmt):
    require_staff(request, "projects.export_payments")
    if fmt not in exports.BUILDERS:
        raise Http404
    filters = payment_filters(request).filters()
    response = HttpResponse(exports.BUILDERS[fmt](filters), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(fmt, filters)}"'
    return response


@login_required
def late(request):
    require_staff(request, "projects.see_late")
    return render(
        request,
        "projects/late.html",
        {
            "agreements": late_agreements(),
            "instalments": overdue_instalments(),
            "days": settings.AGREEMENT_REMINDER_DAYS,
        },
    )
