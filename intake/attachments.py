"""Evidence files: what a file is (decided from its content, never its name), whether we accept
it, and how it is stored (images re-encoded without their metadata, server-made names, private
storage).

`attachment_check` runs while the form is validated, so that a bad file gets its message next to
the field; `attachment_store` runs inside the transaction that stores the submission."""

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

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
    """What the form tells a resident before they choose files."""
    return {
        "max_count": settings.CANDOR_ATTACHMENT_MAX_COUNT,
        "max_size": filesizeformat(settings.CANDOR_ATTACHMENT_MAX_BYTES),
        "extensions": ", ".join(ACCEPTED_EXTENSIONS),
        "accept": ",".join(f".{ext}" for ext in ACCEPTED_EXTENSIONS),
    }


@dataclass
class CheckedAttachment:
    """A file that passed the checks, ready to be stored."""

    original_name: str
    file_type: FileType
    content: File
    size: int
    sha256: str


def attachment_check(upload: UploadedFile) -> CheckedAttachment:
    """Accept a file only when its content is a type we take, its name's extension agrees, it is
    within the size limit and, for an image, Pillow can decode it; images come back re-encoded
    with their EXIF (camera, GPS) and other metadata dropped."""
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
    if file_type.is_image:
        content = _reencoded(upload, file_type, name)
        data = content.read()
        content.seek(0)
        return CheckedAttachment(
            original_name=name,
            file_type=file_type,
            content=content,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedAttachment(
        original_name=name,
        file_type=file_type,
        content=upload,
        size=upload.size,
        sha256=digest.hexdigest(),
    )


def _reencoded(upload: UploadedFile, file_type: FileType, name: str) -> ContentFile:
    unreadable = ValidationError(
        _("%(name)s looks like an image but could not be opened. Try saving it again."),
        code="unreadable",
        params={"name": name},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=[file_type.pillow_format])
            if image.width * image.height > settings.CANDOR_ATTACHMENT_MAX_PIXELS:
                raise ValidationError(
                    _("%(name)s has too many pixels. Send a smaller picture."),
                    code="too_many_pixels",
                    params={"name": name},
                )
            image.load()
            out = io.BytesIO()
            if file_type.key in ("gif", "webp") and getattr(image, "is_animated", False):
                image.save(out, format=file_type.pillow_format, save_all=True)
            else:
                # Keep the picture the right way up, then drop the metadata that said so.
                image = ImageOps.exif_transpose(image)
                if file_type.key == "jpeg" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, format=file_type.pillow_format)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
        SyntaxError,
    ) as error:
        raise unreadable from error
    out.seek(0)
    return ContentFile(out.read())


def _display_name(name: str | None) -> str:
    """The file's own name, for messages and staff only: never used as a path."""
    base = PurePath((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable())[:200]
    return cleaned or str(_("unnamed file"))


def attachment_store(*, submission, checked: CheckedAttachment):
    """Save one checked file under a server-made name in the private attachments storage."""
    # upload_to adds the year and month folders.
    stored_name = f"{uuid.uuid4().hex}.{checked.file_type.extensions[0]}"
    checked.content.seek(0)
    attachment = Attachment(
        submission=submission,
        original_name=checked.original_name,
        content_type=checked.file_type.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    attachment.file.save(stored_name, checked.content, save=False)
    attachment.save()
    return attachment
