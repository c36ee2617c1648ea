"""JSON intake for partner systems (a city's 311, a kiosk app): the same complaint and compliment,
validated by the same forms as the web pages, authenticated by a per-partner key.

    POST /api/v1/complaints     Authorization: Bearer <key>     Idempotency-Key: <any string>

201 with the tracking number and status link when stored, 200 with the same body when the same
Idempotency-Key is sent again with the same content, 422 when it is sent with different
content, 400/401/413/415 with {"error": ..., "errors": {...}} otherwise."""

import hashlib
import json
import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .forms import (
    MAX_EMPLOYEES,
    MAX_WITNESSES,
    ComplaintForm,
    ComplimentForm,
    EmployeeForm,
    SubmissionForms,
    WitnessForm,
)
from .models import AllegationCategory, PartnerApiKey, Submission
from .services import IdempotencyConflict, KeyReuse, submission_receive
from .tracking import status_url_for_token

KEY_PREFIX = "cand_"


def partner_key_create(*, name: str) -> tuple[PartnerApiKey, str]:
    """Make a key for a partner. The key is returned once; only its digest is stored."""
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    partner = PartnerApiKey.objects.create(name=name, prefix=prefix, digest=_digest(key))
    return partner, key


def _digest(key: str) -> str:
    # Keys carry 256 random bits, so a fast digest is enough: nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def partner_for(request) -> PartnerApiKey | None:
    header = request.headers.get("Authorization", "")
    scheme, _space, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    partner = PartnerApiKey.objects.filter(digest=_digest(key.strip()), active=True).first()
    if partner is not None:
        PartnerApiKey.objects.filter(pk=partner.pk).update(last_used_at=timezone.now())
    return partner


def _error(status: int, message: str, errors: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "errors": errors or {}}, status=status)


def _form_data(payload: dict, *, kind: str) -> dict:
    """The JSON body, already type-checked, as the web form would have posted it: rows become
    formset fields, null an empty field."""
    data = {k: v for k, v in payload.items() if k not in ("employees", "witnesses")}
    for prefix in ("employees", "witnesses"):
        rows = payload.get(prefix) or []
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            for field, value in row.items():
                data[f"{prefix}-{index}-{field}"] = value
    return {name: "" if value is None else value for name, value in data.items()}


def _fields(form_class) -> dict[str, type]:
    """The JSON type each field of a form takes: true/false for a tick box, a list of strings
    for a multiple choice, a string for everything else (dates and times as ISO text)."""
    types = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.BooleanField):
            types[name] = bool
        elif isinstance(field, forms.MultipleChoiceField):
            types[name] = list
        else:
            types[name] = str
    types.pop("website", None)  # the honeypot is for bots on the web page
    return types


_TYPE_MESSAGES = {
    bool: gettext_lazy("Send true or false."),
    list: gettext_lazy("Send a list of strings."),
    str: gettext_lazy("Send text (a JSON string)."),
}


def _unstorable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_value(value, expected: type, *, most: int | None = None) -> list[str]:
    """What is wrong with one field's JSON value; empty when it is the right type."""
    if value is None:
        return []
    if expected is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return [str(_TYPE_MESSAGES[list])]
        if most is not None and len(value) > most:
            return [_("Send at most %(count)d items.") % {"count": most}]
        return []
    # bool is a subclass of int in Python, so the type is compared exactly.
    if type(value) is not expected:
        return [str(_TYPE_MESSAGES[expected])]
    if expected is str and _unstorable(value):
        return [_("This contains characters that cannot be stored. Remove them and try again.")]
    return []


