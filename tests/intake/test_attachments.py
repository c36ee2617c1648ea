import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from intake.attachments import attachment_check, sniff

from .conftest import jpeg_with_gps, pdf, png


@pytest.mark.parametrize(
    ("head", "key"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"GIF89a\x01\x00", "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "wav"),
        (b"%PDF-1.7\n", "pdf"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00", "mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00", "mov"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00", "m4a"),
        (b"ID3\x04\x00\x00\x00\x00", "mp3"),
    ],
)
def test_type_is_decided_from_the_first_bytes(head, key):
    assert sniff(head + b"\x00" * 32).key == key


@pytest.mark.parametrize(
    "head", [b"MZ\x90\x00", b"<html><script>", b"PK\x03\x04", b"#!/bin/sh\n", b""]
)
def test_anything_else_is_not_a_type_we_accept(head):
    assert sniff(head) is None


def test_photo_is_reencoded_without_camera_or_gps_metadata():
    upload = jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif().get(0x8825)
    upload.seek(0)
    checked = attachment_check(upload)
    image = Image.open(io.BytesIO(checked.content.read()))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert checked.original_name == "photo.jpg"
    assert checked.file_type.content_type == "image/jpeg"


def test_executable_renamed_to_jpg_is_refused_with_its_name():
    upload = SimpleUploadedFile("holiday.jpg", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError) as error:
        attachment_check(upload)
    assert error.value.code == "bad_type"
    assert "holiday.jpg" in error.value.messages[0]


def test_pdf_named_as_a_photo_is_refused_because_the_name_lies():
    upload = pdf(name="photo.jpg")
    with pytest.raises(ValidationError) as error:
        attachment_check(upload)
    assert error.value.code == "name_mismatch"


def test_png_content_with_jpeg_extension_is_refused():
    with pytest.raises(ValidationError) as error:
        attachment_check(png(name="picture.jpeg"))
    assert error.value.code == "name_mismatch"


def test_broken_image_gets_a_clear_message():
    upload = SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    with pytest.raises(ValidationError) as error:
        attachment_check(upload)
    assert error.value.code == "unreadable"


def test_file_over_the_size_limit_is_refused(settings):
    settings.CANDOR_ATTACHMENT_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"x" * 200)
    with pytest.raises(ValidationError) as error:
        attachment_check(upload)
    assert error.value.code == "too_large"


def test_picture_with_too_many_pixels_is_refused(settings):
    settings.CANDOR_ATTACHMENT_MAX_PIXELS = 99
    with pytest.raises(ValidationError) as error:
        attachment_check(png())
    assert error.value.code == "too_many_pixels"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        attachment_check(SimpleUploadedFile("nothing.pdf", b""))
    assert error.value.code == "empty"


def test_path_in_a_file_name_is_never_kept():
    checked = attachment_check(pdf(name="../../etc/report.pdf"))
    assert checked.original_name == "report.pdf"


@pytest.mark.django_db
def test_files_are_stored_with_the_submission_or_not_at_all(monkeypatch):
    from intake import services
    from intake.models import Attachment, Submission
    from intake.services import SubmissionData, submission_create

    written = []
    real_store = services.attachment_store

    def store_then_fail(*, submission, checked):
        if written:
            raise OSError("disk full")
        attachment = real_store(submission=submission, checked=checked)
        written.append(attachment.file)
        return attachment

    monkeypatch.setattr(services, "attachment_store", store_then_fail)
    files = [attachment_check(pdf("a.pdf")), attachment_check(pdf("b.pdf"))]
    with pytest.raises(OSError):
        submission_create(data=SubmissionData(kind="complaint", narrative="x"), attachments=files)
    assert Submission.objects.count() == 0 and Attachment.objects.count() == 0
    assert not written[0].storage.exists(written[0].name)  # the first file went with it
