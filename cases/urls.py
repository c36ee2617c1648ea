from django.urls import path

from . import views

app_name = "cases"

# The case page's changes (cases.views.CHANGES) and the address each is posted to.
CHANGE_ROUTES = {
    "findings": "findings",
    "allegation-add": "allegations",
    "employee-match": "employees",
    "extend": "extend",
    "note": "notes",
    "message": "messages",
    "notice-send-again": "notices/send-again",
    **{
        step: step
        for step in (
            "triage",
            "assign",
            "open",
            "submit_findings",
            "return_findings",
            "approve",
            "close",
            "mediate",
            "refer",
            "merge",
            "reopen",
        )
    },
}
urlpatterns = [
    path("queues/", views.queues, name="queues"),
    path("queues/<slug:slug>/", views.queue_detail, name="queue"),
    path("cases/", views.cases_list, name="list"),
    path("cases/export.csv", views.cases_export, name="list-export"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/print/", views.case_print, name="print"),
    path(
        "cases/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "cases/<int:pk>/attachments/<int:attachment_pk>/as-received/",
        views.attachment_download,
        {"as_received": True},
        name="attachment_as_received",
    ),
    path("cases/<int:pk>/audit.csv", views.audit_export, name="audit-export"),
    path("intake/", views.staff_complaint, name="staff-complaint"),
    # One address per change, so each can be named and walked by the access test; one view.
    *[
        path(f"cases/<int:pk>/{segment}/", views.case_change, {"change": name}, name=name)
        for name, segment in CHANGE_ROUTES.items()
    ],
]
