"""The authorization matrix: every address of the site, requested by every kind of person.

One scenario (a call in review, an application with its submission, a file, assignments in each
state, a submitted review, a consensus report, a reply, a message, a pending invitation) is built
once for the module, inside a transaction that each test nests in and that is rolled back at the
end. Each (address, method, persona) is then one test, compared with the table below, and no
answer may show a persona what it must not know: a dossier's title, its file, a reviewer's
identity, a confidential comment, the applicant's reply.

The table must name every URL pattern of the project (Wagtail's admin aside, apart from a few
representative pages): a new address fails test_every_url_pattern_is_in_the_table until someone
writes down who may open it.
"""

import datetime as dt
import hashlib
import html

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.documents.models import Document

from accounts.roles import Role
from applications.facts import application_facts
from applications.models import ApplicationState, Attachment, Submission
from applications.snapshot import build_snapshot, fingerprint
from decisions.letters import send_letter
from notifications.events import Event
from notifications.services import notify
from projects.models import (
    AgreementVersion,
    Amendment,
    AmendmentKind,
    Deliverable,
    Party,
    ProjectReport,
    ReportAttachment,
    ReportSubmission,
    Signature,
)
from reports.models import Report, ReportKind, ReportState
from reviews import reviewing
from reviews.claims import record_claims, rule_on_claim
from reviews.models import (
    AssignmentProposal,
    AssignmentState,
    ConflictDeclaration,
    ConsensusReport,
    Invitation,
    Reply,
    TeamClaim,
)

from .factories import (
    TOTP_SECRET,
    AssignmentFactory,
    CallCriterionFactory,
    CallFactory,
    InstitutionFactory,
    ReviewerFactory,
    TeamMemberFactory,
    UserFactory,
    decided_application,
    in_review_application,
    invited_to_team,
    labelled_collection,
    report_question,
    support_letter_question,
)

PERSONAS = (
    "anonymous",
    "owner",  # the lead applicant of the application
    "other_applicant",
    "reviewer",  # assigned to it, accepted, review submitted
    "pending_reviewer",  # assigned, not answered yet
    "unassigned_reviewer",
    "recused_reviewer",  # assigned, declared a conflict of interest
    "council_member",
    "staff",  # a programme manager
    "conflicted_council",  # in conflict with the application (same institution, confirmed)
    "named_member",  # named in a team row that "leads the project", never invited nor accepted
    "template_author",  # staff who may only edit the message and letter templates in the admin
)