def _type_errors(payload: dict, *, kind: str) -> dict:
    """Every field whose JSON type is not what the form takes, and every field the form does not
    have, by name; rows by position. Lists are bounded, so nothing unbounded reaches the form."""
    form_class = ComplaintForm if kind == Submission.Kind.COMPLAINT else ComplimentForm
    fields = _fields(form_class)
    rows = {"employees": (EmployeeForm, MAX_EMPLOYEES)}
    if kind == Submission.Kind.COMPLAINT:
        rows["witnesses"] = (WitnessForm, MAX_WITNESSES)
    errors: dict = {}
    for name, value in payload.items():
        if name in rows:
            row_class, most = rows[name]
            if value is None:
                continue
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                errors[name] = [_("Send a list of objects.")]
                continue
            if len(value) > most:
                errors[name] = [_("Send at most %(count)d items.") % {"count": most}]
                continue
            row_fields = _fields(row_class)
            for index, row in enumerate(value):
                row_errors = {
                    key: _check_value(item, row_fields[key]) if key in row_fields else []
                    for key, item in row.items()
                }
                row_errors = {
                    key: errs or [_("This field is not part of the form.")]
                    for key, errs in row_errors.items()
                    if errs or key not in row_fields
                }
                if row_errors:
                    errors.setdefault(name, {})[str(index)] = row_errors
        elif name in fields:
            most = len(AllegationCategory.choices) if name == "categories" else None
            problems = _check_value(value, fields[name], most=most)
            if problems:
                errors[name] = problems
        else:
            errors[name] = [_("This field is not part of the form.")]
    return errors


def _receive(request, *, kind: str):
    partner = partner_for(request)
    if partner is None:
        return _error(401, _("A valid API key is required (Authorization: Bearer <key>)."))
    if request.content_type != "application/json":
        return _error(415, _("Send the submission as JSON (Content-Type: application/json)."))
    try:
        payload = json.loads(request.body)
    except RequestDataTooBig:
        return _error(413, _("The request is too large."))
    except (ValueError, UnicodeDecodeError):
        return _error(400, _("The request body is not valid JSON."))
    except RecursionError:  # nesting deeper than the parser goes; no field nests at all
        return _error(400, _("The request body nests too deeply."))
    if not isinstance(payload, dict):
        return _error(400, _("The request body must be a JSON object."))
    wrong = _type_errors(payload, kind=kind)
    if wrong:
        return _error(400, _("The submission has errors."), wrong)

    checked = SubmissionForms(kind=kind, data=_form_data(payload, kind=kind))
    if not checked.is_valid():
        return _error(400, _("The submission has errors."), checked.errors_json())

    supplied = request.headers.get("Idempotency-Key", "")
    if len(supplied) > 200:
        return _error(400, _("The Idempotency-Key header is too long (200 characters at most)."))
    # Namespaced per partner and hashed to 64 hex digits: web form keys are 32, so neither a
    # partner nor a web client can name another's submission.
    key = hashlib.sha256(f"api:{partner.pk}:{supplied}".encode()).hexdigest() if supplied else None
    language = (
        payload.get("language") if payload.get("language") in dict(settings.LANGUAGES) else "en"
    )
    try:
        receipt = submission_receive(
            data=checked.to_data(language=language, channel=Submission.Channel.API),
            idempotency_key=key,
            on_key_reuse=KeyReuse.REFUSE,
        )
    except IdempotencyConflict as conflict:
        return _error(
            422,
            str(conflict.message),
            {"Idempotency-Key": [_("Already used for different content.")]},
        )
    submission = receipt.submission
    body = {
        "tracking_number": submission.tracking_number,
        "kind": submission.kind,
        "status_url": status_url_for_token(receipt.status_token),
        "received_at": submission.received_at.isoformat(),
    }
    return JsonResponse(body, status=201 if receipt.created else 200)


@csrf_exempt  # authenticated by the partner's key, never by a cookie
@never_cache
@require_POST
def complaints(request):
    return _receive(request, kind=Submission.Kind.COMPLAINT)


@csrf_exempt
@never_cache
@require_POST
def compliments(request):
    return _receive(request, kind=Submission.Kind.COMPLIMENT)
