# Attaches notifications.view_mail_log to the Program admin group (accounts/roles.py).

from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