# Codes: 200, 400, 403, 404, 405 are the status; "302" a redirect that is not to the login page
# (an action done or refused with a message); "log" a redirect to the login page; "pub" (allauth's
# own account pages only) the page, a redirect, a 401 (its sign-in error page) or a 404 (no such
# key, no such device), as allauth chooses.
#
# fmt: off
#                                                 anon own  oth  rev  pend unas recu cncl staf conf nmd  tmpl
EXPECTED = {
    # Public pages.
    "GET wagtail_serve":                            "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET calls:list":                               "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET calls:detail":                             "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET calls:programmes":                         "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET calls:programme":                          "200  200  200  200  200  200  200  200  200  200  200  200",
    # The public directory of labelled collections, its map's data and a collection's page.
    "GET labels:directory":                         "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET labels:map_data":                          "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET labels:collection":                        "200  200  200  200  200  200  200  200  200  200  200  200",
    # A CMS document that no published call or page uses yet.
    "GET wagtaildocs_serve":                        "404  404  404  404  404  404  404  404  200  404  404  404",
    "GET wagtaildocs_authenticate_with_password":   "404  404  404  404  404  404  404  404  404  404  404  404",
    "GET wagtailcore_authenticate_with_password":   "404  404  404  404  404  404  404  404  404  404  404  404",
    "GET wagtailcore_login":                        "200  200  200  200  200  200  200  200  200  200  200  200",
    # The applicant's pages.
    "GET applications:mine":                        "log  200  200  200  200  200  200  200  200  200  200  200",
    "GET applications:start":                       "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST applications:start":                      "log  302  302  302  302  302  302  302  302  302  302  302",
    "GET applications:edit":                        "log  200  404  404  404  404  404  404  200  404  404  404",
    "POST applications:edit":                       "log  302  404  404  404  404  404  404  302  404  404  404",
    # The summary before submitting: the application is no longer a draft, back to its page.
    "GET applications:summary":                     "log  302  404  404  404  404  404  404  302  404  404  404",
    "POST applications:summary":                    "log  405  405  405  405  405  405  405  405  405  405  405",
    "GET applications:submit":                      "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST applications:submit":                     "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET applications:withdraw":                    "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST applications:withdraw":                   "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET applications:upload":                      "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST applications:upload":                     "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET applications:attachment":                  "log  200  404  404  404  404  404  404  200  404  404  404",
    "POST applications:attachment":                 "log  405  405  405  405  405  405  405  405  405  405  405",
    "GET applications:delete_attachment":           "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST applications:delete_attachment":          "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET applications:receipt":                     "log  200  404  404  404  404  404  404  200  404  404  404",
    # The team: the lead invites a row's address; its link's page answers whoever holds it.
    "GET applications:invite_member":               "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST applications:invite_member":              "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET applications:team_invitation":             "200  200  200  200  200  200  200  200  200  200  200  200",
    "POST applications:team_invitation":            "log  302  302  302  302  302  302  302  302  302  302  302",
    "GET reviews:reply":                            "log  200  404  404  404  404  404  404  404  404  404  404",
    "POST reviews:reply":                           "log  302  404  404  404  404  404  404  404  404  404  404",
    # Programme staff: applications, screening, reviewers, assignments.
    "GET applications:call_applications":           "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET applications:export":                      "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET applications:reopen":                      "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST applications:reopen":                     "log  404  404  404  404  404  404  404  302  404  404  404",
    "GET reviews:screening":                        "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET reviews:screen":                           "log  404  404  404  404  404  404  404  200  404  404  404",
    "POST reviews:screen":                          "log  404  404  404  404  404  404  404  400  404  404  404",
    "GET reviews:reviewers":                        "log  404  404  404  404  404  404  404  200  404  404  404",
    "POST reviews:reviewers":                       "log  404  404  404  404  404  404  404  400  404  404  404",
    "GET reviews:assignments":                      "log  404  404  404  404  404  404  404  200  404  404  404",
    "POST reviews:assignments":                     "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET reviews:proposal":                         "log  404  404  404  404  404  404  404  200  404  404  404",
    "POST reviews:proposal":                        "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET reviews:cancel_assignment":                "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST reviews:cancel_assignment":               "log  404  404  404  404  404  404  404  302  404  404  404",
    "GET reviews:reopen_review":                    "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST reviews:reopen_review":                   "log  404  404  404  404  404  404  404  302  404  404  404",
    # The calls staff and the council run, the way into each call's pages.
    "GET reviews:management":                       "log  404  404  404  404  404  404  200  200  200  404  404",
    # Deliberation: staff and the council.
    "GET reviews:ranking":                          "log  404  404  404  404  404  404  200  200  200  404  404",
    "GET reviews:dossier":                          "log  404  404  404  404  404  404  200  200  404  404  404",
    "POST reviews:dossier":                         "log  404  404  404  404  404  404  404  302  404  404  404",
    "GET reviews:consensus":                        "log  404  404  404  404  404  404  404  200  404  404  404",
    "POST reviews:consensus":                       "log  404  404  404  404  404  404  404  302  404  404  404",
    # Reviewers.
    "GET reviews:dashboard":                        "log  404  404  200  200  200  200  404  404  404  404  404",
    "GET reviews:profile":                          "log  404  404  200  200  200  200  404  404  404  404  404",
    "POST reviews:profile":                         "log  404  404  400  400  400  400  404  404  404  404  404",
    "GET reviews:invitation":                       "200  200  200  200  200  200  200  200  200  200  200  200",
    "POST reviews:invitation":                      "log  302  302  302  302  302  302  302  302  302  302  302",
    # The assignment in these addresses is the persona's own, if any (else the accepted one).
    "GET reviews:assignment":                       "log  404  404  200  200  404  404  404  404  404  404  404",
    "POST reviews:assignment":                      "log  404  404  302  405  404  404  404  404  404  404  404",
    "GET reviews:answer":                           "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST reviews:answer":                          "log  404  404  302  302  404  404  404  404  404  404  404",
    "GET reviews:attachment":                       "log  404  404  200  404  404  404  404  404  404  404  404",
    # Messages.
    "GET notifications:inbox":                      "log  200  200  200  200  200  200  200  200  200  200  200",
    "GET notifications:mark_all_read":              "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST notifications:mark_all_read":             "log  302  302  302  302  302  302  302  302  302  302  302",
    "GET notifications:preferences":                "log  200  200  200  200  200  200  200  200  200  200  200",
    "POST notifications:preferences":               "log  200  200  200  200  200  200  200  200  200  200  200",
    "GET notifications:message":                    "log  200  404  404  404  404  404  404  404  404  404  404",
    "GET notifications:mark_read":                  "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST notifications:mark_read":                 "log  302  404  404  404  404  404  404  404  404  404  404",
    "GET notifications:delivery_log":               "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET notifications:resend":                     "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST notifications:resend":                    "log  404  404  404  404  404  404  404  302  404  404  404",
    # Decisions, letters, budgets (staff decide; the council reads; the lead reads their letters).
    "GET decisions:call":                           "log  404  404  404  404  404  404  200  200  200  404  404",
    "POST decisions:call":                          "log  404  404  404  404  404  404  404  400  404  404  404",
    "GET decisions:application":                    "log  404  404  404  404  404  404  200  200  404  404  404",
    "POST decisions:application":                   "log  404  404  404  404  404  404  404  400  404  404  404",
    "GET decisions:budgets":                        "log  404  404  404  404  404  404  200  200  200  404  404",
    "GET decisions:letter_preview":                 "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET decisions:letter_preview_pdf":             "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET decisions:send_letter":                    "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST decisions:send_letter":                   "log  404  404  404  404  404  404  404  302  404  404  404",
    "GET decisions:send_call_letters":              "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST decisions:send_call_letters":             "log  404  404  404  404  404  404  404  302  404  404  404",
    "GET decisions:letter":                         "log  200  404  404  404  404  404  404  200  404  404  404",
    "GET decisions:letter_pdf":                     "log  200  404  404  404  404  404  404  200  404  404  404",
    # Funded projects (staff act; the lead, joined members and the council read).
    "GET projects:list":                            "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET projects:project":                         "log  200  404  404  404  404  404  200  200  404  404  404",
    "POST projects:project":                        "log  404  404  404  404  404  404  404  400  404  404  404",
    # Amendments: the lead or staff ask (refused with the form while the agreement is unsigned),
    # staff decide, the lead, the joined team and staff download the attachment.
    "GET projects:ask_amendment":                   "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST projects:ask_amendment":                  "log  400  404  404  404  404  404  400  400  404  404  404",
    "GET projects:decide_amendment":                "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST projects:decide_amendment":               "log  404  404  404  404  404  404  404  400  404  404  404",
    "GET projects:amendment_file":                  "log  200  404  404  404  404  404  404  200  404  404  404",
    # The money at a glance: the payments export and what is late, programme staff only.
    "GET projects:payments":                        "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET projects:export_payments":                 "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET projects:late":                            "log  404  404  404  404  404  404  404  200  404  404  404",
    # Staff's list of every project's reports and the review of one (the scenario's report is
    # sent back for changes already: staff's second request is refused beside the form).
    "GET projects:reports":                         "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET projects:review_report":                   "log  404  404  404  404  404  404  404  200  404  404  404",
    "POST projects:review_report":                  "log  404  404  404  404  404  404  404  400  404  404  404",
    # The agreement: staff prepare versions and record signatures (the scenario's project has no
    # carrier: refused beside the form, 400); staff, the lead and the joined team download the
    # PDF and the signed copies, not the council (projects.read_agreement).
    "GET projects:prepare_agreement":               "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST projects:prepare_agreement":              "log  404  404  404  404  404  404  404  400  404  404  404",
    "GET projects:record_signature":                "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST projects:record_signature":               "log  404  404  404  404  404  404  404  400  404  404  404",
    "GET projects:agreement_pdf":                   "log  200  404  404  404  404  404  404  200  404  404  404",
    "GET projects:signed_copy":                     "log  200  404  404  404  404  404  404  200  404  404  404",
    # Deliverables: the lead, the joined team and staff declare, change and remove them (the
    # council reads the project: its declaration is refused beside the form); staff's closure
    # page says why the scenario's project (its agreement in preparation) cannot close.
    "GET projects:declare_deliverable":             "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST projects:declare_deliverable":            "log  302  404  404  404  404  404  400  302  404  404  404",
    "GET projects:edit_deliverable":                "log  200  404  404  404  404  404  404  200  404  404  404",
    "POST projects:edit_deliverable":               "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET projects:remove_deliverable":              "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST projects:remove_deliverable":             "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET projects:close":                           "log  404  404  404  404  404  404  404  200  404  404  404",
    "POST projects:close":                          "log  404  404  404  404  404  404  404  400  404  404  404",
    # A project's reports: the lead and the joined team write, upload and submit (a required
    # answer missing: the page again, 400); staff read them, and are sent back when they write;
    # never the council (projects.read_report).
    "GET projects:report":                          "log  200  404  404  404  404  404  404  200  404  404  404",
    "POST projects:report":                         "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET projects:submit_report":                   "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST projects:submit_report":                  "log  400  404  404  404  404  404  404  302  404  404  404",
    "GET projects:report_receipt":                  "log  200  404  404  404  404  404  404  200  404  404  404",
    "GET projects:report_file":                     "log  200  404  404  404  404  404  404  200  404  404  404",
    "GET projects:upload_report_file":              "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST projects:upload_report_file":             "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET projects:remove_report_file":              "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST projects:remove_report_file":             "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET applications:history":                     "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET applications:history_csv":                 "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET audit:dossier_zip":                        "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET reports:call_reports":                     "log  404  404  404  404  404  404  200  200  200  404  404",
    "POST reports:call_reports":                    "log  404  404  404  404  404  404  400  400  400  404  404",
    "GET reports:programme_reports":                "log  404  404  404  404  404  404  200  200  200  404  404",
    "POST reports:programme_reports":               "log  404  404  404  404  404  404  400  400  400  404  404",
    "GET reports:progress":                         "log  404  404  404  404  404  404  200  200  404  404  404",
    "GET reports:download":                         "log  404  404  404  404  404  404  200  200  404  404  404",
    "GET opendata:projects":                        "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:projects_csv":                    "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:projects_json":                   "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:api":                             "200  200  200  200  200  200  200  200  200  200  200  200",
    # A funded project's public page (not announced: 404 for all, tests/test_public_project.py),
    # the other open data files, their Table Schemas and the DCAT catalogue: everyone reads them.
    "GET opendata:project":                         "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:schema":                          "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:deliverables_csv":                "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:deliverables_schema":             "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:calls_csv":                       "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:calls_schema":                    "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:catalogue_jsonld":                "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:catalogue_rdf":                   "200  200  200  200  200  200  200  200  200  200  200  200",
    # The registry of labelled collections as open data: everyone reads it.
    "GET opendata:collections_csv":                 "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:collections_json":                "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET opendata:collections_schema":              "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET api:call-list":                            "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET api:call-detail":                          "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET api:project-list":                         "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET api:project-detail":                       "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET api:deliverable-list":                     "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET api:deliverable-detail":                   "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET api:collection-list":                      "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET api:collection-detail":                    "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET api:schema":                               "200  200  200  200  200  200  200  200  200  200  200  200",
    # For load balancers: the process answers, the services it needs are reachable.
    "GET health:live":                              "200  200  200  200  200  200  200  200  200  200  200  200",
    "GET health:ready":                             "200  200  200  200  200  200  200  200  200  200  200  200",
    # Labelled collections: the holders' page (the owner leads the scenario's collection, an
    # invited holder keeps it too), staff's registry (labels.manage_registry); a record posted
    # without its name is refused beside the field.
    "GET labels_holders:collection":                "log  200  404  404  404  404  404  404  200  404  404  404",
    "POST labels_holders:collection":               "log  400  404  404  404  404  404  404  400  404  404  404",
    "GET labels_holders:invite":                    "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST labels_holders:invite":                   "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET labels_holders:remove_holder":             "log  200  404  404  404  404  404  404  200  404  404  404",
    "POST labels_holders:remove_holder":            "log  302  404  404  404  404  404  404  302  404  404  404",
    "GET labels_holders:invitation":                "200  200  200  200  200  200  200  200  200  200  200  200",
    "POST labels_holders:invitation":               "log  302  302  302  302  302  302  302  302  302  302  302",
    "GET labels_staff:registry":                    "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET labels_staff:collection":                  "log  404  404  404  404  404  404  404  200  404  404  404",
    "POST labels_staff:collection":                 "log  404  404  404  404  404  404  404  400  404  404  404",
    # The collection a label application describes, the collections a project works on: the
    # scenario's call asks for neither. A label renewal starts from its invitation's link,
    # for the holders of the invited collection only. Staff's renewal campaigns.
    "GET applications:collection_record":           "log  404  404  404  404  404  404  404  404  404  404  404",
    "POST applications:collection_record":          "log  404  404  404  404  404  404  404  404  404  404  404",
    "GET applications:collections_used":            "log  404  404  404  404  404  404  404  404  404  404  404",
    "POST applications:collections_used":           "log  404  404  404  404  404  404  404  404  404  404  404",
    "GET applications:renew":                       "log  200  404  404  404  404  404  404  404  404  404  404",
    "POST applications:renew":                      "log  302  404  404  404  404  404  404  404  404  404  404",
    "GET labels_renewals:campaigns":                "log  404  404  404  404  404  404  404  200  404  404  404",
    "POST labels_renewals:campaigns":               "log  404  404  404  404  404  404  404  400  404  404  404",
    "GET labels_renewals:campaign":                 "log  404  404  404  404  404  404  404  200  404  404  404",
    # Accounts (ours).
    "GET accounts:profile":                         "log  200  200  200  200  200  200  200  200  200  200  200",
    "POST accounts:profile":                        "log  200  200  200  200  200  200  200  200  200  200  200",
    # A person's own data: their export and the deletion of their account (a form sent without
    # its confirmation is shown again).
    "GET privacy:my_data":                          "log  200  200  200  200  200  200  200  200  200  200  200",
    "POST privacy:my_data":                         "log  405  405  405  405  405  405  405  405  405  405  405",
    "GET privacy:export":                           "log  200  200  200  200  200  200  200  200  200  200  200",
    "POST privacy:export":                          "log  405  405  405  405  405  405  405  405  405  405  405",
    "GET privacy:delete_account":                   "log  200  200  200  200  200  200  200  200  200  200  200",
    "POST privacy:delete_account":                  "log  200  200  200  200  200  200  200  200  200  200  200",
    # Retention (programme staff): what the next run takes, holds placed and lifted.
    "GET privacy:retention":                        "log  404  404  404  404  404  404  404  200  404  404  404",
    "POST privacy:retention":                       "log  405  405  405  405  405  405  405  405  405  405  405",
    "GET privacy:place_hold":                       "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST privacy:place_hold":                      "log  404  404  404  404  404  404  404  200  404  404  404",
    "GET privacy:lift_hold":                        "log  405  405  405  405  405  405  405  405  405  405  405",
    "POST privacy:lift_hold":                       "log  404  404  404  404  404  404  404  302  404  404  404",
    "GET accounts:admin_login":                     "log  403  403  403  403  403  403  403  302  403  403  302",
    # The names page: everyone here has a name, so it goes straight on; a form without one is refused.
    "GET accounts:names":                           "log  302  302  302  302  302  302  302  302  302  302  302",
    "POST accounts:names":                          "log  200  200  200  200  200  200  200  200  200  200  200",
    # Wagtail's admin: a few representative pages; its login sends to ours.
    "GET admin/login/":                             "log  log  log  log  log  log  log  log  log  log  log  log",
    "GET wagtailadmin_home":                        "log  log  log  log  log  log  log  log  200  log  log  200",
    "GET wagtailsnippets_calls_call:list":          "log  log  log  log  log  log  log  log  200  log  log  302",
    "GET wagtailsnippets_calls_call:edit":          "log  log  log  log  log  log  log  log  200  log  log  302",
    "GET wagtailusers_users:index":                 "log  log  log  log  log  log  log  log  302  log  log  302",
    "GET wagtailsnippets_notifications_messagetemplate:list": "log  log  log  log  log  log  log  log  200  log  log  200",
    "GET wagtailsnippets_notifications_messagetemplate:add":  "log  log  log  log  log  log  log  log  200  log  log  200",
    "GET wagtailsnippets_decisions_lettertemplate:list":    "log  log  log  log  log  log  log  log  200  log  log  200",
}
# fmt: on

