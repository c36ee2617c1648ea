"""No staff page without both factors, and no staff session that outlives its limits.

Covers every path under /staff/ and /admin/ (the other rooms' staff pages live there too);
only the sign-in, second-factor and enrolment pages are reachable before both factors. A staff
page's statements are planned for their own values (ops/postgresql/planning.py)."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from ops.clients import client_address
from ops.postgresql.planning import planned_for_values

from .signin import SESSION_LOGIN_AT, SESSION_SEEN_AT

logger = logging.getLogger("candor.access")

PROTECTED = ("/staff/", "/admin/")


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(PROTECTED):
            return self.get_response(request)
        open_paths = {
            reverse("staff:login"),
            reverse("staff:logout"),
            reverse("staff:verify"),
            reverse("staff:enrol"),
        }
        if path in open_paths:
            return self.get_response(request)
        if path.startswith("/admin/login/"):
            # The admin signs in through the same two factors as everyone else.
            return redirect(f"{reverse('staff:login')}?{urlencode({'next': '/admin/'})}")
        next_query = urlencode({"next": request.get_full_path()})
        if not request.user.is_authenticated:
            return redirect(f"{reverse('staff:login')}?{next_query}")
        now = int(time.time())
        login_at = request.session.setdefault(SESSION_LOGIN_AT, now)
        seen_at = request.session.get(SESSION_SEEN_AT, now)
        if (
            now - seen_at > settings.CANDOR_STAFF_IDLE_SECONDS
            or now - login_at > settings.CANDOR_STAFF_ABSOLUTE_SECONDS
        ):
            logger.info("session of user %s ended by time-out", request.user.pk)
            logout(request)
            messages.info(request, _("Your session ended. Please sign in again."))
            return redirect(f"{reverse('staff:login')}?{next_query}")
        if not request.user.is_verified():
            logger.info(
                "second factor required for user %s at %s from %s",
                request.user.pk,
                path,
                client_address(request),
            )
            return redirect(f"{reverse('staff:verify')}?{next_query}")
        # The session is written again only when its last-seen time is a thirtieth of the
        # idle limit old (a minute of thirty), not on every page: the page's countdown starts
        # from the time kept, so it never promises more than the server allows.
        idle = settings.CANDOR_STAFF_IDLE_SECONDS
        if now - seen_at >= max(1, idle // 30) or SESSION_SEEN_AT not in request.session:
            request.session[SESSION_SEEN_AT] = seen_at = now
        request.staff_idle_seconds_left = idle - (now - seen_at)
        request.staff_session_seconds_left = settings.CANDOR_STAFF_ABSOLUTE_SECONDS - (
            now - login_at
        )
        # Searches, filters and reports: each statement planned for what was asked.
        with planned_for_values():
            return self.get_response(request)
