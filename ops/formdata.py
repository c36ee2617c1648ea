"""The public forms post multipart/form-data (they take files). Django's parser reads each part
through several layers of streams and the email package's header parser, about a millisecond
for a complaint's forty fields, a tenth of the whole POST. Most posts are a short body of text
fields with the file input left empty: `FormDataMiddleware` reads those itself, exactly as
Django would, and leaves every other post to Django's parser (a file chosen, a body over
FORM_DATA_FAST_LIMIT, a header it does not expect, anything it cannot read exactly as Django
does). tests/ops/test_formdata.py holds the two readings side by side over many bodies."""

import re

from django.conf import settings
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

# Larger bodies (a file chosen, a long account) are Django's: they may be streamed to disk.
FORM_DATA_FAST_LIMIT = 64 * 1024

# What a browser sends for the form: the boundary token unquoted, nothing else.
_CONTENT_TYPE = re.compile(r"multipart/form-data; ?boundary=([0-9A-Za-z'()+_,./:=?-]{1,70})\Z")
# A text field, or a file input left empty (an empty file name and no content: Django's parser
# gives it as a field with an empty value). Anything else (a quote or backslash escaped in the
# name, a name in RFC 2231 form, other headers) is Django's.
_FIELD_PART = re.compile(
    rb'Content-Disposition: form-data; name="([^"\\\r\n]*)"'
    rb'(; filename=""\r\nContent-Type: [!-~]+)?\Z'
)


def form_data_read(body: bytes, content_type: str, encoding: str) -> QueryDict | None:
    """The fields of a multipart/form-data body with no file in it, as Django's parser would
    give them, or None when the body is not of the simple kind this reads: then Django's
    parser reads it."""
    match = _CONTENT_TYPE.match(content_type)
    if match is None or len(body) > _fast_limit():
        return None
    delimiter = b"--" + match.group(1).encode("ascii")
    first, last = delimiter + b"\r\n", b"\r\n" + delimiter + b"--\r\n"
    if not body.startswith(first) or not body.endswith(last):
        return None
    parts = body[len(first) : -len(last)].split(b"\r\n" + delimiter + b"\r\n")
    # The delimiter nowhere else, not even as the start of a line or of other text: Django's
    # parser would see a boundary there.
    if body.count(delimiter) != len(parts) + 1:
        return None
    if len(parts) > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:
        return None  # Django's parser refuses it
    fields = QueryDict(mutable=True, encoding=encoding)
    for part in parts:
        head, separator, value = part.partition(b"\r\n\r\n")
        if not separator:
            return None
        field = _FIELD_PART.match(head)
        if field is None or (field.group(2) and value):
            return None
        try:
            head.decode("utf-8")  # Django's parser skips a header that is not UTF-8
        except UnicodeDecodeError:
            return None
        name = field.group(1).strip().decode(encoding, errors="replace")  # stripped, as Django's
        fields.appendlist(name, value.decode(encoding, errors="replace"))
    fields._mutable = False
    return fields


class FormDataMiddleware:
    """Reads the simple multipart posts itself (form_data_read) before anything asks for
    request.POST; Django's parser still reads every other one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            self._read(request)
        return self.get_response(request)

    @staticmethod
    def _read(request) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return
        if not 0 < length <= _fast_limit():
            return  # not read here: Django streams it to its parser
        fields = form_data_read(
            request.body,
            request.META.get("CONTENT_TYPE", ""),
            request.encoding or settings.DEFAULT_CHARSET,
        )
        if fields is not None:
            request.POST = fields
            request._files = MultiValueDict()  # what WSGIRequest.FILES gives once it is set


def _fast_limit() -> int:
    # Within what Django would read into memory at all (a setting may lower it).
    return min(FORM_DATA_FAST_LIMIT, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or FORM_DATA_FAST_LIMIT)
