from django.utils.functional import SimpleLazyObject

from .models import Message


def unread_messages(request):
    """The header's unread count: one query, made only when a page shows it to a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_messages": SimpleLazyObject(lambda: Message.objects.inbox(user).unread().count())
    }
