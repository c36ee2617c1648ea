"""Queue moves here from routing; its tables (routing_queue, routing_queue_members) are kept."""

from django.conf import settings
from django.db import migrations, models


APP, FROM_APP, MODELS = "staff", "routing", ['queue']


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
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's picture of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Queue',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                        ('slug', models.SlugField(unique=True)),
                        ('kind', models.CharField(choices=[('bps', 'Professional Standards cases'), ('chief', "Chief's office commendations")], default='bps', max_length=8, verbose_name='kind')),
                        ('confidential', models.BooleanField(default=False, help_text='Cases are visible only to members and the employee is never alerted.', verbose_name='confidential')),
                        ('members', models.ManyToManyField(blank=True, related_name='queues', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'queue',
                        'verbose_name_plural': 'queues',
                        'db_table': 'routing_queue',
                        'ordering': ['name'],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
