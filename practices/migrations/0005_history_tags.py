"""Tags in the revision history: a `tags_snapshot` on the historical initiatives and
best practices (django-simple-history does not follow taggit's tags).

Each record's newest history row is filled with its current tags, which it was saved
with; older rows stay null (not recorded), which the admin never shows as a change.
"""

from collections import defaultdict

from django.db import migrations, models
from django.db.models import Max

TAGGED = [
    ("HistoricalInitiative", "TaggedInitiative"),
    ("HistoricalBestPractice", "TaggedPractice"),
]


def newest_rows_tags_fill(apps, schema_editor):
    for history_name, through_name in TAGGED:
        history = apps.get_model("practices", history_name)
        through = apps.get_model("practices", through_name)
        names = defaultdict(list)
        for record_id, name in through.objects.values_list(
            "content_object_id", "tag__name"
        ):
            names[record_id].append(name)
        newest = history.objects.values("id").annotate(newest=Max("history_id"))
        rows = list(
            history.objects.filter(history_id__in=newest.values("newest")).only(
                "history_id", "id"
            )
        )
        for row in rows:
            row.tags_snapshot = ", ".join(sorted(names.get(row.id, [])))
        history.objects.bulk_update(rows, ["tags_snapshot"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0004_performance"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalbestpractice",
            name="tags_snapshot",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The tags as saved.",
                null=True,
                verbose_name="tags",
            ),
        ),
        migrations.AddField(
            model_name="historicalinitiative",
            name="tags_snapshot",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The tags as saved.",
                null=True,
                verbose_name="tags",
            ),
        ),
        migrations.RunPython(newest_rows_tags_fill, migrations.RunPython.noop),
    ]
