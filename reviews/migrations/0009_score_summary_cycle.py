# The slate's ranking read from an index of each cycle's scored SOIs (issue 20).

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    """Each summary's cycle is its SOI's (reviews.scores records it from now on)."""
    Application = apps.get_model("applications", "Application")
    ScoreSummary = apps.get_model("reviews", "ScoreSummary")
    ScoreSummary.objects.update(
        cycle=Subquery(Application.objects.filter(pk=OuterRef("application")).values("cycle")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0010_filed_queue_order_index'),
        ('reviews', '0008_reviewer_scope_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='scoresummary',
            name='cycle',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='applications.cycle'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='scoresummary',
            name='cycle',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='applications.cycle'),
        ),
        migrations.AddIndex(
            model_name='scoresummary',
            index=models.Index(condition=models.Q(('average__isnull', False)), fields=['cycle', '-average', 'application'], name='scoresummary_ranked_idx'),
        ),
    ]
