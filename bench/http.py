"""A small HTTP load generator on loopback, bounded in requests and in time (standard library)."""

import http.client
import statistics
import threading
import time
from html.parser import HTMLParser
from urllib.parse import urlencode

HOST, PORT = "127.0.0.1", 8099


def serve_at(host, port):
    """Serve and send the benchmark's requests elsewhere on loopback (the smoke test's port)."""
    global HOST, PORT
    HOST, PORT = host, port


class Browser:
    """One client with its cookies (session, CSRF), like a logged-in user's browser."""

    def __init__(self, cookies=None, timeout=60):
        self.cookies = dict(cookies or {})
        self.timeout = timeout
        self.connection = http.client.HTTPConnection(HOST, PORT, timeout=timeout)

    def request(self, method, path, fields=None, headers=None):
        body = urlencode(fields or {}, doseq=True) if method == "POST" else None
        all_headers = {"Host": f"{HOST}:{PORT}", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=all_headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, PORT, timeout=self.timeout)
                if attempt == 2:
                    raise
        elapsed_ms = (time.perf_counter() - started) * 1000
        return response.status, response.getheader("Location", ""), content, elapsed_ms

    def close(self):
        self.connection.close()


def throughput(path, connections=16, max_requests=3000, max_seconds=8.0):
    """Requests per second on `path` with `connections` keep-alive clients, and the failures."""
    done, failures = [], []
    deadline = time.perf_counter() + max_seconds
    lock = threading.Lock()

    def client():
        browser = Browser()
        while time.perf_counter() < deadline:
            with lock:
                if len(done) + len(failures) >= max_requests:
                    break
            try:
                status, _location, _body, _ms = browser.request("GET", path)
            except OSError:
                status = 0
            with lock:
                (done if status == 200 else failures).append(status)
        browser.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(done) / (time.perf_counter() - started), failures


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def p50(values):
    return statistics.median(values)


class FormReader(HTMLParser):
    """Reads the fields of the form that holds `marker` (an input name), as a browser would send."""

    def __init__(self, marker):
        super().__init__()
        self.marker, self.forms, self.current, self.select, self.textarea = (
            marker,
            [],
            None,
            None,
            None,
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.current.append([attrs["name"], attrs.get("value", "")])
        elif tag == "select" and attrs.get("name"):
            self.select = [attrs["name"], None]
            self.current.append(self.select)
        elif tag == "option" and self.select is not None:
            if self.select[1] is None or "selected" in attrs:
                self.select[1] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]
            self.current.append(self.textarea)

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def fields(self):
        for form in self.forms:
            if any(name == self.marker for name, _value in form):
                return [(name, value or "") for name, value in form]
        raise LookupError(f"no form with a field named {self.marker!r}")


def form_fields(html, marker="version"):
    reader = FormReader(marker)
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    return reader.fields()
