"""Notices moved to notices/ and Queue to staff/: routing lets go of them in Django's state only;
the tables stay and now belong to those apps."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('routing', '0004_paper_letters_and_delivery'),
        ('cases', '0005_queue_and_audit_move_out'),
        ('commendations', '0003_queue_moves_to_staff'),
        ('notices', '0001_initial'),
        ('staff', '0001_initial'),
    ]

    operations = [
        # The tables stay where they are: only Django's picture of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='notice',
                    name='employee',
                ),
                migrations.RemoveField(
                    model_name='notice',
                    name='submission',
                ),
                migrations.RemoveField(
                    model_name='paperletter',
                    name='notice',
                ),
                migrations.RemoveField(
                    model_name='paperletter',
                    name='posted_by',
                ),
                migrations.RemoveField(
                    model_name='paperletter',
                    name='submission',
                ),
                migrations.RemoveField(
                    model_name='queue',
                    name='members',
                ),
                migrations.AlterField(
                    model_name='routingrule',
                    name='queue',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rules', to='staff.queue', verbose_name='queue'),
                ),
                migrations.DeleteModel(
                    name='DeliveryEvent',
                ),
                migrations.DeleteModel(
                    name='Notice',
                ),
                migrations.DeleteModel(
                    name='PaperLetter',
                ),
                migrations.DeleteModel(
                    name='Queue',
                ),
            ],
        ),
    ]
