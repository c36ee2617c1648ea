"""The quick reading of simple multipart posts (ops/formdata.py) against Django's parser: over
bodies as browsers write them, and over those bodies damaged, whatever it reads is what Django
reads, and what it cannot read exactly so it leaves to Django."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.models import Submission
from ops.formdata import form_data_read
from tests.factories import complaint_post


def browser_body(fields, empty_files=(), boundary=None) -> tuple[bytes, str]:
    """A form as a browser posts it (HTML's multipart/form-data encoding): names with `"`, CR
    and LF percent-escaped, newlines in values as CRLF, each empty file input as a part with
    an empty file name."""
    boundary = boundary or "----WebKitFormBoundary" + uuid.uuid4().hex[:16]
    out = []
    for name, value in fields:
        escaped = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{escaped}"\r\n\r\n{value}\r\n'
        )
    for name in empty_files:
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
            "Content-Type: application/octet-stream\r\n\r\n\r\n"
        )
    out.append(f"--{boundary}--\r\n")
    return "".join(out).encode("utf-8"), f"multipart/form-data; boundary={boundary}"


def django_reads(body: bytes, content_type: str):
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
    parser = MultiPartParser(meta, io.BytesIO(body), [MemoryFileUploadHandler()], "utf-8")
    return parser.parse()


def readings(body: bytes, content_type: str) -> tuple[dict, dict, dict] | None:
    """The quick reading's fields, Django's parser's fields and files, or None when the quick
    reading declined the body (Django's parser raises on one it refuses)."""
    fields = form_data_read(body, content_type, "utf-8")
    if fields is None:
        return None
    post, files = django_reads(body, content_type)
    return dict(fields.lists()), dict(post.lists()), dict(files.lists())


NAMES = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30)
VALUES = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300)
FIELDS = st.lists(st.tuples(NAMES, VALUES), max_size=40)
EMPTY_FILES = st.lists(st.sampled_from(["attachments", "files", "photo"]), max_size=2)


@settings(max_examples=300, deadline=None)
@given(fields=FIELDS, empty_files=EMPTY_FILES)
def test_what_a_browser_posts_reads_as_django_reads_it(fields, empty_files):
    body, content_type = browser_body(fields, empty_files)
    delimiter = "--" + content_type.split("=")[1]
    simple = not any(delimiter in value or "\\" in name for name, value in fields)
    if (fields or empty_files) and simple:
        read = readings(body, content_type)
        assert read is not None
        quick, django, files = read
        assert quick == django
        assert not files
    else:  # a backslash in a name, or a value that holds the delimiter: Django's to read
        assert form_data_read(body, content_type, "utf-8") is None


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=FIELDS,
    empty_files=EMPTY_FILES,
    cuts=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(0, 8), st.binary(max_size=12)),
        min_size=1,
        max_size=3,
    ),
    boundary=st.sampled_from([None, "x", "--", "a'b(c)d+e_f,g.h/i:j=k?l-m"]),
)
def test_a_damaged_body_is_read_as_django_reads_it_or_left_to_django(
    fields, empty_files, cuts, boundary
):
    body, content_type = browser_body(fields, empty_files, boundary)
    for at, length, insert in cuts:
        at %= len(body) + 1
        body = body[:at] + insert + body[at + length :]
    try:
        read = readings(body, content_type)
    except MultiPartParserError:
        pytest.fail("read a body Django's parser refuses")
    if read is not None:  # what it reads, it reads as Django's parser does
        quick, django, files = read
        assert quick == django
        assert not files


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",  # no boundary
        'multipart/form-data; boundary="quoted"',
        "multipart/form-data; boundary=b; charset=latin-1",
        "application/x-www-form-urlencoded",
    ],
)
def test_a_content_type_a_browser_does_not_send_is_left_to_django(content_type):
    body, _ = browser_body([("a", "b")], boundary="quoted")
    assert form_data_read(body, content_type, "utf-8") is None


def test_parts_it_does_not_expect_are_left_to_django():
    body, content_type = browser_body([("a", "b")], boundary="B")
    for head in (
        b'Content-Disposition: form-data; name="a"; filename="x.txt"',  # a file chosen
        b"Content-Disposition: form-data; name*=utf-8''%C3%A9\"",
        b'Content-Disposition: form-data; name="a\\"b"',
        b'content-disposition: form-data; name="a"',
        b'Content-Disposition: form-data; name="a"\r\nContent-Transfer-Encoding: base64',
    ):
        damaged = body.replace(b'Content-Disposition: form-data; name="a"', head)
        assert form_data_read(damaged, content_type, "utf-8") is None


def test_more_fields_than_django_takes_are_left_to_it_to_refuse(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    body, content_type = browser_body([("a", "1")] * 4, boundary="B")
    assert form_data_read(body, content_type, "utf-8") is None


@pytest.mark.django_db
def test_the_complaint_form_is_read_without_djangos_parser(client, monkeypatch):
    def unused(self):
        raise AssertionError("Django's parser read a simple post")

    monkeypatch.setattr(MultiPartParser, "parse", unused)
    response = client.post("/complaint/", complaint_post())
    assert response.status_code == 302
    assert Submission.objects.get().narrative == complaint_post()["narrative"]


@pytest.mark.django_db
def test_a_post_with_a_file_is_left_to_djangos_parser(client):
    picture = SimpleUploadedFile("note.txt", b"not a picture", content_type="text/plain")
    response = client.post("/complaint/", {**complaint_post(), "attachments": picture})
    # Read by Django's parser: the file reached the form, which refuses its type.
    assert response.status_code == 200
    assert "note.txt" in response.content.decode()
    assert not Submission.objects.exists()
