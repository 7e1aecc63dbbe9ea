# A follow-up action records its engagement's site, so that the liaison workspace reads a
# liaison's overdue actions site by site from one index (issue 20).

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def backfill(apps, schema_editor):
    """Each action's site is its engagement's (FollowUpAction.save sets it from now on)."""
    Engagement = apps.get_model("engagements", "Engagement")
    FollowUpAction = apps.get_model("engagements", "FollowUpAction")
    FollowUpAction.objects.update(
        site=Subquery(Engagement.objects.filter(pk=OuterRef("engagement")).values("site")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('engagements', '0007_engagement_site_year_index'),
        ('sites', '0004_site_withdrawn'),
    ]

    operations = [
        migrations.AddField(
            model_name='followupaction',
            name='site',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='sites.site'),
        ),
        migrations.AddField(
            model_name='historicalfollowupaction',
            name='site',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sites.site'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='followupaction',
            name='site',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='sites.site'),
        ),
        migrations.RemoveIndex(
            model_name='followupaction',
            name='followup_open_engagement_idx',
        ),
        migrations.AddIndex(
            model_name='followupaction',
            index=models.Index(condition=Q(('done', False)), fields=['site', 'due_date', 'id'], include=('engagement',), name='followup_open_site_idx'),
        ),
    ]
