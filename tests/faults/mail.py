"""An e-mail backend that writes each message to its own file in EMAIL_FILE_PATH, so that the
messages sent by every process of a test can be counted; FAULTS_MAIL_DELAY seconds of wait
before each one stand for a slow mail server (a worker can then be killed while it sends)."""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

MARKER = ".sending"


class FileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(settings.EMAIL_FILE_PATH)
        delay = float(os.environ.get("FAULTS_MAIL_DELAY", "0"))
        for message in email_messages:
            name = uuid.uuid4().hex
            if delay:
                # Says "a worker is sending now" to the test, which may kill it meanwhile.
                (folder / f"{name}{MARKER}").write_text(str(os.getpid()))
                time.sleep(delay)
            temporary = folder / f"{name}.tmp"
            temporary.write_bytes(message.message().as_bytes())
            temporary.rename(folder / f"{name}.eml")
        return len(email_messages)
