"""An account erased at its owner's request: the rule asked first (privacy.rules), the refusal
logged with its reasons, else the personal data anonymised at once and the erasure logged, in
one transaction (privacy.anonymise keeps what others need: a submitted application's snapshot,
a review's scores, under a placeholder).

The rule is asked inside the transaction, once the account's row is locked: what the page
showed may have changed since (a draft started in another tab, a review assigned, a hold
placed), and two erasures of the same account at once do not both go ahead."""

import rules
from django.contrib.auth import get_user_model
from django.db import transaction

from common.errors import Refused

from .anonymise import ERASURE, anonymise_account
from .models import EventKind, PrivacyEvent
from .rules import erasure_blockers

PERMISSION = "privacy.erase_own_account"


class ErasureRefused(Refused):
    """The erasure refused: its messages are the blockers' reasons, each with its links."""

    def __init__(self, blockers):
        super().__init__(problems=[blocker.reason for blocker in blockers])
        self.blockers = blockers


def erase_account(user):
    """Erase `user`'s account at their request, or raise ErasureRefused with the reasons (the
    refusal is logged and nothing else changes)."""
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        allowed = rules.has_perm(PERMISSION, locked)
        if allowed:
            anonymise_account(locked, rule=ERASURE, actor=locked)
            PrivacyEvent.objects.create(kind=EventKind.ERASURE, person=locked, actor=locked)
        else:
            blockers = erasure_blockers(locked)
    if not allowed:
        PrivacyEvent.objects.create(
            kind=EventKind.ERASURE_REFUSED,
            person=user,
            actor=user,
            note=", ".join(blocker.kind for blocker in blockers),
        )
        raise ErasureRefused(blockers)
