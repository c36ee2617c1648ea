"""Evidence files: what a file is (decided from its content, never its name), whether we accept
it, and how it is stored (images re-encoded without their metadata, server-made names, private
storage).

`attachment_check` runs while the form is validated, so that a bad file gets its message next to
the field; `attachment_store` runs inside the transaction that stores the submission."""

import hashlib
import io
import multiprocessing
import uuid
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from . import decoding
from .antivirus import virus_scan
from .decoding import Budget, DecodeRefused
from .models import Attachment


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    extensions: tuple[str, ...]
    pillow_format: str | None = None  # set for images, which are re-encoded

    @property
    def is_image(self) -> bool:
        return self.pillow_format is not None


FILE_TYPES = {
    t.key: t
    for t in [
        FileType("jpeg", "image/jpeg", ("jpg", "jpeg"), "JPEG"),
        FileType("png", "image/png", ("png",), "PNG"),
        FileType("gif", "image/gif", ("gif",), "GIF"),
        FileType("webp", "image/webp", ("webp",), "WEBP"),
        FileType("pdf", "application/pdf", ("pdf",)),
        FileType("mp4", "video/mp4", ("mp4", "m4v")),
        FileType("mov", "video/quicktime", ("mov", "qt")),
        FileType("m4a", "audio/mp4", ("m4a",)),
        FileType("mp3", "audio/mpeg", ("mp3",)),
        FileType("wav", "audio/wav", ("wav",)),
    ]
}
ACCEPTED_EXTENSIONS = sorted({ext for t in FILE_TYPES.values() for ext in t.extensions})

