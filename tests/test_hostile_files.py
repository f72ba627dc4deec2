"""Hostile files: wrong magic, polyglots, ZIP bombs and broken containers dressed as office files,
entry names that climb out of the archive, file names that try to climb out of the storage, and
oversized files. Each is refused with a message in the user's language or stored safely (private,
named by the server, offered back as a download); never a 500, never half stored (no row without
its file, no file without its row, the draft's version unchanged).

Uploads go through a multipart body written by hand: Django's test client would strip the folders
from a file name before the server sees it, and an attacker's client does not.
"""

import io
import re
import struct
import tracemalloc
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files import File
from django.db import IntegrityError
from django.urls import reverse
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from applications.attachments import AttachmentRefused, add_attachment
from applications.models import Attachment

from .factories import ApplicationFactory, CallFactory
from .reading import flat

pytestmark = pytest.mark.django_db

GENERATED = hypothesis_settings(
    database=None,
    deadline=None,
    derandomize=True,
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MB = 1024 * 1024
QUESTION = "q-annexe"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The 400 page's advice (templates/400.html), in the page's language.
TOO_LONG = (
    "Your request could not be read: it was incomplete, too large, or a file name was too long. "
    "Nothing was saved. If you were sending a file, give it a shorter name and send it again; "
    "otherwise go back and try again."
)
REFUSED_TYPE = "n’est pas un fichier d’un type accepté"
OOXML_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def empty_private_storage():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    for path in sorted(root.rglob("*"), reverse=True) if root.exists() else []:
        path.unlink() if path.is_file() else path.rmdir()


@pytest.fixture(autouse=True)
def empty_private_folder():
    empty_private_storage()


def stored_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def draft(lead, accepted=("pdf", "docx", "xlsx", "odt"), max_size_mb=10):
    question = {
        "type": "file",
        "id": QUESTION,
        "value": {
            "label": "Annexe",
            "label_en": "Annex",
            "help_text": "",
            "required": False,
            "accepted_types": list(accepted),
            "max_size_mb": max_size_mb,
        },
    }
    call = CallFactory(questions=[question], attachments_max_total_mb=30)
    return ApplicationFactory(call=call, lead=lead, complete=True)


def multipart(name, data, version, boundary="----collex-hostile-boundary"):
    """A multipart body as any client may send it: the name as given, UTF-8, RFC 2231 encoded."""
    disposition = f"form-data; name=\"file\"; filename*=UTF-8''{quote(name, safe='')}"
    lines = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="version"\r\n\r\n{version}\r\n',
        f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        "Content-Type: application/pdf\r\n\r\n",
    ]
    body = "".join(lines).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload(client, application, data, name, question=QUESTION):
    application.refresh_from_db()
    body, content_type = multipart(name, data, application.version)
    return client.post(
        reverse("applications:upload", args=[application.pk, question]),
        body,
        content_type=content_type,
    )


def shown(client, response):
    """The refusals the person reads after the redirect: at the top of the page, or beside the
    file field (where a refused file is shown)."""
    top = [str(message) for message in get_messages(response.wsgi_request)]
    page = client.get(response.url).content.decode()
    beside = re.findall(r'id="upload-[^"]+-error">(.*?)</div>', page, re.S)
    return top + [flat(strip_tags(message)) for message in beside]


def assert_refused_and_nothing_stored(client, response, application, version, expected):
    assert response.status_code == 302
    [message] = shown(client, response)
    assert expected in message
    assert not Attachment.objects.filter(application=application).exists()
    assert stored_files() == []
    application.refresh_from_db()
    assert application.version == version