# allauth's own pages (sign-in, sign-up, e-mail addresses, passwords, two-factor, ORCID): public
# or behind its own login; they show no dossier to anyone.
ALLAUTH = {
    "account_login", "account_logout", "account_inactive", "account_signup",
    "account_reauthenticate", "account_email", "account_email_verification_sent",
    "account_change_password", "account_set_password", "account_reset_password",
    "account_confirm_login_code", "account_confirm_email",
    "account_request_reauthentication_code", "account_confirm_reauthentication_code",
    "account_reset_password_from_key_done", "account_reset_password_from_key",
    "account_reset_password_done", "mfa_index", "mfa_authenticate", "mfa_reauthenticate",
    "mfa_activate_totp", "mfa_deactivate_totp", "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes", "mfa_download_recovery_codes", "mfa_list_webauthn",
    "mfa_add_webauthn", "mfa_reauthenticate_webauthn", "mfa_remove_webauthn",
    "mfa_edit_webauthn", "socialaccount_login_cancelled", "socialaccount_login_error",
    "socialaccount_signup", "socialaccount_connections", "orcid_login", "orcid_callback",
    "accounts/social/login/cancelled/", "accounts/social/login/error/",
    "accounts/social/signup/", "accounts/social/connections/",
}  # fmt: skip
for _name in sorted(ALLAUTH):
    EXPECTED[f"GET {_name}"] = " ".join(["pub"] * len(PERSONAS))

