"""The work of reading an evidence file that can take long or go wrong: decoding and writing a
picture again without its metadata, opening a PDF and looking through it for active content.

It runs in a child process with a time budget (see `attachments._within_budget`), so this
module stands on its own: no Django, nothing from the web process but its arguments."""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


class DecodeRefused(Exception):
    """A file refused by the checks that run before or while it is read; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Budget:
    max_pixels: int  # over all frames of an animation together
    max_frames: int


# What a cleaned copy keeps of the decoder's `info`: only what is needed to draw it right.
_KEEP_INFO = ("transparency",)


def _bare(frame: Image.Image) -> Image.Image:
    """A copy of the pixels with no metadata: Pillow's writers take comments, XMP, EXIF and
    ICC profiles from `info` (a GIF writer even from every frame's), so `info` is emptied."""
    clean = frame.copy()
    clean.info = {k: frame.info[k] for k in _KEEP_INFO if k in frame.info}
    return clean


def budget_check(image: Image.Image, budget: Budget) -> None:
    """Refuse before the full decode: header sizes times frames against the pixel budget."""
    frames = getattr(image, "n_frames", 1) if getattr(image, "is_animated", False) else 1
    if frames > budget.max_frames:
        raise DecodeRefused("too_many_frames")
    if image.width * image.height * frames > budget.max_pixels:
        raise DecodeRefused("too_many_pixels")


def reencode(data: bytes, budget: Budget, pillow_format: str) -> bytes:
    """Decode and write the picture again, with every kind of metadata left behind: EXIF,
    XMP, IPTC, ICC, JPEG comments, PNG text chunks, GIF comment and application extensions
    (only the loop count is written again). Animated GIF and WebP keep their frames."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data), formats=[pillow_format])
        budget_check(image, budget)
        out = io.BytesIO()
        if pillow_format in ("GIF", "WEBP") and getattr(image, "is_animated", False):
            frames, durations = [], []
            for index in range(image.n_frames):
                image.seek(index)
                durations.append(image.info.get("duration", 100))
                frames.append(_bare(image))
            frames[0].save(
                out,
                format=pillow_format,
                save_all=True,
                append_images=frames[1:],
                duration=durations,
                loop=image.info.get("loop", 0),
            )
        else:
            image.load()
            # Keep the picture the right way up, then drop the metadata that said so.
            image = _bare(ImageOps.exif_transpose(image))
            if pillow_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(out, format=pillow_format)
    return out.getvalue()


_PDF_OBJECT_BUDGET = 200_000


def pdf_inspect(data: bytes, budget: Budget, _format: str = "") -> list[str]:
    """Open the PDF as a PDF (it must have at least one page) and walk every object in it for
    active content; returns the keys of `_ACTIVE` found. Names are compared after pypdf has
    decoded them, so `/J#61vaScript` is JavaScript too."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            # Locked with a password we do not have: it opens, but cannot be looked into.
            return ["encrypted"]
        if len(reader.pages) < 1:
            raise DecodeRefused("not_a_pdf")
    except DecodeRefused:
        raise
    except Exception:
        raise DecodeRefused("not_a_pdf") from None
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    ids = [(num, gen) for gen, table in reader.xref.items() for num in table]
    ids += [(num, 0) for num in reader.xref_objStm]
    stack = [IndirectObject(num, gen, reader) for num, gen in ids]
    stack.append(reader.trailer)
    visited = 0
    while stack:
        visited += 1
        if visited > _PDF_OBJECT_BUDGET:
            raise DecodeRefused("too_slow")
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            try:
                item = item.get_object()
            except Exception:  # noqa: S112 - a damaged object is skipped, the rest inspected
                continue
        if isinstance(item, DictionaryObject):
            keys = set(item.keys())
            if "/JS" in keys or "/JavaScript" in keys or item.get("/S") == "/JavaScript":
                found.add("javascript")
            if "/Launch" in keys or item.get("/S") == "/Launch":
                found.add("launch")
            if (
                "/EmbeddedFiles" in keys
                or "/EF" in keys
                or item.get("/Type") == "/EmbeddedFile"
                or item.get("/Subtype") == "/FileAttachment"
            ):
                found.add("embedded_files")
            if "/RichMedia" in keys or item.get("/Subtype") == "/RichMedia":
                found.add("rich_media")
            if "/XFA" in keys:
                found.add("xfa")
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return sorted(found)


_WORK = {"reencode": reencode, "pdf_inspect": pdf_inspect}


def run_in_child(work: str, data: bytes, budget: Budget, pillow_format: str, conn) -> None:
    """The child's side: do the work and send back ("ok", result) or ("refused", code)."""
    try:
        conn.send(("ok", _WORK[work](data, budget, pillow_format)))
    except DecodeRefused as refused:
        conn.send(("refused", refused.code))
    except Exception:  # any decoder or parser fault is an unreadable file, told to the parent
        conn.send(("refused", "unreadable"))
    finally:
        conn.close()
