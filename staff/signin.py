"""Staff sign-in: password (django-axes counts failures by username and address), then a TOTP
code (django-otp), or enrolment of an authenticator app for a user who has none yet. The
session is renewed at each step, and every outcome is logged."""

import base64
import logging
import re
import time
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ops.clients import client_address

from .lockout import account_failure_record, account_locked_seconds, known_browser_mark

logger = logging.getLogger("candor.access")

SESSION_LOGIN_AT = "staff_login_at"
SESSION_SEEN_AT = "staff_seen_at"


@receiver(user_logged_in)
def _log_login(sender, request, user, **kwargs):
    logger.info("password accepted for user %s from %s", user.pk, client_address(request))


@receiver(user_login_failed)
def _log_failure(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")
    failures = account_failure_record(username=username)
    logger.warning(
        "sign-in failed for %r from %s (%s this hour for the account)",
        username,
        client_address(request),
        failures,
    )


class StaffLoginView(auth_views.LoginView):
    """The first factor. Success leads to the second factor, never straight to a staff page."""

    template_name = "staff/login.html"
    redirect_authenticated_user = False

    def post(self, request, *args, **kwargs):
        username = str(request.POST.get("username", ""))
        wait = account_locked_seconds(request=request, username=username)
        if wait:
            # Refused before the password is checked: the guess teaches nothing.
            logger.warning(
                "sign-in refused for %r from %s: too many failures for the account",
                username,
                client_address(request),
            )
            minutes = max(1, round(wait / 60))
            # What was typed stays (the username; never the password).
            form = self.form_class(request, initial={"username": username})
            context = self.get_context_data(form=form)
            context["refusal"] = ngettext(
                "There have been too many failed attempts to sign in to this account. Try "
                "again in %(minutes)d minute, or from a browser you have signed in with before.",
                "There have been too many failed attempts to sign in to this account. Try "
                "again in %(minutes)d minutes, or from a browser you have signed in with before.",
                minutes,
            ) % {"minutes": minutes}
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)  # django.contrib.auth.login renews the session key
        now = int(time.time())
        self.request.session[SESSION_LOGIN_AT] = now
        self.request.session[SESSION_SEEN_AT] = now
        return response

    def get_success_url(self):
        return _with_next(reverse("staff:verify"), self.get_redirect_url())


RECOVERY_CODES = 10
_RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")  # django-otp's StaticToken.random_token()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split()).replace("-", "").lower()
        if not (token.isdigit() or _RECOVERY_CODE.match(token)):
            raise forms.ValidationError(
                _("The code is the six digits your app shows, or one of your recovery codes.")
            )
        return token


def recovery_codes_issue(*, user) -> list[str]:
    """New recovery codes for the user's second factor, replacing any earlier ones: each works
    once in place of an authenticator code. They are returned to be shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=str(_("Recovery codes")), confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    logger.info("recovery codes issued for user %s", user.pk)
    return codes


@never_cache
def verify(request):
    """The second factor: a code from the user's confirmed authenticator device."""
    if not request.user.is_authenticated:
        return redirect("staff:login")
    if not list(devices_for_user(request.user, confirmed=True)):
        return redirect(_with_next(reverse("staff:enrol"), request.GET.get("next")))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            _second_factor_done(request, device)
            response = HttpResponseRedirect(_safe_next(request))
            known_browser_mark(response, username=request.user.get_username())
            return response
        logger.warning(
            "second factor refused for user %s from %s",
            request.user.pk,
            client_address(request),
        )
        form.add_error(
            "token",
            _("That code was not accepted. Wait for a new code in your app and try again."),
        )
    return render(request, "staff/verify.html", {"form": form, "next": _safe_next(request)})


@never_cache
def enrol(request):
    """Set up an authenticator app for a user who has none: scan, type a code, done."""
    if not request.user.is_authenticated:
        return redirect("staff:login")
    if list(devices_for_user(request.user, confirmed=True)):
        return redirect(_with_next(reverse("staff:verify"), request.GET.get("next")))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=str(_("Authenticator app")), confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            logger.info("authenticator enrolled for user %s", request.user.pk)
            _second_factor_done(request, device)
            codes = recovery_codes_issue(user=request.user)
            # Shown in this answer only, never again: the page is not cached and not stored.
            response = render(
                request,
                "staff/recovery_codes.html",
                {"codes": [f"{c[:4]}-{c[4:]}" for c in codes], "next": _safe_next(request)},
            )
            known_browser_mark(response, username=request.user.get_username())
            return response
        form.add_error("token", _("That code was not accepted. Scan the code again and retry."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return render(
        request,
        "staff/enrol.html",
        {
            "form": form,
            "qr_data_uri": "data:image/svg+xml;base64,"
            + base64.b64encode(buffer.getvalue()).decode(),
            "secret": base64.b32encode(device.bin_key).decode(),
            "next": _safe_next(request),
        },
    )


@never_cache
@require_POST
def keep_alive(request):
    """The idle warning's "stay signed in": it renews the idle clock at once (other pages do
    once a thirtieth of it has passed, see staff.middleware) and answers with the seconds left."""
    request.session[SESSION_SEEN_AT] = int(time.time())
    return JsonResponse({"idle_seconds_left": settings.CANDOR_STAFF_IDLE_SECONDS})


def _second_factor_done(request, device) -> None:
    otp_login(request, device)
    request.session.cycle_key()
    now = int(time.time())
    request.session.setdefault(SESSION_LOGIN_AT, now)
    request.session[SESSION_SEEN_AT] = now
    logger.info(
        "second factor accepted for user %s from %s", request.user.pk, client_address(request)
    )


def _with_next(url: str, next_url: str | None) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("workspace:home")
