# The change token under which each process keeps the program's year totals
# (engagements/year_totals.py, issue 20), with its one row.

import uuid

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("engagements", "EngagementsToken").objects.create(pk=1, token=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ('engagements', '0008_follow_up_site'),
    ]

    operations = [
        migrations.CreateModel(
            name='EngagementsToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.UUIDField()),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
