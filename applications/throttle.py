"""Rate limits on what a script could hammer: submitting and uploading (django-ratelimit).

Counted per account in the cache (Redis in production, shared by every web process); the rates
are in settings.COLLEX_RATE_LIMITS. Over the rate, the user is told to wait, with status 429.
If the cache cannot be reached (Redis restarting), the request is let through: a limit on
scripts is not worth refusing an applicant's submission at the deadline.
"""

import logging
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)


def rate_of(action):
    def rate(group, request):
        return settings.COLLEX_RATE_LIMITS.get(action)

    return rate


def too_many(request):
    message = _("Too many attempts in a short time. Wait a minute, then try again.")
    return render(request, "429.html", {"message": message}, status=429)


def over_rate(request, action):
    """Counts this request; True when the account is over its rate for `action`."""
    try:
        return is_ratelimited(
            request,
            group=f"collex.{action}",
            key="user_or_ip",
            rate=rate_of(action),
            method="POST",
            increment=True,
        )
    except Exception:  # the cache is down: count nothing, refuse nothing
        logger.warning("Rate limit of %s not counted: the cache is unreachable", action)
        return False


def throttled(action):
    """Decorate a POST view: over the account's rate for `action`, answer 429 instead."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if request.method == "POST" and over_rate(request, action):
                return too_many(request)
            return view(request, *args, **kwargs)

        return checked

    return decorator
