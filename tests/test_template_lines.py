"""Template lines stay readable: one element per line, none past 200 characters.

Issue 14: lines of 300 to 600 characters hid which element held which condition. A line may
still run long when a single message does: the text inside `{% translate %}` and
`{% blocktranslate %}` is the msgid of the catalogue, and cutting it would lose its translation.
"""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
LIMIT = 200

# A message, whole: its text is a msgid and cannot be cut.
MESSAGE = re.compile(
    r"\{%\s*(blocktranslate|blocktrans)\b.*?\{%\s*end\1\s*%\}|\{%\s*(translate|trans)\s.*?%\}"
)

# Allauth's button element chooses its classes in one attribute: any line break there would put
# a line break inside the rendered class attribute.
ONE_ATTRIBUTE = {"allauth/elements/button.html"}


def too_long(line):
    """Whether a line is long for another reason than one message it holds."""
    if len(line) <= LIMIT:
        return False
    return len(MESSAGE.sub("{% message %}", line)) > LIMIT or len(MESSAGE.findall(line)) > 1


def long_lines():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in ONE_ATTRIBUTE:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if too_long(line):
                found.append(f"{name}:{number} ({len(line)} characters)")
    return found


def test_no_template_line_runs_past_the_limit():
    assert long_lines() == []


def test_a_long_message_alone_is_allowed_and_a_long_line_is_not():
    message = "{% translate '" + "word " * 60 + "' %}"
    assert not too_long("    " + message)
    assert too_long("<p>" + message + "</p><p>" + message + "</p>")
    assert too_long('<a class="btn" href="' + "x" * 200 + '">link</a>')
