"""Every kind of metadata goes from the cleaned copy, and no picture holds a web worker: a
corpus of files (tests/intake/corpus.py) with EXIF, XMP, IPTC, ICC, comments and text chunks,
and files that decode to far more than they weigh."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from intake.attachments import attachment_check

from . import corpus


def _clean(name: str, data: bytes) -> bytes:
    return attachment_check(SimpleUploadedFile(name, data)).content.read()


CORPUS = [
    ("photo.jpg", corpus.jpeg),
    ("screenshot.png", corpus.png),
    ("animation.gif", corpus.gif),
    ("still.webp", corpus.webp),
    ("moving.webp", lambda: corpus.webp(animated=True)),
]


@pytest.mark.parametrize(("name", "make"), CORPUS, ids=[n for n, _m in CORPUS])
def test_the_corpus_carries_its_metadata_and_the_cleaned_copy_none(name, make):
    original = make()
    assert corpus.LEAK in original or b"zTXt" in original  # the corpus is what it claims
    cleaned = _clean(name, original)
    assert corpus.LEAK not in cleaned
    assert b"GPS" not in cleaned and b"Exif" not in cleaned and b"xmpmeta" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).size == Image.open(io.BytesIO(original)).size


def test_jpeg_keeps_no_comment_exif_xmp_iptc_or_icc_segment():
    original = corpus.jpeg()
    assert {0xFE, 0xE1, 0xED, 0xE2} <= set(corpus.jpeg_segments(original))
    kept = set(corpus.jpeg_segments(_clean("photo.jpg", original)))
    assert not kept & {0xFE, 0xE1, 0xED, 0xE2}


def test_png_keeps_no_text_or_exif_chunk():
    original = corpus.png()
    text = {b"tEXt", b"zTXt", b"iTXt", b"eXIf"}
    assert text <= set(corpus.png_chunks(original))
    assert not set(corpus.png_chunks(_clean("screenshot.png", original))) & text


def test_gif_keeps_its_frames_and_loop_but_no_comment_or_other_application_extension():
    original = corpus.gif(frames=3)
    assert b"\xfe" in corpus.gif_extensions(original)
    assert b"\xffXMP DataXMP" in corpus.gif_extensions(original)
    cleaned = _clean("animation.gif", original)
    extensions = corpus.gif_extensions(cleaned)
    assert b"\xfe" not in extensions
    assert [e for e in extensions if e.startswith(b"\xff")] in ([], [b"\xffNETSCAPE2.0"])
    assert Image.open(io.BytesIO(cleaned)).n_frames == 3


def test_webp_keeps_no_exif_or_xmp_chunk():
    for data in (corpus.webp(), corpus.webp(animated=True)):
        assert {b"EXIF", b"XMP "} <= set(corpus.riff_chunks(data))
        assert not {b"EXIF", b"XMP "} & set(corpus.riff_chunks(_clean("x.webp", data)))


def test_too_many_frames_is_refused_before_decoding(settings):
    settings.CANDOR_ATTACHMENT_MAX_FRAMES = 50
    with pytest.raises(ValidationError) as error:
        attachment_check(SimpleUploadedFile("a.gif", corpus.gif_many_frames(51, (8, 8))))
    assert error.value.code == "too_many_frames"
    assert "a.gif" in error.value.messages[0]


def test_pixels_are_counted_over_all_frames(settings):
    # 40 frames of 500 x 500: a small file, 10 million pixels decoded.
    settings.CANDOR_ATTACHMENT_MAX_PIXELS = 5_000_000
    data = corpus.gif_many_frames(40, (500, 500))
    assert len(data) < 100_000
    with pytest.raises(ValidationError) as error:
        attachment_check(SimpleUploadedFile("a.gif", data))
    assert error.value.code == "too_many_pixels"


def test_a_huge_canvas_is_refused_from_its_header():
    with pytest.raises(ValidationError) as error:
        attachment_check(SimpleUploadedFile("a.png", corpus.png_huge_canvas(100_000, 100_000)))
    assert error.value.code == "too_many_pixels"


def test_a_decode_over_the_time_budget_is_stopped_and_refused(settings):
    # Within the pixel budget, but a tiny budget of time: the child doing the work is killed.
    settings.CANDOR_ATTACHMENT_DECODE_SECONDS = 0.001
    with pytest.raises(ValidationError) as error:
        attachment_check(SimpleUploadedFile("a.gif", corpus.gif_many_frames(60, (400, 400))))
    assert error.value.code == "too_slow"
    assert "a.gif" in error.value.messages[0]
