# The change token under which each process keeps the Outcomes page's program
# (outcomes/program_token.py, issue 20), with its one row.

import uuid

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("outcomes", "OutcomesToken").objects.create(pk=1, token=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ('outcomes', '0002_role_groups'),
    ]

    operations = [
        migrations.CreateModel(
            name='OutcomesToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.UUIDField()),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
