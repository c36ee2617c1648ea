from django.contrib import admin
from django.urls import include, path

from ops import health
from ops import views as ops_views

urlpatterns = [
    # The public pages first: every one of their requests resolves without trying the staff
    # pages' patterns (no pattern of theirs is one of another room's).
    path("", include("intake.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("workspace.urls")),
    path("staff/", include("staff.urls")),
    path("staff/audit/", include("audit.urls")),
    path("staff/commendations/", include("commendations.urls")),
    path("staff/reports/", include("reports.urls")),
    path("staff/intervention/", include("intervention.urls")),
    path("staff/retention/", include("retention.urls")),
    path("transparency/", include("reports.public_urls")),
    path("", include("notices.urls")),
    path("staff/", include("cases.urls")),
    path("admin/", admin.site.urls),
    path("dev/mailbox/", ops_views.mailbox, name="dev-mailbox"),
    path("dev/mailbox/<int:pk>/", ops_views.mailbox_message, name="dev-mailbox-message"),
]

# Needs no database: see ops/errors.py.
handler500 = "ops.errors.server_error"
