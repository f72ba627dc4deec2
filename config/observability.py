"""What an operator watches: errors sent to Sentry, logs as JSON lines.

Sentry starts only when SENTRY_DSN is set. It receives no personal data: sentry-sdk's own
`send_default_pii=False` leaves out the user's address, cookies and request bodies, and `scrub`
removes whatever would still name a person (an e-mail, a cookie, an Authorization header, the
body) before an event leaves, keeping only the account's id.

LOG_FORMAT=json writes each log record as one JSON object on a line (time, level, logger,
message, the request id a proxy gave in X-Request-ID, an exception's traceback), for a log
collector; the default stays the human format.
"""

import json
import logging
from datetime import UTC, datetime

# What an event may keep of a request: nothing a person typed or a browser sent on their behalf.
# (a query string can hold a searched name; the client's address is personal data too).
REQUEST_KEYS_KEPT = {"url", "method"}
HEADERS_DROPPED = {
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-csrftoken",
    "x-forwarded-for",
    "x-real-ip",
    "forwarded",
}


def scrub(event, hint=None):
    """The event without personal data (sentry-sdk's before_send)."""
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    request = event.get("request")
    if request:
        headers = {
            name: value
            for name, value in (request.get("headers") or {}).items()
            if name.lower() not in HEADERS_DROPPED
        }
        event["request"] = {key: request[key] for key in REQUEST_KEYS_KEPT if key in request}
        if headers:
            event["request"]["headers"] = headers
    return event


def start_sentry(dsn, environment, release=None):
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,  # a frame's variables hold the forms people filled in
        max_request_body_size="never",
        before_send=scrub,
        traces_sample_rate=0,
    )


class JSONFormatter(logging.Formatter):
    """One JSON object per record, with the fields a log collector indexes."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_of(record)
        if request_id:
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def request_id_of(record):
    """The id the proxy gave the request (nginx's $request_id in X-Request-ID), if any."""
    request = getattr(record, "request", None)
    headers = getattr(request, "headers", None)
    if headers is None:
        return None
    return headers.get("X-Request-ID")
