"""JSON intake for partner systems (a city's 311, a kiosk app): the same complaint and compliment,
validated by the same forms as the web pages, authenticated by a per-partner key.

    POST /api/v1/complaints     Authorization: Bearer <key>     Idempotency-Key: <any string>

201 with the tracking number and status link when stored, 200 with the same body when the same
Idempotency-Key is sent again, 400/401/413/415 with {"error": ..., "errors": {...}} otherwise."""

import hashlib
import json
import secrets

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .forms import SubmissionForms
from .models import PartnerApiKey, Submission
from .services import submission_receive
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
    """The JSON body as the web form would have posted it: rows become formset fields."""
    data = {k: v for k, v in payload.items() if k not in ("employees", "witnesses", "website")}
    for prefix in ("employees", "witnesses"):
        rows = payload.get(prefix) or []
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            for field, value in row.items():
                data[f"{prefix}-{index}-{field}"] = value
    for name, value in list(data.items()):
        if value is None:
            data[name] = ""
        elif isinstance(value, int | float) and not isinstance(value, bool):
            data[name] = str(value)
    return data


_LISTS = {"categories": str, "employees": dict, "witnesses": dict}


def _wrong_types(payload: dict) -> dict:
    """Fields whose JSON type cannot be what the form expects, e.g. an object for a name."""
    errors = {}
    for name, value in payload.items():
        if name in _LISTS:
            if not isinstance(value, list) or not all(isinstance(v, _LISTS[name]) for v in value):
                errors[name] = [_("Send a list.")]
            elif name != "categories":
                for index, row in enumerate(value):
                    bad = [k for k, v in row.items() if not isinstance(v, str | None)]
                    if bad:
                        errors.setdefault(name, {})[str(index)] = {
                            k: [_("Send text.")] for k in bad
                        }
        elif isinstance(value, list | dict):
            errors[name] = [_("Send a single value, not a list or an object.")]
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
    if not isinstance(payload, dict):
        return _error(400, _("The request body must be a JSON object."))
    wrong = _wrong_types(payload)
    if wrong:
        return _error(400, _("The submission has errors."), wrong)

    forms = SubmissionForms(kind=kind, data=_form_data(payload, kind=kind))
    if not forms.is_valid():
        return _error(400, _("The submission has errors."), forms.errors_json())

    supplied = request.headers.get("Idempotency-Key", "")
    if len(supplied) > 200:
        return _error(400, _("The Idempotency-Key header is too long (200 characters at most)."))
    # Namespaced per partner and hashed to 64 hex digits: web form keys are 32, so neither a
    # partner nor a web client can name another's submission.
    key = hashlib.sha256(f"api:{partner.pk}:{supplied}".encode()).hexdigest() if supplied else None
    language = (
        payload.get("language") if payload.get("language") in dict(settings.LANGUAGES) else "en"
    )
    receipt = submission_receive(
        data=forms.to_data(language=language, channel=Submission.Channel.API),
        idempotency_key=key,
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