def assert_stored_safely(client, application, attachment, type_code):
    """Private, named by the server, offered back as a download with a clean name."""
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    path = Path(attachment.file.path).resolve()
    assert root in path.parents
    assert attachment.file.name.startswith(f"applications/{application.pk}/{attachment.sha256}")
    assert stored_files() == [path]
    name = attachment.original_name
    assert 0 < len(name) <= 255
    assert not set(name) & {"/", "\\", "\x00", "\r", "\n", "\u202e"}
    assert not name.startswith(".")
    assert name.lower().endswith(f".{type_code}")
    response = client.get(reverse("applications:attachment", args=[application.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "\n" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)


# Wrong magic and polyglots ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 300, "programme.pdf"),
        (b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>", "page.pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image.docx"),
        (b"  \n%PDF-1.4\n", "espaces.pdf"),
        (b"%PDF", "presque.pdf"),
        (b"PK\x05\x06" + b"\x00" * 18, "vide.docx"),  # an empty ZIP
        (b"PK\x03\x04" + b"\x00" * 100, "tronque.docx"),  # a ZIP header and nothing else
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image.pdf"),  # a PNG where no image is accepted
    ],
    ids=["exe", "html", "svg", "late-header", "short-header", "empty-zip", "zip-header", "png"],
)
def test_a_file_whose_bytes_are_not_an_accepted_type_is_refused(client, applicant, data, name):
    application = draft(applicant)
    client.force_login(applicant)

    response = upload(client, application, data, name)

    assert_refused_and_nothing_stored(
        client, response, application, application.version, REFUSED_TYPE
    )


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n",  # only a header
        b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>",  # PDF and HTML
        PDF + b"PK\x03\x04" + b"\x00" * 64,  # PDF and ZIP
    ],
    ids=["header-only", "pdf-html", "pdf-zip"],
)
def test_a_polyglot_or_bare_pdf_is_kept_as_a_pdf_download_never_shown_inline(
    client, applicant, data
):
    application = draft(applicant)
    client.force_login(applicant)

    upload(client, application, data, "rapport.html")

    attachment = application.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "rapport.html.pdf"  # the name says what the bytes are
    assert_stored_safely(client, application, attachment, "pdf")


# ZIP bombs and broken containers dressed as office files --------------------------------------


def office(entries, compression=zipfile.ZIP_DEFLATED):
    """A ZIP of (name, bytes or (repeated chunk, count)) entries, streamed so that a bomb of
    hundreds of megabytes costs no memory to build."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression, compresslevel=1) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            with archive.open(info, "w", force_zip64=True) as entry:
                if isinstance(content, tuple):
                    chunk, count = content
                    for _ in range(count):
                        entry.write(chunk)
                else:
                    entry.write(content)
    return buffer.getvalue()


def docx():
    return office([("[Content_Types].xml", OOXML_TYPES.encode()), ("word/document.xml", b"<w/>")])


ZEROS = b"\x00" * MB


@pytest.fixture(scope="module")
def bombs():
    types = OOXML_TYPES.encode()
    return {
        # 64 MB of zeros behind the content types the format check reads.
        "content-types": office(
            [("[Content_Types].xml", (types + ZEROS, 64)), ("word/document.xml", b"<w/>")]
        ),  # fmt: skip
        "document": office([("[Content_Types].xml", types), ("word/document.xml", (ZEROS, 64))]),
        "workbook": office([("[Content_Types].xml", types), ("xl/workbook.xml", (ZEROS, 64))]),
        "many-entries": office(
            [("[Content_Types].xml", types), ("word/document.xml", b"<w/>")]
            + [(f"word/media/{index}.xml", b"") for index in range(10_000)]
        ),
        "nested": office(
            [
                ("[Content_Types].xml", types),
                ("word/document.xml", b"<w/>"),
                ("word/embeddings/bomb.zip", office([("zeros", (ZEROS, 64))])),
            ]
        ),
        "traversal": office(
            [
                ("[Content_Types].xml", types),
                ("word/document.xml", b"<w/>"),
                ("../../../../../../tmp/collex-evil.txt", b"evil"),
                ("/etc/cron.d/collex-evil", b"evil"),
                ("..\\..\\collex-evil.bat", b"evil"),
            ]
        ),
    }


@pytest.mark.parametrize(
    "bomb", ["content-types", "document", "workbook", "many-entries", "nested", "traversal"]
)
def test_zip_bombs_and_climbing_entries_are_never_inflated_nor_extracted(
    client, applicant, bombs, bomb
):
    application = draft(applicant)
    client.force_login(applicant)
    data = bombs[bomb]
    assert len(data) < 4 * MB

    tracemalloc.start()
    try:
        response = upload(client, application, data, f"{bomb}.docx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 32 * MB  # the 64 MB inside were never inflated
    assert response.status_code == 302
    attachment = application.attachments.first()
    if bomb == "workbook":  # a spreadsheet where a Word file is expected
        assert attachment.content_type.endswith("spreadsheetml.sheet")
    if attachment is None:
        assert REFUSED_TYPE in shown(client, response)[0]
        assert stored_files() == []
    else:
        assert Path(attachment.file.path).read_bytes() == data  # kept as sent, never unpacked
        assert_stored_safely(client, application, attachment, attachment.original_name[-4:])
    for folder in (Path("/tmp"), Path(settings.PRIVATE_MEDIA_ROOT).parent, Path.cwd()):
        assert not list(folder.glob("collex-evil*"))


def first_entry_data(data):
    """Where the first entry's compressed bytes start, after its local header."""
    name_length, extra_length = struct.unpack("<HH", data[26:30])
    return 30 + name_length + extra_length


