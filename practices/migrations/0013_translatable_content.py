"""Translatable content (issue 14): French and Spanish columns beside each
translated field (practices/translation.py) and in the histories; the English
column of each is filled from the original, which stays as it was."""

import operator
from functools import reduce

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import migrations, models
from django.db.models import F
from django.db.models.expressions import CombinedExpression

# table: the translated columns (practices.translation.TRANSLATED_FIELDS, copied:
# a migration stays as written).
TRANSLATED = {
    "bestpractice": ("title", "recommendation", "discussion"),
    "initiative": ("title", "summary", "description"),
    "finding": ("title", "statement"),
    "quotation": ("context",),
    "jurisdiction": ("description",),
    "organization": ("description",),
    "source": ("description",),
}


# PostgreSQL: the search of a French or Spanish page (practices.search, copied: a
# migration stays as written). Per model: (title column, what searches as strongly
# as the title in 0009's expression vectors, body columns, stored vector?).
SEARCHABLE = {
    "bestpractice": ("title", (), ("recommendation", "discussion"), True),
    "initiative": ("title", (), ("summary", "description"), True),
    "finding": ("title", (), ("statement", "claimant"), True),
    "jurisdiction": ("name", ("alternate_names",), ("description",), False),
    "organization": ("name", (), ("description",), False),
    "source": ("title", (), ("authors", "description"), False),
}
ENGLISH = "kb_english"
CONFIGS = {"fr": ("kb_french", "french"), "es": ("kb_spanish", "spanish")}


def _search_index(model_name, language):
    """The GIN index of the vector a `language` page searches: the English one
    (stored, or 0009's expression) joined with that of the translations."""
    title, strong, body, stored = SEARCHABLE[model_name]
    config = CONFIGS[language][0]
    if stored:
        english = F("search_vector")
    else:
        english = SearchVector(title, *strong, weight="A", config=ENGLISH) + (
            SearchVector(*body, weight="C", config=ENGLISH)
        )
    translated = TRANSLATED[model_name]

    def columns(names):
        return [f"{name}_{language}" for name in names if name in translated]

    parts = [
        SearchVector(*names, weight=weight, config=config)
        for names, weight in ((columns([title]), "A"), (columns(body), "C"))
        if names
    ]
    vector = CombinedExpression(
        english, "||", reduce(operator.add, parts), output_field=SearchVectorField()
    )
    return GinIndex(vector, name=f"{model_name[:12]}_search_{language}")


