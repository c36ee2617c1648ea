"""A corpus of evidence files as cameras, phones, editors and attackers write them, made here
byte by byte so that nothing outside the repository is needed. Each picture carries every kind
of metadata its format can hold, each with the marker `LEAK`, so a test can look for the marker
and for the structures themselves in what is stored."""

import io
import struct
import zlib

from PIL import Image, PngImagePlugin

LEAK = b"LEAK-7f3a"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="38,40.0N">' + LEAK + b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker " + LEAK.decode()  # Make
    exif[0x010E] = "Description " + LEAK.decode()  # ImageDescription
    exif[0x8825] = {1: "N", 2: (38.0, 40.0, 0.0), 3: "W", 4: (90.0, 20.0, 0.0)}  # GPS
    return exif.tobytes()


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def jpeg() -> bytes:
    """EXIF with GPS, XMP, IPTC (Photoshop APP13), an ICC profile and a comment segment."""
    out = io.BytesIO()
    Image.new("RGB", (48, 32), (200, 30, 30)).save(out, format="JPEG", exif=_exif())
    data = out.getvalue()
    extra = (
        _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP)
        + _segment(
            0xED,
            b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02x"
            + b"\x00\x08"
            + LEAK[:8],
        )  # fmt: skip
        + _segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + LEAK)
        + _segment(0xFE, b"Comment " + LEAK)
    )
    return data[:2] + extra + data[2:]


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to the image data."""
    markers, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: image data follows
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length
    return markers


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png() -> bytes:
    """tEXt, zTXt and iTXt (XMP) text chunks and an eXIf chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "tEXt " + LEAK.decode())
    info.add_text("Author", "zTXt " + LEAK.decode(), zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode(), zip=False)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 0, 255)).save(out, format="PNG", pnginfo=info, exif=_exif())
    return out.getvalue()


def png_chunks(data: bytes) -> list[bytes]:
    kinds, at = [], 8
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kinds.append(data[at + 4 : at + 8])
        at += 12 + length
    return kinds


def _gif_comment(text: bytes) -> bytes:
    return b"\x21\xfe" + bytes([len(text)]) + text + b"\x00"


def _gif_application(identifier: bytes, payload: bytes) -> bytes:
    body = b"".join(bytes([len(c)]) + c for c in _chunks(payload, 255))
    return b"\x21\xff\x0b" + identifier[:11] + body + b"\x00"


def _chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def gif(frames: int = 3, size: tuple[int, int] = (32, 24)) -> bytes:
    """An animation with a comment extension and an XMP application extension."""
    images = [Image.new("RGB", size, (40 * i % 256, 0, 255 - 40 * i % 256)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=80, loop=0)
    data = out.getvalue()
    # Extensions go after the header, the logical screen descriptor and the global colour table.
    flags = data[10]
    table = 3 * (2 ** ((flags & 0x07) + 1)) if flags & 0x80 else 0
    at = 13 + table
    extra = _gif_comment(b"Comment " + LEAK) + _gif_application(b"XMP DataXMP", XMP)
    return data[:at] + extra + data[at:]


def gif_extensions(data: bytes) -> list[bytes]:
    """Each extension's label, with the application identifier for application extensions."""
    found = []
    flags = data[10]
    at = 13 + (3 * (2 ** ((flags & 0x07) + 1)) if flags & 0x80 else 0)
    while at < len(data):
        block = data[at]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:
            label = data[at + 1]
            at += 2
            first = True
            name = bytes([label])
            while data[at]:
                if label == 0xFF and first:
                    name += data[at + 1 : at + 1 + data[at]]
                first = False
                at += 1 + data[at]
            at += 1
            found.append(name)
        elif block == 0x2C:  # image descriptor, local colour table, LZW data
            packed = data[at + 9]
            at += 10 + (3 * (2 ** ((packed & 0x07) + 1)) if packed & 0x80 else 0) + 1
            while data[at]:
                at += 1 + data[at]
            at += 1
        else:
            break
    return found


def webp(animated: bool = False) -> bytes:
    """EXIF and XMP chunks, still or animated."""
    out = io.BytesIO()
    first = Image.new("RGB", (32, 24), (10, 120, 10))
    options = {"exif": _exif(), "xmp": XMP}
    if animated:
        second = Image.new("RGB", (32, 24), (120, 10, 10))
        first.save(out, format="WEBP", save_all=True, append_images=[second], **options)
    else:
        first.save(out, format="WEBP", **options)
    return out.getvalue()


def riff_chunks(data: bytes) -> list[bytes]:
    kinds, at = [], 12
    while at + 8 <= len(data):
        kind = data[at : at + 4]
        (length,) = struct.unpack("<I", data[at + 4 : at + 8])
        kinds.append(kind)
        at += 8 + length + (length & 1)
    return kinds


def gif_many_frames(frames: int, size: tuple[int, int]) -> bytes:
    """A small file that decodes to a great many pixels: uniform frames compress to nothing."""
    colours = [(255, 0, 0), (0, 0, 255)]
    images = [Image.new("RGB", size, colours[i % 2]) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=20)
    return out.getvalue()


def png_huge_canvas(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge picture, with almost no data: refused from the header."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
