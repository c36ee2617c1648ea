"""Notice, DeliveryEvent and PaperLetter move here from routing; their tables are kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


APP, FROM_APP, MODELS = "notices", "routing", ['notice', 'deliveryevent', 'paperletter']


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
        ('routing', '0004_paper_letters_and_delivery'),
        ('directory', '0001_initial'),
        ('intake', '0002_quarantine_decisions_and_partner_keys'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's picture of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('acknowledgement', 'Acknowledgement to the submitter'), ('queue_alert', 'New submission alert to queue members'), ('complaint_employee', 'Notice of complaint to the employee'), ('complaint_supervisor', 'Notice of complaint to the supervisor'), ('commendation_employee', 'Commendation to the employee'), ('commendation_supervisor', 'Commendation to the supervisor'), ('status_update', 'Status update to the complainant'), ('outcome', 'Outcome to the complainant'), ('message', 'Message to the submitter'), ('commendation_delivered', 'Delivery notice to the citizen'), ('due_reminder', 'Due date reminder to the assignee'), ('overdue_alert', 'Overdue case alert to the commander')], max_length=32)),
                        ('occasion', models.CharField(blank=True, default='', max_length=64)),
                        ('recipient_email', models.EmailField(max_length=254)),
                        ('recipient_name', models.CharField(blank=True, max_length=200)),
                        ('language', models.CharField(default='en', max_length=8)),
                        ('context', models.JSONField(blank=True, default=dict)),
                        ('state', models.CharField(choices=[('queued', 'Queued'), ('sent', 'Sent'), ('delivered', 'Delivered'), ('bounced', 'Bounced'), ('failed', 'Failed')], db_index=True, default='queued', max_length=10)),
                        ('provider_message_id', models.CharField(blank=True, db_index=True, max_length=200)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('last_error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('dispatched_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('delivered_at', models.DateTimeField(blank=True, null=True)),
                        ('bounced_at', models.DateTimeField(blank=True, null=True)),
                        ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('employee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='directory.employee')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='intake.submission')),
                    ],
                    options={
                        'db_table': 'routing_notice',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='DeliveryEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_id', models.CharField(max_length=200, unique=True)),
                        ('event_type', models.CharField(max_length=30)),
                        ('message_id', models.CharField(db_index=True, max_length=200)),
                        ('recipient', models.EmailField(blank=True, max_length=254)),
                        ('description', models.TextField(blank=True)),
                        ('occurred_at', models.DateTimeField()),
                        ('notice', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='notices.notice')),
                    ],
                    options={
                        'db_table': 'routing_deliveryevent',
                        'ordering': ['occurred_at'],
                    },
                ),
                migrations.CreateModel(
                    name='PaperLetter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('address', models.TextField(max_length=500, verbose_name='mailing address')),
                        ('state', models.CharField(choices=[('to_print', 'To print and post'), ('posted', 'Posted')], db_index=True, default='to_print', max_length=10, verbose_name='state')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('posted_at', models.DateTimeField(blank=True, null=True)),
                        ('notice', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='paper_letter', to='notices.notice')),
                        ('posted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='paper_letters', to='intake.submission')),
                    ],
                    options={
                        'verbose_name': 'paper letter',
                        'verbose_name_plural': 'paper letters',
                        'db_table': 'routing_paperletter',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='notice',
                    index=models.Index(fields=['state', 'dispatched_at'], name='routing_not_state_0a504b_idx'),
                ),
                migrations.AddConstraint(
                    model_name='notice',
                    constraint=models.UniqueConstraint(fields=('submission', 'kind', 'recipient_email', 'occasion'), name='one_notice_per_occasion'),
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