def corrupted_deflate():
    data = bytearray(docx())
    start = first_entry_data(data)
    data[start : start + 8] = b"\xff" * 8
    return bytes(data)


def compression_method(method):
    """The first entry claims a compression method (in both its headers) it was not made with."""
    data = bytearray(docx())
    data[8:10] = struct.pack("<H", method)
    central = data.find(b"PK\x01\x02")
    data[central + 10 : central + 12] = struct.pack("<H", method)
    return bytes(data)


def broken_lzma():
    data = bytearray(
        office(
            [("[Content_Types].xml", OOXML_TYPES.encode()), ("word/document.xml", b"<w/>")],
            compression=zipfile.ZIP_LZMA,
        )
    )
    start = first_entry_data(data)
    data[start + 4 : start + 20] = b"\xff" * 16
    return bytes(data)


def encrypted():
    data = bytearray(docx())
    data[6:8] = struct.pack("<H", 1)  # "encrypted" flag, in both headers
    central = data.find(b"PK\x01\x02")
    data[central + 8 : central + 10] = struct.pack("<H", 1)
    return bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        corrupted_deflate(),
        compression_method(99),  # AES, which zipfile cannot read
        compression_method(12),  # bzip2 on deflated bytes
        broken_lzma(),
        encrypted(),
        docx()[:-30],  # the end of the central directory cut off
    ],
    ids=["deflate", "aes", "bzip2", "lzma", "encrypted", "truncated"],
)
def test_a_broken_office_container_is_refused_with_a_message(client, applicant, data):
    application = draft(applicant)
    client.force_login(applicant)
    version = application.version

    response = upload(client, application, data, "annexe.docx")

    assert_refused_and_nothing_stored(client, response, application, version, REFUSED_TYPE)


# File names ----------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../../../etc/passwd.pdf",
    "..\\..\\..\\windows\\system32\\lettre.pdf",
    "/etc/passwd",
    "C:\\Users\\lettre.pdf",
    "\\\\serveur\\partage\\lettre.pdf",
    "lettre\x00.exe.pdf",
    "lettre\u202efdp.exe",
    "lettre\r\nContent-Type: text/html\r\n.pdf",
    'lettre"; filename="evil.exe.pdf',
    "...",
    ". .pdf",
    ".htaccess",
    "%2e%2e%2fpasswd.pdf",
    "&lt;script&gt;.pdf",
    "con.pdf",
    "x" * 10_000 + ".pdf",
    "é" * 5_000 + ".pdf",
    "🙂" * 300,
    "lettre.PDF",
    "lettre.pdf.",
]
names = st.one_of(
    st.sampled_from(HOSTILE_NAMES),
    st.text(min_size=1, max_size=300),
    st.builds(
        lambda prefix, name: prefix + name,
        st.sampled_from(["../", "..\\", "/", "./", "~/", "\x00", "\u202e", " ", "."]),
        st.text(max_size=40),
    ),
)


@GENERATED
@given(name=names)
def test_any_file_name_is_stored_under_the_servers_name_and_shown_clean(client, applicant, name):
    cache.clear()  # the rate limit on uploads counts every example otherwise
    empty_private_storage()
    application = draft(applicant, accepted=("pdf",))
    client.force_login(applicant)

    response = upload(client, application, PDF, name)

    if response.status_code == 400:
        # A name too long for the headers Django reads (1,024 bytes): refused, and said so.
        assert len(quote(name, safe="")) > 900
        assert escape(gettext(TOO_LONG)) in response.content.decode()
        assert stored_files() == []
        assert not application.attachments.exists()
        return
    assert response.status_code == 302
    attachment = application.attachments.first()
    if attachment is None:  # a name with nothing left in it: the browser "sent no file"
        assert shown(client, response)[-1] == "Choisissez un fichier à envoyer."
        assert stored_files() == []
        return
    assert_stored_safely(client, application, attachment, "pdf")
    attachment.file.delete(save=False)
    attachment.delete()


