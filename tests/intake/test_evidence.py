"""Evidence keeps its integrity: the digest of each file as received, the original kept for
the investigator beside the cleaned copy, documents that are what they claim, active content
in a PDF flagged, and an optional virus scanner that fails closed."""

import hashlib
import io
import socket
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from intake.attachments import attachment_check
from intake.models import Attachment
from intake.services import SubmissionData, submission_create

from . import corpus
from .conftest import pdf


def _pdf(build) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _javascript(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )


def _launch(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )


ACTIVE = {
    "javascript": _javascript,
    "embedded_files": lambda w: w.add_attachment("payload.txt", b"not a file you want"),
    "launch": _launch,
}


@pytest.mark.django_db
def test_a_picture_keeps_its_digest_and_original_as_received():
    original = corpus.jpeg()
    checked = attachment_check(SimpleUploadedFile("photo.jpg", original))
    assert checked.sha256 == hashlib.sha256(original).hexdigest()
    receipt = submission_create(
        data=SubmissionData(kind="complaint", narrative="x"), attachments=[checked]
    )
    stored = Attachment.objects.get(submission=receipt.submission)
    try:
        assert stored.original_file.read() == original
        cleaned = stored.file.read()
        assert corpus.LEAK not in cleaned and stored.size == len(cleaned)
        assert stored.sha256 == hashlib.sha256(original).hexdigest()
        assert stored.original_file.name.startswith("originals/")
    finally:
        stored.file.delete(save=False)
        stored.original_file.delete(save=False)


def test_a_document_is_stored_as_received_with_its_digest():
    upload = pdf()
    data = upload.read()
    checked = attachment_check(upload)
    assert checked.original is None  # nothing was cleaned: the stored file is the original
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.active_content == []


@pytest.mark.parametrize(
    "body",
    [
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # a header and nothing to open
        b"%PDF-1.7\n" + b"\x00" * 2000,
        b"%PDF-1.4\n" + corpus.jpeg(),
        b"%PDF-" + b"A" * 50,
    ],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused(body):
    with pytest.raises(ValidationError) as error:
        attachment_check(SimpleUploadedFile("statement.pdf", body))
    assert error.value.code == "not_a_pdf"
    assert "statement.pdf" in error.value.messages[0]


@pytest.mark.parametrize("kind", sorted(ACTIVE))
def test_active_content_in_a_pdf_is_flagged_for_staff(kind):
    checked = attachment_check(SimpleUploadedFile("form.pdf", _pdf(ACTIVE[kind])))
    assert kind in checked.active_content


def test_a_name_written_with_escapes_is_still_found():
    data = _pdf(ACTIVE["javascript"])
    assert b"/JavaScript" in data
    # "#61" is "a": the same names, written so that a byte search misses them.
    escaped = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/J#61vaScript" in escaped
    checked = attachment_check(SimpleUploadedFile("form.pdf", escaped))
    assert "javascript" in checked.active_content


class _ClamdProtocol(threading.Thread):
    """A listener speaking clamd's INSTREAM protocol on a loopback port, answering FOUND for
    the EICAR test string, as clamd does; ClamAV's signature database cannot be downloaded
    here, so the scanner itself cannot run in the test."""

    def __init__(self):
        super().__init__(daemon=True)
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]
        self.scanned = []

    def run(self):
        while True:
            try:
                conn, _addr = self.server.accept()
            except OSError:
                return
            with conn:
                data = b""
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                    if data.endswith(b"\0\0\0\0"):
                        break
                assert data.startswith(b"zINSTREAM\0")
                body, at = b"", len(b"zINSTREAM\0")
                while True:
                    size = int.from_bytes(data[at : at + 4], "big")
                    at += 4
                    if size == 0:
                        break
                    body += data[at : at + size]
                    at += size
                self.scanned.append(body)
                found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in body
                conn.sendall(b"stream: Eicar-Signature FOUND\0" if found else b"stream: OK\0")


@pytest.fixture
def clamd(settings):
    listener = _ClamdProtocol()
    listener.start()
    settings.CANDOR_CLAMD_URL = f"tcp://127.0.0.1:{listener.port}"
    yield listener
    listener.server.close()


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def test_with_a_scanner_configured_every_file_is_scanned_as_received(clamd):
    original = corpus.jpeg()
    attachment_check(SimpleUploadedFile("photo.jpg", original))
    assert clamd.scanned == [original]


def test_a_file_the_scanner_flags_is_refused(clamd):
    with pytest.raises(ValidationError) as error:
        attachment_check(SimpleUploadedFile("song.mp3", b"ID3\x04\x00" + EICAR))
    assert error.value.code == "infected"


def test_a_scanner_that_cannot_be_reached_refuses_the_file(settings):
    # Nothing listens on port 1: configured but down, so the file is not accepted.
    settings.CANDOR_CLAMD_URL = "tcp://127.0.0.1:1"
    with pytest.raises(ValidationError) as error:
        attachment_check(pdf())
    assert error.value.code == "scan_unavailable"
    assert "report.pdf" in error.value.messages[0]


def test_no_scanner_configured_scans_nothing(settings):
    settings.CANDOR_CLAMD_URL = ""
    assert attachment_check(SimpleUploadedFile("song.mp3", b"ID3\x04\x00" + EICAR))
