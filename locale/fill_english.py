"""Fill the English catalogue: the source strings are English, so each message translates to itself.

Run by `make translations` after `makemessages`; keeps English complete without GNU gettext.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO_FILE = Path(__file__).parent / "en" / "LC_MESSAGES" / "django.po"


def main():
    with open(PO_FILE, "rb") as po_file:
        catalogue = read_po(po_file, locale="en")
    catalogue.locale = "en"
    catalogue.fuzzy = False
    for message in catalogue:
        if not message.id:
            continue
        message.flags.discard("fuzzy")
        if isinstance(message.id, tuple):
            message.string = tuple(message.id)
        else:
            message.string = message.id
    catalogue.language_team = "English"
    with open(PO_FILE, "wb") as po_file:
        write_po(po_file, catalogue, width=0)


if __name__ == "__main__":
    main()