# ISO base media files (MP4, MOV, M4A) name their flavour in the "ftyp" box.
_QUICKTIME_BRANDS = {b"qt  "}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
_VIDEO_BRANDS = {
    b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ",
    b"M4VH", b"M4VP", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"MSNV", b"dash", b"f4v ",
}  # fmt: skip


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first bytes, or None for anything we do not accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return FILE_TYPES["jpeg"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FILE_TYPES["png"]
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return FILE_TYPES["gif"]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FILE_TYPES["webp"]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return FILE_TYPES["wav"]
    if head.startswith(b"%PDF-"):
        return FILE_TYPES["pdf"]
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _QUICKTIME_BRANDS:
            return FILE_TYPES["mov"]
        if brand in _AUDIO_BRANDS:
            return FILE_TYPES["m4a"]
        if brand in _VIDEO_BRANDS:
            return FILE_TYPES["mp4"]
        return None
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return FILE_TYPES["mp3"]
    return None


def limits() -> dict:
    """What the form tells a resident before they choose files, in the active language."""
    return dict(
        _limits(
            get_language(),
            settings.CANDOR_ATTACHMENT_MAX_COUNT,
            settings.CANDOR_ATTACHMENT_MAX_BYTES,
        )
    )


@lru_cache(maxsize=64)
def _limits(language: str | None, max_count: int, max_bytes: int) -> tuple:
    # Made once per language and limits: the size, written out in the language, was 1.5% of
    # each request for a public form.
    return (
        ("max_count", max_count),
        ("max_size", filesizeformat(max_bytes)),
        ("extensions", ", ".join(ACCEPTED_EXTENSIONS)),
        ("accept", ",".join(f".{ext}" for ext in ACCEPTED_EXTENSIONS)),
    )


@dataclass
class CheckedAttachment:
    """A file that passed the checks, ready to be stored: `content` is what staff preview and
    anyone else sees (for a picture, the cleaned copy); `original` the file as received when
    that differs, kept for the investigator; `sha256` the digest of the file as received."""

    original_name: str
    file_type: FileType
    content: File
    size: int
    sha256: str
    original: File | None = None
    active_content: list[str] = field(default_factory=list)


def attachment_check(upload: UploadedFile) -> CheckedAttachment:
    """Accept a file only when its content is a type we take, its name's extension agrees, it is
    within the size limit, it is what it claims (a picture decodes, a PDF opens as a PDF) and,
    when a virus scanner is configured, the scanner passed it. Pictures come back re-encoded
    with every kind of metadata dropped, the original kept aside; a PDF's active content
    (JavaScript, embedded files, launch actions) is listed for staff."""
    name = _display_name(upload.name)
    if upload.size > settings.CANDOR_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s. Send a smaller file, or tell us about it."),
            code="too_large",
            params={"name": name, "limit": filesizeformat(settings.CANDOR_ATTACHMENT_MAX_BYTES)},
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty."), code="empty", params={"name": name})
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    file_type = sniff(head)
    if file_type is None:
        raise ValidationError(
            _("%(name)s is not a type of file we can accept. We accept: %(extensions)s."),
            code="bad_type",
            params={"name": name, "extensions": ", ".join(ACCEPTED_EXTENSIONS)},
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in file_type.extensions:
        raise ValidationError(
            _(
                "The name of %(name)s does not match what the file contains (%(kind)s). "
                "Rename it to end in .%(extension)s and add it again."
            ),
            code="name_mismatch",
            params={
                "name": name,
                "kind": file_type.content_type,
                "extension": file_type.extensions[0],
            },
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    virus_scan(upload=upload, name=name)
    if file_type.is_image:
        content = _reencoded(upload, file_type, name)
        return CheckedAttachment(
            original_name=name,
            file_type=file_type,
            content=content,
            size=content.size,
            sha256=digest.hexdigest(),
            original=upload,
        )
    active = _pdf_checked(upload, name) if file_type.key == "pdf" else []
    return CheckedAttachment(
        original_name=name,
        file_type=file_type,
        content=upload,
        size=upload.size,
        sha256=digest.hexdigest(),
        active_content=active,
    )


def _budget() -> Budget:
    return Budget(
        max_pixels=settings.CANDOR_ATTACHMENT_MAX_PIXELS,
        max_frames=settings.CANDOR_ATTACHMENT_MAX_FRAMES,
    )


def _within_budget(work: str, data: bytes, *, budget: Budget, pillow_format: str = ""):
    """The named work of `intake.decoding` in a child process that is killed when the time
    budget runs out, so that no file holds a web worker longer than
    CANDOR_ATTACHMENT_DECODE_SECONDS, however its decoder or parser behaves. The child comes
    from a forkserver, a clean process started once, since forking a web process that runs
    threads can copy a lock some other thread holds and hang the child."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["intake.decoding"])
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=decoding.run_in_child, args=(work, data, budget, pillow_format, sender)
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(settings.CANDOR_ATTACHMENT_DECODE_SECONDS):
            raise DecodeRefused("too_slow")
        outcome, value = receiver.recv()
    except EOFError:  # the child died (out of memory, a crash in a decoder)
        raise DecodeRefused("unreadable") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome == "refused":
        raise DecodeRefused(value)
    return value


_REFUSALS = {
    "too_many_pixels": _("%(name)s has too many pixels. Send a smaller picture."),
    "too_many_frames": _(
        "%(name)s has too many frames. Send a shorter animation, or a video file instead."
    ),
    "too_slow": _("%(name)s takes too long to check. Send a smaller file, or tell us about it."),
    "unreadable": _("%(name)s looks like an image but could not be opened. Try saving it again."),
    "not_a_pdf": _(
        "%(name)s does not open as a PDF. Save it again as a PDF, or send it in another format."
    ),
}


def _reencoded(upload: UploadedFile, file_type: FileType, name: str) -> ContentFile:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        # The cheap checks first, on the header alone, so that most refusals fork nothing.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            decoding.budget_check(
                Image.open(io.BytesIO(data), formats=[file_type.pillow_format]), _budget()
            )
        cleaned = _within_budget(
            "reencode", data, budget=_budget(), pillow_format=file_type.pillow_format
        )
    except DecodeRefused as refused:
        raise ValidationError(
            _REFUSALS[refused.code], code=refused.code, params={"name": name}
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _REFUSALS["too_many_pixels"], code="too_many_pixels", params={"name": name}
        ) from None
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
    ) as error:
        raise ValidationError(
            _REFUSALS["unreadable"], code="unreadable", params={"name": name}
        ) from error
    return ContentFile(cleaned)


# What in a PDF can act on the reader's machine, by the names that carry it, as staff read it.
_ACTIVE = {
    "javascript": _("JavaScript"),
    "launch": _("an action that starts a program"),
    "embedded_files": _("embedded files"),
    "rich_media": _("embedded media or Flash"),
    "xfa": _("an XFA form"),
}


def _pdf_checked(upload: UploadedFile, name: str) -> list[str]:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        return _within_budget("pdf_inspect", data, budget=_budget())
    except DecodeRefused as refused:
        code = "not_a_pdf" if refused.code == "unreadable" else refused.code
        raise ValidationError(_REFUSALS[code], code=code, params={"name": name}) from None


def active_content_labels(keys: list[str]) -> list[str]:
    """How the active content found in a document reads to staff."""
    labels = {**_ACTIVE, "encrypted": _("a password, so it could not be inspected")}
    return [str(labels.get(key, key)) for key in keys]


def _display_name(name: str | None) -> str:
    """The file's own name, for messages and staff only: never used as a path."""
    base = PurePath((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable())[:200]
    return cleaned or str(_("unnamed file"))


def attachment_store(*, submission, checked: CheckedAttachment):
    """Save one checked file under a server-made name in the private attachments storage, and
    the file as received beside it when what is shown is a cleaned copy."""
    # upload_to adds the year and month folders.
    stored_name = f"{uuid.uuid4().hex}.{checked.file_type.extensions[0]}"
    checked.content.seek(0)
    attachment = Attachment(
        submission=submission,
        original_name=checked.original_name,
        content_type=checked.file_type.content_type,
        size=checked.size,
        sha256=checked.sha256,
        active_content=checked.active_content,
    )
    attachment.file.save(stored_name, checked.content, save=False)
    if checked.original is not None:
        checked.original.seek(0)
        attachment.original_file.save(stored_name, checked.original, save=False)
    attachment.save()
    return attachment


def attachment_files_delete(attachment) -> None:
    """Remove an attachment's files from storage (a rollback left them without a row)."""
    for stored in (attachment.file, attachment.original_file):
        if stored:
            stored.storage.delete(stored.name)