# Under /admin/ only these are requested; the rest is Wagtail's, behind the same access check.
ADMIN_SAMPLES = {
    "admin/login/",
    "wagtailadmin_home",
    "wagtailsnippets_calls_call:list",
    "wagtailsnippets_calls_call:edit",
    "wagtailusers_users:index",
    "wagtailsnippets_notifications_messagetemplate:list",
    "wagtailsnippets_notifications_messagetemplate:add",
    "wagtailsnippets_decisions_lettertemplate:list",
}
SERVED_FILES = {"django.views.static.serve"}  # static and media in development

# What the scenario holds that only some may read.
TITLE = "Correspondance inédite de Pauline Viardot"
FILE_NAME = "lettre-de-soutien.pdf"
FILE_BYTES = b"%PDF-1.4 lettre de soutien 7f3a9c matrice"
CONFIDENTIAL_REVIEW = "Confidentiel : l'equipe a deja echoue sur un projet voisin"
CONFIDENTIAL_MAJORITY = "Avis majoritaire confidentiel du comite 51b2"
REPLY = "Reponse de la porteuse aux experts 9d41"
QUESTION = "q-letter"
# A funded project's files: its agreement, a signed copy, an amendment's attachment.
AGREEMENT_BYTES = b"%PDF-1.4 convention 3c8e matrice"
SIGNED_BYTES = b"%PDF-1.4 exemplaire signe 6d2f matrice"
AMENDMENT_BYTES = b"%PDF-1.4 avenant 0b7a matrice"
REPORT_FILE_BYTES = b"%PDF-1.4 rapport de projet 51c9 matrice"

