from django.urls import path
from django.utils.translation import pgettext_lazy

from . import (
    views,
    views_agreement,
    views_amendments,
    views_deliverables,
    views_money,
    views_report_review,
    views_reports,
)

app_name = "projects"
urlpatterns = [
    path(pgettext_lazy("URL", "manage/projects/"), views.project_list, name="list"),
    path(pgettext_lazy("URL", "projects/<int:pk>/"), views.project_page, name="project"),
    # The money at a glance (views_money).
    path(pgettext_lazy("URL", "manage/projects/payments/"), views_money.payments, name="payments"),
    path(
        pgettext_lazy("URL", "manage/projects/payments.<str:fmt>"),
        views_money.export_payments,
        name="export_payments",
    ),
    path(pgettext_lazy("URL", "manage/projects/late/"), views_money.late, name="late"),
    # The reports a project owes, the lead's side (views_reports).
    path(
        pgettext_lazy("URL", "projects/<int:pk>/reports/<int:report_pk>/"),
        views_reports.report_page,
        name="report",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/reports/<int:report_pk>/submit/"),
        views_reports.submit,
        name="submit_report",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/reports/<int:report_pk>/receipts/<int:number>.pdf"),
        views_reports.receipt,
        name="report_receipt",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/reports/<int:report_pk>/upload/<str:question_id>/"),
        views_reports.upload,
        name="upload_report_file",
    ),
    path(
        pgettext_lazy(
            "URL", "projects/<int:pk>/reports/<int:report_pk>/files/<int:attachment_pk>/"
        ),
        views_reports.report_file,
        name="report_file",
    ),
    path(
        pgettext_lazy(
            "URL", "projects/<int:pk>/reports/<int:report_pk>/files/<int:attachment_pk>/remove/"
        ),
        views_reports.remove_file,
        name="remove_report_file",
    ),
    # Staff's review of the reports (views_report_review).
    path(
        pgettext_lazy("URL", "manage/projects/reports/"),
        views_report_review.report_list,
        name="reports",
    ),
    path(
        pgettext_lazy("URL", "manage/projects/reports/<int:pk>/"),
        views_report_review.review_report,
        name="review_report",
    ),
    # The agreement (views_agreement).
    path(
        pgettext_lazy("URL", "projects/<int:pk>/agreement/"),
        views_agreement.prepare_agreement,
        name="prepare_agreement",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/agreement/signatures/"),
        views_agreement.record_signature,
        name="record_signature",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/agreement/<int:number>.pdf"),
        views_agreement.agreement_pdf,
        name="agreement_pdf",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/agreement/signatures/<int:signature_id>/"),
        views_agreement.signed_copy,
        name="signed_copy",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/amendments/"),
        views_amendments.ask_amendment,
        name="ask_amendment",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/amendments/<int:amendment_pk>/decision/"),
        views_amendments.decide_amendment,
        name="decide_amendment",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/amendments/<int:amendment_pk>/file/"),
        views_amendments.amendment_file,
        name="amendment_file",
    ),
    # Deliverables and closure (views_deliverables).
    path(
        pgettext_lazy("URL", "projects/<int:pk>/deliverables/"),
        views_deliverables.declare_deliverable,
        name="declare_deliverable",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/deliverables/<int:deliverable_pk>/"),
        views_deliverables.edit_deliverable,
        name="edit_deliverable",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/deliverables/<int:deliverable_pk>/remove/"),
        views_deliverables.remove_deliverable,
        name="remove_deliverable",
    ),
    path(
        pgettext_lazy("URL", "projects/<int:pk>/closure/"),
        views_deliverables.close_project,
        name="close",
    ),
]
