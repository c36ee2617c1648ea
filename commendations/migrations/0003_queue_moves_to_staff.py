"""Queue now belongs to staff: state only, no table changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commendations', '0002_employee_and_closing_the_loop'),
        ('staff', '0001_initial'),
    ]

    operations = [
        # The tables stay where they are: only Django's picture of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='commendation',
                    name='queue',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commendations', to='staff.queue'),
                ),
            ],
        ),
    ]