# Which of those each persona may ever read (besides their own name and e-mail address).
MAY_READ = {
    "anonymous": set(),
    "owner": {"title", "file", "reply", "project_files"},
    "other_applicant": set(),
    "reviewer": {"title", "file", "own_review", "reply"},
    "pending_reviewer": {"title"},  # to judge a conflict of interest
    "unassigned_reviewer": set(),
    "recused_reviewer": {"title"},  # read when asked; kept on their dashboard's history
    "council_member": {"title", "own_review", "majority", "reply", "reviewers"},
    "staff": {"title", "file", "own_review", "majority", "reply", "reviewers", "project_files"},
    # The ranking lists the application, its score withheld; nothing of its reviews.
    "conflicted_council": {"title"},
    "named_member": set(),
    "template_author": set(),
}
REVIEWER_PERSONAS = ("reviewer", "pending_reviewer", "recused_reviewer", "unassigned_reviewer")


def template_author():
    """Someone given a group that edits the templates of messages and letters, nothing else."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Rédaction des modèles")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["notifications", "decisions", "wagtailadmin"],
            codename__in=[
                "access_admin",
                "add_messagetemplate",
                "change_messagetemplate",
                "view_messagetemplate",
                "add_lettertemplate",
                "change_lettertemplate",
                "view_lettertemplate",
            ],
        )
    )
    author = UserFactory(email="modeles@example.org")
    author.groups.add(group)
    TOTP.activate(author, TOTP_SECRET)  # the admin asks for a second factor
    return author


def build_scenario():
    now = timezone.now()
    people = {
        "owner": UserFactory(email="porteuse@example.org"),
        "other_applicant": UserFactory(email="autre@example.org"),
        "reviewer": ReviewerFactory(
            email="relectrice@example.org", first_name="Irène", last_name="Joliot-Matrice"
        ),
        "pending_reviewer": ReviewerFactory(
            email="attente@example.org", first_name="Paul", last_name="Attendu-Matrice"
        ),
        "unassigned_reviewer": ReviewerFactory(
            email="libre@example.org", first_name="Lise", last_name="Libre-Matrice"
        ),
        "recused_reviewer": ReviewerFactory(
            email="recuse@example.org", first_name="Rémi", last_name="Recuse-Matrice"
        ),
        "council_member": UserFactory(email="conseil@example.org", roles=[Role.COUNCIL_MEMBER]),
        "staff": UserFactory(email="gestion@example.org", roles=[Role.PROGRAMME_MANAGER]),
        "conflicted_council": UserFactory(
            email="conseil-en-conflit@example.org", roles=[Role.COUNCIL_MEMBER]
        ),
        "named_member": UserFactory(email="nommee-dans-l-equipe@example.org"),
        "template_author": template_author(),
    }
    # The lead's account and the conflicted council member come from the same university.
    university = InstitutionFactory(name="Université de la Matrice")
    for persona in ("owner", "conflicted_council"):
        people[persona].institution = university
        people[persona].save(update_fields=["institution"])
    call = CallFactory(
        closed=True,
        questions=[support_letter_question(QUESTION)],
        reply_opens_at=now - dt.timedelta(days=1),
        reply_closes_at=now + dt.timedelta(days=5),
    )
    CallCriterionFactory(call=call)
    application = in_review_application(call, lead=people["owner"], title=TITLE)
    TeamMemberFactory(
        application=application, name="Nommée", email=people["named_member"].email, is_lead=True
    )
    application.state = ApplicationState.IN_REVIEW
    application.save(update_fields=["state"])
    attachment = Attachment.objects.create(
        application=application,
        question_id=QUESTION,
        file=ContentFile(FILE_BYTES, name=FILE_NAME),
        original_name=FILE_NAME,
        content_type="application/pdf",
        size=len(FILE_BYTES),
        sha256=hashlib.sha256(FILE_BYTES).hexdigest(),
    )
    content = build_snapshot(application, application.submitted_at)
    submission = Submission.objects.create(
        application=application,
        number=1,
        received_at=application.submitted_at,
        content=content,
        fingerprint=fingerprint(content),
    )

    def assign(persona, state):
        return AssignmentFactory(
            application=application,
            reviewer=people[persona],
            state=state,
            assigned_by=people["staff"],
        )

    accepted = assign("reviewer", AssignmentState.ACCEPTED)
    ConflictDeclaration.objects.create(assignment=accepted, has_conflict=False)
    criterion = call.criteria.get()
    reviewing.submit_review(
        accepted,
        people["reviewer"],
        {
            "scores": {criterion.pk: ("4", "Solide.")},
            "comment_for_applicant": "Un projet solide.",
            "confidential_comment": CONFIDENTIAL_REVIEW,
            "recommendation": "fund",
        },
    )
    pending = assign("pending_reviewer", AssignmentState.PENDING)
    recused = assign("recused_reviewer", AssignmentState.RECUSED)
    ConflictDeclaration.objects.create(
        assignment=recused, has_conflict=True, reason="Co-auteur de la porteuse."
    )
    ConsensusReport.objects.create(application=application, majority_view=CONFIDENTIAL_MAJORITY)
    Reply.objects.create(application=application, text=REPLY, author=people["owner"])
    (message,) = notify(
        Event.APPLICATION_REOPENED,
        [people["owner"]],
        {"application": application_facts(application), "reason": "Budget à préciser"},
    )
    invitation = Invitation.objects.create(
        email="invitee@example.org", name="Invitée", call=call, invited_by=people["staff"]
    )
    proposal = AssignmentProposal.objects.create(call=call, created_by=people["staff"])
    decided = decided_application(
        call, application={"lead": people["owner"], "title": "Projet décidé de la porteuse"}
    )
    letter = send_letter(decided.decision, people["staff"])
    amendment = Amendment.objects.create(
        project=decided.decision.project,
        kind=AmendmentKind.TEAM_CHANGE,
        justification="Un départ dans l'équipe.",
        team_change="M. A part.",
        asked_by=people["owner"],
        attachment=ContentFile(AMENDMENT_BYTES, name="avenant.pdf"),
        attachment_name="avenant.pdf",
        attachment_type="application/pdf",
        sha256="0" * 64,
    )
    agreement = AgreementVersion.objects.create(
        project=decided.decision.project,
        number=1,
        language="fr",
        title="Convention",
        body="Convention attributive d'aide.",
        pdf=ContentFile(AGREEMENT_BYTES, name="convention.pdf"),
        sha256="1" * 64,
    )
    signature = Signature.objects.create(
        version=agreement,
        party=Party.CARRIER,
        signer_name="Marie Signataire",
        signed_on=now.date(),
        signed_copy=ContentFile(SIGNED_BYTES, name="signee.pdf"),
        original_name="signee.pdf",
        size=len(SIGNED_BYTES),
        sha256="2" * 64,
    )
    project_report = ProjectReport.objects.create(
        project=decided.decision.project,
        kind="interim",
        title_fr="Rapport intermédiaire",
        questions=[support_letter_question("q-report"), report_question(required=True)],
        state="changes_requested",
    )
    ReportSubmission.objects.create(
        report=project_report,
        number=1,
        received_at=now,
        content={"questions": [], "answers": {}, "reference": decided.reference},
        fingerprint="3" * 64,
    )
    report_file = ReportAttachment.objects.create(
        report=project_report,
        question_id="q-report",
        file=ContentFile(REPORT_FILE_BYTES, name="rapport.pdf"),
        original_name="rapport.pdf",
        content_type="application/pdf",
        size=len(REPORT_FILE_BYTES),
        sha256="4" * 64,
    )
    # The lead's profile names the council member's university: staff confirm the claims.
    record_claims([application, decided], people["staff"])
    for claim in TeamClaim.objects.filter(reviewer=people["conflicted_council"]):
        rule_on_claim(claim, people["staff"], confirm=True)
    report = Report.objects.create(
        kind=ReportKind.CALL,
        call=call,
        language="fr",
        state=ReportState.DONE,
        progress=100,
        pages=1,
        data_date=now,
        file=ContentFile(b"%PDF-1.4 rapport", name="rapport.pdf"),
        requested_by=people["staff"],
    )
    hidden_document = Document.objects.create(
        title="Brouillon", file=ContentFile(b"%PDF-1.4 brouillon", name="brouillon.pdf")
    )
    return {
        "people": people,
        "call": call,
        "application": application,
        "attachment": attachment,
        "submission": submission,
        "assignments": {
            "reviewer": accepted,
            "pending_reviewer": pending,
            "recused_reviewer": recused,
        },
        "message": message,
        "invitation": invitation,
        "proposal": proposal,
        "document": hidden_document,
        "decided": decided,
        "letter": letter,
        "report": report,
        "amendment": amendment,
        "signature": signature,
        "deliverable": Deliverable.objects.create(
            project=decided.decision.project,
            kind="dataset",
            title="Notices de la porteuse",
            identifier_scheme="doi",
            identifier="10.5281/zenodo.1234567",
            licence="etalab-2.0",
        ),
        "project_report": project_report,
        "report_file": report_file,
        **holders_scenario(people),
    }


HOLDER_TOKEN = "lien-de-gardien-de-test"


def holders_scenario(people):
    """A labelled collection the owner leads, an invited holder, an invitation not answered."""
    from labels.holders import token_hash
    from labels.models import CollectionHolder, HolderInvitation, HolderRole

    collection = labelled_collection(lead=people["owner"])
    holding = CollectionHolder.objects.create(
        collection=collection,
        user=UserFactory(email="co-gardien@example.org"),
        role=HolderRole.INVITED,
        added_by=people["owner"],
    )
    HolderInvitation.objects.create(
        collection=collection,
        email="invite-gardien@example.org",
        token_hash=token_hash(HOLDER_TOKEN),
        invited_by=people["owner"],
    )
    return {"held_collection": collection, "holding": holding}


def renewal_invitation(scenario):
    """The owner's collection invited to renew through an open label call (made in the test's
    savepoint, rolled back after it)."""
    from calls.models import CallKind
    from labels.models import RenewalCampaign, RenewalInvitation

    call = CallFactory(kind=CallKind.LABEL, label_duration_months=60, envelope=0)
    campaign = RenewalCampaign.objects.create(call=call, expiring_by=dt.date(2100, 1, 1))
    return RenewalInvitation.objects.create(
        campaign=campaign, call=call, collection=scenario["held_collection"]
    )


def renewal_address(scenario):
    invitation = renewal_invitation(scenario)
    return {"slug": invitation.call.slug, "collection": invitation.collection_id}


def secrets_of(scenario):
    """{kind: the strings that betray it}."""
    people = scenario["people"]
    found = {
        "title": [TITLE],
        "file": [FILE_BYTES.decode()],
        "own_review": [CONFIDENTIAL_REVIEW],
        "majority": [CONFIDENTIAL_MAJORITY],
        "reply": [REPLY],
        "project_files": [
            content.decode()
            for content in (AGREEMENT_BYTES, SIGNED_BYTES, AMENDMENT_BYTES, REPORT_FILE_BYTES)
        ],
    }
    for persona in REVIEWER_PERSONAS:
        found[f"reviewer:{persona}"] = [people[persona].last_name, people[persona].email]
    return found


def allowed(persona, kind):
    if kind.startswith("reviewer:"):
        return kind == f"reviewer:{persona}" or "reviewers" in MAY_READ[persona]
    return kind in MAY_READ[persona]


def address(key, scenario, persona):
    """The path the table's key names, filled from the scenario."""
    name = key.split(" ", 1)[1]
    if "/" in name:  # an unnamed pattern, named by its route
        return "/" + name
    s = scenario
    application, call = s["application"], s["call"]
    pk = {"pk": application.pk}
    assignment = s["assignments"].get(persona, s["assignments"]["reviewer"])
    filled = {
        "wagtail_serve": lambda: reverse("wagtail_serve", args=[""]),
        "wagtaildocs_serve": lambda: s["document"].url,
        "wagtaildocs_authenticate_with_password": lambda: {"restriction_id": 999999},
        "wagtailcore_authenticate_with_password": lambda: {
            "page_view_restriction_id": 999999,
            "page_id": 999999,
        },
        "calls:detail": lambda: {"slug": call.slug},
        "calls:programme": lambda: {"code": call.programme.code},
        "applications:start": lambda: {"slug": call.slug},
        "applications:upload": lambda: {**pk, "question_id": QUESTION},
        "applications:attachment": lambda: {**pk, "attachment_id": s["attachment"].pk},
        "applications:delete_attachment": lambda: {**pk, "attachment_id": s["attachment"].pk},
        "applications:receipt": lambda: {**pk, "number": s["submission"].number},
        "applications:call_applications": lambda: {"slug": call.slug},
        "applications:export": lambda: {"slug": call.slug, "fmt": "csv"},
        "reviews:screening": lambda: {"slug": call.slug},
        "reviews:assignments": lambda: {"slug": call.slug},
        "reviews:proposal": lambda: {"slug": call.slug, "pk": s["proposal"].pk},
        "reviews:ranking": lambda: {"slug": call.slug},
        "reviews:invitation": lambda: {"token": s["invitation"].token},
        "reviews:assignment": lambda: {"pk": assignment.pk},
        "reviews:answer": lambda: {"pk": assignment.pk},
        "reviews:attachment": lambda: {"pk": assignment.pk, "attachment_id": s["attachment"].pk},
        "reviews:cancel_assignment": lambda: {"pk": s["assignments"]["pending_reviewer"].pk},
        "reviews:reopen_review": lambda: {"pk": s["assignments"]["reviewer"].pk},
        "decisions:call": lambda: {"slug": call.slug},
        "decisions:send_call_letters": lambda: {"slug": call.slug},
        "decisions:letter": lambda: {"pk": s["decided"].pk, "letter_id": s["letter"].pk},
        "decisions:letter_pdf": lambda: {"pk": s["decided"].pk, "letter_id": s["letter"].pk},
        "reports:call_reports": lambda: {"slug": call.slug},
        "reports:progress": lambda: {"pk": s["report"].pk},
        "reports:download": lambda: {"pk": s["report"].pk},
        "api:call-detail": lambda: {"slug": call.slug},
        "api:project-detail": lambda: {"reference": s["decided"].reference},
        "api:deliverable-detail": lambda: {"pk": s["deliverable"].pk},
        "opendata:project": lambda: {"reference": s["decided"].reference},
        "labels:collection": lambda: {"pk": s["held_collection"].pk},
        "notifications:message": lambda: {"pk": s["message"].pk},
        "notifications:mark_read": lambda: {"pk": s["message"].pk},
        "notifications:resend": lambda: {"pk": s["message"].pk},
        "privacy:lift_hold": lambda: pk,
        "wagtailsnippets_calls_call:edit": lambda: {"pk": call.pk},
        "account_confirm_email": lambda: {"key": "not-a-key"},
        "account_reset_password_from_key": lambda: {"uidb36": "1", "key": "not-a-key"},
        "mfa_remove_webauthn": lambda: {"pk": 999999},
        "mfa_edit_webauthn": lambda: {"pk": 999999},
        "projects:export_payments": lambda: {"fmt": "csv"},
    }
    filled["applications:team_invitation"] = lambda: {"token": invited_to_team(application)}
    for name_ in ("edit", "summary", "submit", "withdraw", "reopen", "invite_member"):
        filled[f"applications:{name_}"] = lambda: pk
    for name_ in ("screen", "dossier", "consensus", "reply"):
        filled[f"reviews:{name_}"] = lambda: pk
    for name_ in ("application", "letter_preview", "letter_preview_pdf", "send_letter"):
        filled[f"decisions:{name_}"] = lambda: {"pk": s["decided"].pk}
    filled["projects:project"] = lambda: {"pk": s["decided"].decision.project.pk}
    for name_ in ("ask_amendment", "prepare_agreement", "record_signature"):
        filled[f"projects:{name_}"] = lambda: {"pk": s["decided"].decision.project.pk}
    for name_ in ("decide_amendment", "amendment_file"):
        filled[f"projects:{name_}"] = lambda: {
            "pk": s["decided"].decision.project.pk,
            "amendment_pk": s["amendment"].pk,
        }
    filled["projects:review_report"] = lambda: {"pk": s["project_report"].pk}
    for name_ in ("report", "submit_report"):
        filled[f"projects:{name_}"] = lambda: {
            "pk": s["decided"].decision.project.pk,
            "report_pk": s["project_report"].pk,
        }
    filled["projects:report_receipt"] = lambda: {
        "pk": s["decided"].decision.project.pk,
        "report_pk": s["project_report"].pk,
        "number": 1,
    }
    filled["projects:upload_report_file"] = lambda: {
        "pk": s["decided"].decision.project.pk,
        "report_pk": s["project_report"].pk,
        "question_id": "q-report",
    }
    for name_ in ("report_file", "remove_report_file"):
        filled[f"projects:{name_}"] = lambda: {
            "pk": s["decided"].decision.project.pk,
            "report_pk": s["project_report"].pk,
            "attachment_pk": s["report_file"].pk,
        }
    filled["projects:agreement_pdf"] = lambda: {"pk": s["decided"].decision.project.pk, "number": 1}
    filled["projects:declare_deliverable"] = lambda: {"pk": s["decided"].decision.project.pk}
    filled["projects:close"] = lambda: {"pk": s["decided"].decision.project.pk}
    for name_ in ("edit_deliverable", "remove_deliverable"):
        filled[f"projects:{name_}"] = lambda: {
            "pk": s["decided"].decision.project.pk,
            "deliverable_pk": s["deliverable"].pk,
        }
    filled["projects:signed_copy"] = lambda: {
        "pk": s["decided"].decision.project.pk,
        "signature_id": s["signature"].pk,
    }
    for name_ in ("applications:history", "applications:history_csv", "audit:dossier_zip"):
        filled[name_] = lambda: pk
    for name_ in ("labels_holders:collection", "labels_holders:invite", "labels_staff:collection"):
        filled[name_] = lambda: {"pk": s["held_collection"].pk}
    filled["labels_holders:remove_holder"] = lambda: {
        "pk": s["held_collection"].pk,
        "holding_pk": s["holding"].pk,
    }
    filled["labels_holders:invitation"] = lambda: {"token": HOLDER_TOKEN}
    filled["api:collection-detail"] = lambda: {"code": s["held_collection"].code}
    for name_ in ("applications:collection_record", "applications:collections_used"):
        filled[name_] = lambda: pk
    filled["applications:renew"] = lambda: renewal_address(s)
    filled["labels_renewals:campaign"] = lambda: {"pk": renewal_invitation(s).campaign_id}
    found = filled.get(name, dict)()
    return found if isinstance(found, str) else reverse(name, kwargs=found)


