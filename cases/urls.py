from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.queues, name="queues"),
    path("queues/<slug:slug>/", views.queue_detail, name="queue"),
    path("cases/", views.cases_list, name="list"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/findings/", views.case_findings, name="findings"),
    path("cases/<int:pk>/allegations/", views.case_allegation_add, name="allegation-add"),
    path("cases/<int:pk>/employees/", views.case_employee_match, name="employee-match"),
    path("cases/<int:pk>/extend/", views.case_extend, name="extend"),
    path("cases/<int:pk>/notes/", views.case_note, name="note"),
    path("cases/<int:pk>/messages/", views.case_message, name="message"),
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
    # One address per workflow step, so each can be named and walked by the access test.
    *[
        path(f"cases/<int:pk>/{name}/", views.case_transition, {"action": name}, name=name)
        for name in (
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
    ],
]
