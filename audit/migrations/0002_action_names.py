"""One naming style for the trail's actions (`<object>.<verb>[_<what>]`): the codes stored
before it was chosen are rewritten once. The append-only trigger is lifted for this one
statement on PostgreSQL; the events themselves (who, when, what, from where) do not change."""

from django.db import migrations

RENAMED = {
    "case.attachment_view": "case.view_attachment",
    "case.attachment_download": "case.download_attachment",
    "case.audit_export": "case.export_audit",
    "case.findings": "case.record_findings",
    "case.note": "case.add_note",
    "case.allegation_add": "case.add_allegation",
    "case.employee_match": "case.confirm_match",
    "notice.queued": "notice.queue",
    "commendation.viewed": "commendation.view",
    "commendation.employee_confirmed": "commendation.confirm_employee",
    "commendation.notice_resent": "commendation.resend_notice",
    "commendation.citizen_told": "commendation.tell_citizen",
    "commendation.shared": "commendation.share",
    "commendation.unshared": "commendation.unshare",
    "commendation.letter_printed": "commendation.print_letter",
    "letter.viewed": "letter.view",
    "letter.posted": "letter.mark_posted",
    "quarantine_released": "quarantine.release",
    "quarantine_discarded": "quarantine.discard",
}
TRIGGER = "cases_auditevent_append_only"


def _rename(apps, schema_editor, mapping):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE cases_auditevent DISABLE TRIGGER {TRIGGER}")
    for old, new in mapping.items():
        AuditEvent.objects.filter(action=old).update(action=new)
    if postgres:
        schema_editor.execute(f"ALTER TABLE cases_auditevent ENABLE TRIGGER {TRIGGER}")


def forwards(apps, schema_editor):
    _rename(apps, schema_editor, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("cases", "0005_queue_and_audit_move_out")]

    operations = [migrations.RunPython(forwards, backwards)]
