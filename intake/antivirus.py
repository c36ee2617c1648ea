"""An optional virus scan of every evidence file by ClamAV's daemon (clamd), spoken to over
its INSTREAM protocol. Off unless CANDOR_CLAMD_URL is set; once set it fails closed: a file
the scanner did not pass (found something, or could not be asked) is not accepted."""

import logging
import socket
import struct
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

_CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    pass


def _connect(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(parts.path)
        return sock
    if parts.scheme == "tcp" and parts.hostname:
        return socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)
    raise ScannerUnavailable(f"CANDOR_CLAMD_URL must be tcp://host:port or unix:///path: {url}")


def clamd_verdict(upload: UploadedFile) -> str | None:
    """What clamd found in the file (a signature name), or None when it is clean. Raises
    ScannerUnavailable when clamd cannot be reached or answers something else."""
    try:
        with _connect(settings.CANDOR_CLAMD_URL, settings.CANDOR_CLAMD_TIMEOUT) as sock:
            sock.sendall(b"zINSTREAM\0")
            upload.seek(0)
            for chunk in upload.chunks(_CHUNK):
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    finally:
        upload.seek(0)
    reply = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    if reply.endswith(" OK"):
        return None
    if reply.endswith(" FOUND"):
        return reply.removeprefix("stream:").removesuffix("FOUND").strip()
    raise ScannerUnavailable(reply or "no answer")


def virus_scan(*, upload: UploadedFile, name: str) -> None:
    """Refuse the file unless the scanner passed it; nothing to do when none is configured."""
    if not settings.CANDOR_CLAMD_URL:
        return
    try:
        found = clamd_verdict(upload)
    except ScannerUnavailable as error:
        logger.error("virus scanner unavailable, file refused: %s", error)
        raise ValidationError(
            _(
                "%(name)s could not be checked for viruses just now, so it was not accepted. "
                "Please add it again in a few minutes, or send the form without it."
            ),
            code="scan_unavailable",
            params={"name": name},
        ) from None
    if found:
        logger.warning("virus scanner refused an upload: %s", found)
        raise ValidationError(
            _("%(name)s was refused by our virus scanner."),
            code="infected",
            params={"name": name},
        )
