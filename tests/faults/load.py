"""Applicants pressing Submit at once, over HTTP to the gunicorn of services.py, one thread
each, one request each (a browser does not post a form twice by itself), bounded in time."""

import http.client
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest

from .services import HOST, WEB_PORT

TIMEOUT = 60  # seconds: an applicant still waiting by then counts as "no answer"


@dataclass
class Outcome:
    application: int
    status: int = 0  # 0: no answer (connection refused or reset, timed out)
    location: str = ""
    success: str = ""  # the message the applicant sees on the next page, if it says "received"
    error: str = ""
    seconds: float = 0.0  # how long the applicant waited for the answer

    @property
    def acknowledged(self):
        """What the applicant takes for success: back to the application, told it was received."""
        return (
            self.status == 302
            and self.location.rstrip("/").endswith(f"/{self.application}")
            and bool(self.success)
        )


def submit_path(application_id):
    return f"/candidatures/{application_id}/deposer/"


def request(method, path, cookies, fields=None, timeout=TIMEOUT):
    """(status, headers) of one request with `cookies`; the CSRF token as a browser's page sends."""
    connection = http.client.HTTPConnection(HOST, WEB_PORT, timeout=timeout)
    headers = {
        "Host": f"{HOST}:{WEB_PORT}",
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        "Referer": f"http://{HOST}:{WEB_PORT}/",
    }
    if method == "POST":
        headers |= {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": cookies["csrftoken"],
        }
    try:
        body = urlencode(fields or {}) if method == "POST" else None
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response
    finally:
        connection.close()


def success_message(response):
    """The text of the success message the next page will show (Django's messages cookie)."""
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie()
        cookie.load(header)
        if "messages" in cookie and cookie["messages"].value:
            for message in CookieStorage(HttpRequest())._decode(cookie["messages"].value) or []:
                if message.level == constants.SUCCESS:
                    return message.message
    return ""


def submit(application):
    outcome = Outcome(application["id"])
    started = time.monotonic()
    try:
        outcome.status, response = request("POST", submit_path(outcome.application),
                                           application["cookies"])  # fmt: skip
        outcome.location = response.getheader("Location", "")
        outcome.success = success_message(response)
    except (OSError, http.client.HTTPException) as error:
        outcome.error = f"{type(error).__name__}: {error}"
    outcome.seconds = time.monotonic() - started
    return outcome


def submit_all(applications, answered=None):
    """Every applicant submits at the same instant; `answered` (a Semaphore) is released at
    each answer, so that another thread can act in the middle of the load."""
    outcomes = [None] * len(applications)
    barrier = threading.Barrier(len(applications))

    def one(index):
        barrier.wait()
        outcomes[index] = submit(applications[index])
        if answered is not None:
            answered.release()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(applications))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 30)
    return [
        o or Outcome(a["id"], error="thread hung")
        for o, a in zip(outcomes, applications, strict=True)
    ]
