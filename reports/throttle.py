"""The open data's rate limit, shared by the page of funded projects, its CSV and JSON files and
the API: settings.OPEN_DATA_RATE requests per client address, counted together in the cache
(Redis in production, shared by every web process) by Django REST framework's throttle.

Over the rate the answer is 429 with a Retry-After header: the site's 429 page for the page, a
JSON error for the files, REST framework's own for the API. If the cache cannot be reached, the
counts are lost and requests go through (config.cache.ForgivingRedisCache).
"""

import math
from functools import wraps

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class OpenDataThrottle(SimpleRateThrottle):
    """Per client address (REST framework's reading of REMOTE_ADDR and X-Forwarded-For),
    signed in or not: the open data is the same for everyone."""

    scope = "opendata"

    def get_rate(self):
        return settings.OPEN_DATA_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def limited(too_many):
    """Decorate a view: over the open data's rate, `too_many(request)` answers instead (a 429
    response), with the seconds to wait in Retry-After."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            throttle = OpenDataThrottle()
            if throttle.allow_request(request, view):
                return view(request, *args, **kwargs)
            response = too_many(request)
            response["Retry-After"] = str(max(1, math.ceil(throttle.wait() or 0)))
            return response

        return checked

    return decorator
