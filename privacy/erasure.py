"""An account erased at its owner's request: the rule asked first (privacy.rules), the refusal
logged with its reasons, else the personal data anonymised at once and the erasure logged, in
one transaction (privacy.anonymise keeps what others need: a submitted application's snapshot,
a review's scores, under a placeholder)."""

import rules
from django.db import transaction

from common.errors import Refused

from .anonymise import anonymise_account
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
    if not rules.has_perm(PERMISSION, user):
        blockers = erasure_blockers(user)
        PrivacyEvent.objects.create(
            kind=EventKind.ERASURE_REFUSED,
            person=user,
            actor=user,
            note=", ".join(blocker.kind for blocker in blockers),
        )
        raise ErasureRefused(blockers)
    with transaction.atomic():
        anonymise_account(user, rule="erasure", actor=user)
        PrivacyEvent.objects.create(kind=EventKind.ERASURE, person=user, actor=user)
