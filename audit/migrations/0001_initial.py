"""AuditEvent moves here from cases; its table (cases_auditevent) and its append-only trigger
(cases migration 0003) are kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


APP, FROM_APP, MODELS = "audit", "cases", ['auditevent']


def content_types_follow(apps, schema_editor):
    # Admin history and permissions stay attached to the models they were about.
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=APP, model=model).exists():
            ContentType.objects.filter(app_label=FROM_APP, model=model).update(app_label=APP)


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=APP, model__in=MODELS).update(app_label=FROM_APP)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0004_case_list_order'),
        ('intake', '0002_quarantine_decisions_and_partner_keys'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's picture of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('case.view', 'Viewed the case'), ('case.view_attachment', 'Previewed an attachment'), ('case.download_attachment', 'Downloaded an attachment'), ('case.export_audit', 'Exported the audit trail'), ('case.triage', 'Started triage'), ('case.assign', 'Assigned the case'), ('case.open', 'Opened the investigation'), ('case.record_findings', 'Recorded findings'), ('case.submit_findings', 'Submitted findings'), ('case.return_findings', 'Returned findings'), ('case.approve', 'Approved findings'), ('case.close', 'Closed the case'), ('case.mediate', 'Resolved by mediation'), ('case.refer', 'Referred elsewhere'), ('case.merge', 'Merged as duplicate'), ('case.reopen', 'Reopened the case'), ('case.extend', 'Extended the due date'), ('case.add_note', 'Added an internal note'), ('case.message', 'Wrote to the complainant'), ('case.add_allegation', 'Added an allegation'), ('case.confirm_match', 'Confirmed a roster match'), ('notice.queue', 'Queued a notice'), ('commendation.view', 'Viewed the commendation'), ('commendation.confirm_employee', 'Confirmed the employee'), ('commendation.resend_notice', 'Sent a notice again'), ('commendation.tell_citizen', 'Told the citizen'), ('commendation.share', 'Marked for public sharing'), ('commendation.unshare', 'Withdrew from public sharing'), ('commendation.print_letter', 'Printed the letter'), ('letter.view', 'Viewed a paper letter'), ('letter.mark_posted', 'Marked a paper letter posted'), ('quarantine.release', 'Released from quarantine'), ('quarantine.discard', 'Discarded as spam')], max_length=40)),
                        ('detail', models.JSONField(blank=True, default=dict)),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit', to='cases.case')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='audit', to='intake.submission')),
                    ],
                    options={
                        'db_table': 'cases_auditevent',
                        'ordering': ['at', 'id'],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