class LanguageSearch(migrations.operations.base.Operation):
    """PostgreSQL: kb_french and kb_spanish (unaccent, then the language's
    stemmer, like 0009's kb_english) and the indexes of what their pages search."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass  # Configurations and expression indexes are not model state.

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        run = schema_editor.execute
        run("CREATE EXTENSION IF NOT EXISTS unaccent")
        for config, builtin in CONFIGS.values():
            run(f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = {builtin})")
            run(
                f"ALTER TEXT SEARCH CONFIGURATION {config} ALTER MAPPING FOR "
                f"hword, hword_part, word WITH unaccent, {builtin}_stem"
            )
        for model_name in SEARCHABLE:
            model = to_state.apps.get_model(app_label, model_name)
            for language in CONFIGS:
                schema_editor.add_index(model, _search_index(model_name, language))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name in SEARCHABLE:
            model = from_state.apps.get_model(app_label, model_name)
            for language in CONFIGS:
                schema_editor.remove_index(model, _search_index(model_name, language))
        for config, _ in CONFIGS.values():
            schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION {config}")

    def describe(self):
        return "French and Spanish text search configurations and indexes"


def _copy_originals_sql():
    """The English column of each translated field, filled from the original, in the
    live rows and every history row (old versions read in English)."""
    statements = []
    for name, fields in TRANSLATED.items():
        for table in (f"practices_{name}", f"practices_historical{name}"):
            assignments = ", ".join(f"{field}_en = {field}" for field in fields)
            statements.append(f"UPDATE {table} SET {assignments}")
    return statements


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0012_search_title_indexes"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
    ]

    operations = [
        migrations.AddField(
            model_name="bestpractice",
            name="discussion_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="bestpractice",
            name="discussion_es",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="bestpractice",
            name="discussion_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="bestpractice",
            name="recommendation_en",
            field=models.TextField(
                help_text="The recommendation in the source's own words.", null=True
            ),
        ),
        migrations.AddField(
            model_name="bestpractice",
            name="recommendation_es",
            field=models.TextField(
                help_text="The recommendation in the source's own words.", null=True
            ),
        ),
        migrations.AddField(
            model_name="bestpractice",
            name="recommendation_fr",
            field=models.TextField(
                help_text="The recommendation in the source's own words.", null=True
            ),
        ),
        migrations.AddField(
            model_name="bestpractice",
            name="title_en",
            field=models.CharField(
                help_text="A short label for lists.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="bestpractice",
            name="title_es",
            field=models.CharField(
                help_text="A short label for lists.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="bestpractice",
            name="title_fr",
            field=models.CharField(
                help_text="A short label for lists.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="statement_en",
            field=models.TextField(
                help_text="What the source reports, close to its words; numbers "
                "exactly as written.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="statement_es",
            field=models.TextField(
                help_text="What the source reports, close to its words; numbers "
                "exactly as written.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="statement_fr",
            field=models.TextField(
                help_text="What the source reports, close to its words; numbers "
                "exactly as written.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="title_en",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="finding",
            name="title_es",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="finding",
            name="title_fr",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="historicalbestpractice",
            name="discussion_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalbestpractice",
            name="discussion_es",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalbestpractice",
            name="discussion_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalbestpractice",
            name="recommendation_en",
            field=models.TextField(
                help_text="The recommendation in the source's own words.", null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalbestpractice",
            name="recommendation_es",
            field=models.TextField(
                help_text="The recommendation in the source's own words.", null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalbestpractice",
            name="recommendation_fr",
            field=models.TextField(
                help_text="The recommendation in the source's own words.", null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalbestpractice",
            name="title_en",
            field=models.CharField(
                help_text="A short label for lists.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalbestpractice",
            name="title_es",
            field=models.CharField(
                help_text="A short label for lists.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalbestpractice",
            name="title_fr",
            field=models.CharField(
                help_text="A short label for lists.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="statement_en",
            field=models.TextField(
                help_text="What the source reports, close to its words; numbers "
                "exactly as written.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="statement_es",
            field=models.TextField(
                help_text="What the source reports, close to its words; numbers "
                "exactly as written.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="statement_fr",
            field=models.TextField(
                help_text="What the source reports, close to its words; numbers "
                "exactly as written.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="title_en",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="title_es",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="title_fr",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="historicalinitiative",
            name="description_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalinitiative",
            name="description_es",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalinitiative",
            name="description_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalinitiative",
            name="summary_en",
            field=models.CharField(
                help_text="One sentence, attributed.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalinitiative",
            name="summary_es",
            field=models.CharField(
                help_text="One sentence, attributed.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalinitiative",
            name="summary_fr",
            field=models.CharField(
                help_text="One sentence, attributed.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalinitiative",
            name="title_en",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="historicalinitiative",
            name="title_es",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="historicalinitiative",
            name="title_fr",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="historicaljurisdiction",
            name="description_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicaljurisdiction",
            name="description_es",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicaljurisdiction",
            name="description_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalorganization",
            name="description_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalorganization",
            name="description_es",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalorganization",
            name="description_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalquotation",
            name="context_en",
            field=models.TextField(
                blank=True,
                help_text="How the source introduces the quotation.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalquotation",
            name="context_es",
            field=models.TextField(
                blank=True,
                help_text="How the source introduces the quotation.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalquotation",
            name="context_fr",
            field=models.TextField(
                blank=True,
                help_text="How the source introduces the quotation.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="description_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="description_es",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="description_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="initiative",
            name="description_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="initiative",
            name="description_es",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="initiative",
            name="description_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="initiative",
            name="summary_en",
            field=models.CharField(
                help_text="One sentence, attributed.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="summary_es",
            field=models.CharField(
                help_text="One sentence, attributed.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="summary_fr",
            field=models.CharField(
                help_text="One sentence, attributed.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="title_en",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="initiative",
            name="title_es",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="initiative",
            name="title_fr",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="jurisdiction",
            name="description_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="jurisdiction",
            name="description_es",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="jurisdiction",
            name="description_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="organization",
            name="description_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="organization",
            name="description_es",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="organization",
            name="description_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="quotation",
            name="context_en",
            field=models.TextField(
                blank=True,
                help_text="How the source introduces the quotation.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="quotation",
            name="context_es",
            field=models.TextField(
                blank=True,
                help_text="How the source introduces the quotation.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="quotation",
            name="context_fr",
            field=models.TextField(
                blank=True,
                help_text="How the source introduces the quotation.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="description_en",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="source",
            name="description_es",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddField(
            model_name="source",
            name="description_fr",
            field=models.TextField(blank=True, help_text="Markdown.", null=True),
        ),
        migrations.AddIndex(
            model_name="bestpractice",
            index=models.Index(
                fields=["status", "title_en"], name="practice_pub_title-en"
            ),
        ),
        migrations.AddIndex(
            model_name="bestpractice",
            index=models.Index(
                fields=["status", "title_fr"], name="practice_pub_title-fr"
            ),
        ),
        migrations.AddIndex(
            model_name="bestpractice",
            index=models.Index(
                fields=["status", "title_es"], name="practice_pub_title-es"
            ),
        ),
        migrations.RunSQL(_copy_originals_sql(), migrations.RunSQL.noop),
        LanguageSearch(),
    ]