@GENERATED
@given(name=st.one_of(st.sampled_from(HOSTILE_NAMES + ["", ".", ".."]), names))
def test_the_service_cleans_any_name_it_is_given(client, applicant, name):
    """Another caller than the upload page (a script, an import) may pass any name."""
    empty_private_storage()
    application = draft(applicant, accepted=("pdf",))
    client.force_login(applicant)

    try:
        attachment = add_attachment(
            application, QUESTION, File(io.BytesIO(PDF), name=name), applicant, application.version
        )
    except AttachmentRefused as refused:  # an empty name is no file (File("") is false)
        assert str(refused) == "Choisissez un fichier à envoyer."
        assert not name
        assert stored_files() == []
        return

    assert_stored_safely(client, application, attachment, "pdf")
    attachment.file.delete(save=False)
    attachment.delete()


@pytest.mark.parametrize(
    "question",
    ["inconnue", "..%2F..%2Fetc", "a%0D%0ALocation:%20https:%2F%2Fevil.example", "x" * 2000],
)
def test_an_upload_to_a_question_that_does_not_exist_is_refused(client, applicant, question):
    application = draft(applicant)
    client.force_login(applicant)
    version = application.version
    url = reverse("applications:upload", args=[application.pk, "QUESTION"])
    body, content_type = multipart("lettre.pdf", PDF, version)

    response = client.post(url.replace("QUESTION", question), body, content_type=content_type)

    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "\n" not in response["Location"]
        assert shown(client, response) == ["Cette question n’accepte pas de fichier."]
    assert not Attachment.objects.exists()
    assert stored_files() == []
    application.refresh_from_db()
    assert application.version == version


# Sizes ---------------------------------------------------------------------------------------


def test_a_file_of_exactly_the_limit_is_taken_and_one_byte_more_refused(client, applicant):
    application = draft(applicant, accepted=("pdf",), max_size_mb=1)
    client.force_login(applicant)
    version = application.version

    response = upload(client, application, PDF + b"0" * (MB + 1 - len(PDF)), "gros.pdf")
    assert_refused_and_nothing_stored(
        client, response, application, version, "ne peuvent pas dépasser 1"
    )

    upload(client, application, PDF + b"0" * (MB - len(PDF)), "juste.pdf")
    assert application.attachments.get().size == MB


def test_a_file_that_lies_about_its_size_is_measured_while_read(applicant):
    application = draft(applicant, accepted=("pdf",), max_size_mb=1)
    liar = File(io.BytesIO(PDF + b"0" * 2 * MB), name="petit.pdf")
    liar.size = 100  # what the caller claims

    with pytest.raises(AttachmentRefused, match="ne peuvent pas dépasser 1"):
        add_attachment(application, QUESTION, liar, applicant, application.version)

    assert not Attachment.objects.exists()
    assert stored_files() == []


# Nothing stored half -------------------------------------------------------------------------


def test_a_failure_after_the_file_is_written_leaves_no_file_and_no_row(
    client, applicant, monkeypatch
):
    application = draft(applicant, accepted=("pdf",))
    version = application.version

    def fail(self, *args, **kwargs):
        assert Path(self.file.path).exists()  # the file was written before the row
        raise IntegrityError("the database went away")

    monkeypatch.setattr(Attachment, "save", fail)
    with pytest.raises(IntegrityError):
        add_attachment(
            application, QUESTION, File(io.BytesIO(PDF), name="a.pdf"), applicant, version
        )

    assert stored_files() == []
    monkeypatch.undo()
    assert not Attachment.objects.exists()
    application.refresh_from_db()
    assert application.version == version


def test_the_same_file_twice_replaces_without_losing_the_stored_copy(
    client, applicant, django_capture_on_commit_callbacks
):
    application = draft(applicant, accepted=("pdf",))
    client.force_login(applicant)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, application, PDF, "v1.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, application, PDF, "v2.pdf")

    attachment = application.attachments.get()
    assert attachment.original_name == "v2.pdf"
    assert Path(attachment.file.path).read_bytes() == PDF
    assert_stored_safely(client, application, attachment, "pdf")