# What a state-changing request sends (enough to reach the permission check and past it).
POSTED = {
    "applications:edit": {"version": "1", "title": "Autre titre"},
    "applications:upload": {"version": "1"},
    "applications:delete_attachment": {"version": "1"},
    "applications:reopen": {"reason": "Pour voir."},
    "reviews:reply": {"text": "Une autre réponse."},
    "reviews:dossier": {"action": "set_rapporteur", "rapporteur": ""},
    "reviews:answer": {"action": "decline", "reason": "Pas le temps."},
    "reviews:cancel_assignment": {"reason": "Pour voir."},
    "reviews:reopen_review": {"reason": "Pour voir."},
    "reviews:reviewers": {"email": "pas-une-adresse"},
    "accounts:names": {"first_name": "Sans", "last_name": ""},
    "decisions:application": {"step": "withdraw", "withdraw-reason": ""},
    "projects:project": {"step": "start"},
    "projects:ask_amendment": {
        "amendment-kind": "extension",
        "amendment-extension_months": "3",
        "amendment-justification": "Pour voir.",
    },
    "projects:decide_amendment": {"decision": "accept"},
    "projects:review_report": {"step": "ask_changes", "changes-comment": "Pour voir."},
    "projects:report": {"version": "1"},
    "projects:submit_report": {"version": "1"},
    "projects:upload_report_file": {"version": "1"},
    "projects:remove_report_file": {"version": "1"},
    "projects:prepare_agreement": {"agreement-reason": "Pour voir."},
    **{
        f"projects:{name_}": {
            "deliverable-kind": "software",
            "deliverable-title": "Outil",
            "deliverable-identifier_scheme": "hal",
            "deliverable-identifier": "hal-01234567",
            "deliverable-licence": "EUPL-1.2",
        }
        for name_ in ("declare_deliverable", "edit_deliverable")
    },
    "projects:close": {"closure-override_reason": "Pour voir."},
    "labels_holders:collection": {"version": "1", "name_fr": ""},
    "labels_staff:collection": {"version": "1", "name_fr": ""},
    "labels_holders:invite": {"email": "nouvelle-gardienne@example.org"},
}


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    """Built once; each test runs in a savepoint inside this transaction, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_scenario()
        transaction.set_rollback(True)


def body_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return html.unescape(content.decode("utf-8", errors="replace"))


def is_login_redirect(response):
    login = reverse("account_login")
    return response.status_code == 302 and response["Location"].split("?")[0] in (
        login,
        "/accounts/login/admin/",
        "/admin/login/",
    )


def answer_code(response):
    if response.status_code == 302:
        return "log" if is_login_redirect(response) else "302"
    return str(response.status_code)


CASES = [
    pytest.param(
        key,
        persona,
        expected,
        id=f"{key.replace(' ', '-')}-{persona}",
    )
    for key, row in EXPECTED.items()
    for persona, expected in zip(PERSONAS, row.split(), strict=True)
]


@pytest.mark.parametrize(("key", "persona", "expected"), CASES)
def test_who_gets_what(client, db, scenario, key, persona, expected):
    if persona != "anonymous":
        client.force_login(scenario["people"][persona])
    method, name = key.split(" ", 1)
    path = address(key, scenario, persona)
    response = client.post(path, POSTED.get(name, {})) if method == "POST" else client.get(path)

    got = answer_code(response)
    if expected == "pub":
        assert got in ("200", "301", "302", "log", "401", "404"), (
            f"{method} {path} as {persona}: {got}"
        )
    else:
        where = f" to {response['Location']}" if response.status_code == 302 else ""
        assert got == expected, f"{method} {path} as {persona}: {got}{where}, not {expected}"
    body = body_of(response)
    readable = expected in ("200", "400") or (expected == "pub" and got == "200")
    for kind, strings in secrets_of(scenario).items():
        if readable and allowed(persona, kind):
            continue
        if not readable and kind == f"reviewer:{persona}":
            continue  # their own name in the header of a refusal
        for secret in strings:
            assert secret not in body, f"{method} {path} shows {persona} the {kind}: {secret!r}"


def test_the_secrets_are_what_the_authorised_read(client, db, scenario):
    """The strings looked for above are found where they belong: the checks are not vacuous."""
    people = scenario["people"]
    client.force_login(people["staff"])
    dossier = body_of(client.get(address("GET reviews:dossier", scenario, "staff")))
    for secret in (TITLE, CONFIDENTIAL_REVIEW, CONFIDENTIAL_MAJORITY, REPLY):
        assert secret in dossier
    assert people["reviewer"].last_name in dossier
    client.force_login(people["reviewer"])
    download = client.get(address("GET reviews:attachment", scenario, "reviewer"))
    assert FILE_BYTES.decode() in body_of(download)
    client.force_login(people["owner"])
    assert TITLE in body_of(client.get(address("GET notifications:message", scenario, "owner")))


def url_patterns(patterns=None, prefix="", namespace=""):
    """(key, route, pattern) for every pattern, through includes and i18n_patterns."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from url_patterns(pattern.url_patterns, route, inner)
        else:
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route, pattern


def covered(key, route, pattern):
    if pattern.lookup_str in SERVED_FILES:
        return False
    return key in ADMIN_SAMPLES or not route.startswith("admin/")


def test_every_url_pattern_is_in_the_table():
    """A new address fails here until the table says who may open it (and the table names no
    address that is gone)."""
    patterns = {key for key, route, pattern in url_patterns() if covered(key, route, pattern)}
    in_table = {key.split(" ", 1)[1] for key in EXPECTED}
    assert sorted(patterns - in_table) == [], "add these addresses to EXPECTED"
    assert sorted(in_table - patterns) == [], "these addresses are gone: remove them"
