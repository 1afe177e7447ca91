"""A stored search vector on sources (PostgreSQL), as best practices, initiatives
and findings have (0004, 0009): ranking the 600 sources "forced labour" matches at
100,000 practices recomputed each one's vector from its text, 4 ms of every search
(bench/README.md, "Search's compiled queries").

- `Source.search_vector`, filled by a trigger with what 0009's expression index
  covered: the title (A), the authors and description (C), in kb_english.
- A GIN index on it (replacing 0009's expression index, under the same name) and
  on the title's own vector (the title part of search's ranking window, as 0012
  for the other stored kinds); 0013's French and Spanish indexes rebuilt over the
  stored column.

Nothing on SQLite but the column, left empty: sources are searched in their FTS5
table there (0009). Must match practices.search (copied, not imported).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import migrations
from django.db.models import F
from django.db.models.expressions import CombinedExpression

CONFIG = "kb_english"
TABLE = "practices_source"
LANGUAGES = {"fr": "kb_french", "es": "kb_spanish"}


def _vector_sql(row):
    """What SearchVector("title", weight="A") + SearchVector("authors",
    "description", weight="C") compute, over the columns of `row` (NEW in the
    trigger, the table in the backfill)."""
    return (
        f"setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE({row}title, '')), "
        f"'A') || setweight(to_tsvector('{CONFIG}'::regconfig, "
        f"COALESCE({row}authors, '') || ' ' || COALESCE({row}description, '')), 'C')"
    )


def _expression_vector():
    return SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "authors", "description", weight="C", config=CONFIG
    )


def _language_index(language, stored):
    english = F("search_vector") if stored else _expression_vector()
    translated = SearchVector(
        f"description_{language}", weight="C", config=LANGUAGES[language]
    )
    vector = CombinedExpression(
        english, "||", translated, output_field=SearchVectorField()
    )
    return GinIndex(vector, name=f"source_search_{language}")


def _search_index(stored):
    if stored:
        return GinIndex(fields=["search_vector"], name="source_search_gin")
    return GinIndex(_expression_vector(), name="source_search_gin")


TITLE_INDEX = GinIndex(SearchVector("title", config=CONFIG), name="source_title_gin")


class PostgresSourceVector(migrations.operations.base.Operation):
    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass  # Triggers and PostgreSQL-only indexes are not part of the model state.

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, "source")
        run = schema_editor.execute
        run(
            f"CREATE FUNCTION {TABLE}_search_vector() RETURNS trigger AS $$ "
            f"BEGIN NEW.search_vector := {_vector_sql('NEW.')}; "
            "RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        run(
            f"CREATE TRIGGER {TABLE}_search_vector BEFORE INSERT OR UPDATE "
            f"ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_vector()"
        )
        run(f"UPDATE {TABLE} SET search_vector = {_vector_sql('')}")
        for language in LANGUAGES:
            schema_editor.remove_index(model, _language_index(language, False))
            schema_editor.add_index(model, _language_index(language, True))
        schema_editor.remove_index(model, _search_index(False))
        schema_editor.add_index(model, _search_index(True))
        schema_editor.add_index(model, TITLE_INDEX)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = from_state.apps.get_model(app_label, "source")
        schema_editor.remove_index(model, TITLE_INDEX)
        schema_editor.remove_index(model, _search_index(True))
        schema_editor.add_index(model, _search_index(False))
        for language in LANGUAGES:
            schema_editor.remove_index(model, _language_index(language, True))
            schema_editor.add_index(model, _language_index(language, False))
        schema_editor.execute(f"DROP TRIGGER {TABLE}_search_vector ON {TABLE}")
        schema_editor.execute(f"DROP FUNCTION {TABLE}_search_vector()")

    def describe(self):
        return "Stored search vector of sources, its trigger and indexes, on PostgreSQL"


class Migration(migrations.Migration):
    dependencies = [("practices", "0015_practice_place_index")]

    operations = [
        migrations.AddField(
            model_name="source",
            name="search_vector",
            field=SearchVectorField(editable=False, null=True, serialize=False),
        ),
        PostgresSourceVector(),
    ]
