"""Who may do what with messages: the one place that says it (django-rules predicates).

A message is read by its recipient only. Programme managers and administrators (the permission
notifications.manage_deliveries, granted to their groups by a migration) read the delivery log
and resend. Views answer 404 when refused, so that nobody learns what exists.
"""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import manages_deliveries

from .models import Message


@rules.predicate
def is_recipient(user, message):
    return (
        message is not None
        and message.in_inbox
        and message.user_id is not None
        and message.user_id == user.id
    )


rules.add_perm("notifications.open_message", is_recipient)
rules.add_perm("notifications.read_delivery_log", manages_deliveries)
rules.add_perm("notifications.resend_message", manages_deliveries)


def message_or_404(user, pk, permission="notifications.open_message"):
    """The message if `user` has `permission` on it; 404 otherwise, whoever asks."""
    message = get_object_or_404(Message, pk=pk)
    if not user.has_perm(permission, message):
        raise Http404
    return message
