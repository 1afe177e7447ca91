"""Indexes and a stored search vector for the public pages at 100,000 practices.

- `search_vector` on best practices, initiatives and findings: the weighted vector
  that practices/search.py ranks by, stored so ranking reads it instead of
  recomputing it for every match. On PostgreSQL a BEFORE INSERT OR UPDATE trigger
  computes it from the same columns and weights as 0003's expression, whatever
  writes the row (the ORM, bulk_create, loaddata, raw SQL). The expression GIN index
  of 0003 on these three tables is replaced by a GIN index on the column, under the
  same name. Other databases get the (unused, empty) column only.
- An index on the jurisdiction's name (the practice list's default order begins
  with it: PostgreSQL walks jurisdictions by name and sorts each one's few
  practices), one on (status, title) for practices, and a unique (tag, record) pair
  on both tag link tables, which lets facet counts drop COUNT(DISTINCT).
See bench/README.md for the EXPLAIN plans.
"""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

CONFIG = "english"

# Must match practices.search.SPECS and 0003 (copied: a migration stays as written).
STORED = [
    ("bestpractice", "title", ("recommendation", "discussion")),
    ("initiative", "title", ("summary", "description")),
    ("finding", "title", ("statement", "claimant")),
]


def _expression_index(model_name, title, body):
    """0003's index over the computed vector (restored when going backwards)."""
    vector = SearchVector(title, weight="A", config=CONFIG) + SearchVector(
        *body, weight="B", config=CONFIG
    )
    return GinIndex(vector, name=f"{model_name[:12]}_search_gin")


def _column_index(model_name):
    return GinIndex(fields=["search_vector"], name=f"{model_name[:12]}_search_gin")


def _vector_sql(title, body, row):
    """The SQL Django compiles SearchVector(title, A) + SearchVector(*body, B) to,
    over the columns of `row` (NEW in the trigger, the table in the backfill)."""
    joined = " || ' ' || ".join(f"COALESCE({row}{col}, '')" for col in body)
    return (
        f"setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE({row}{title}, '')), "
        f"'A') || setweight(to_tsvector('{CONFIG}'::regconfig, {joined}), 'B')"
    )


class PostgresStoredSearchVectors(migrations.operations.base.Operation):
    """Trigger, backfill and column GIN index on PostgreSQL; nothing elsewhere."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass  # Triggers and PostgreSQL-only indexes are not part of the model state.

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name, title, body in STORED:
            model = to_state.apps.get_model(app_label, model_name)
            table = model._meta.db_table
            schema_editor.execute(
                f"CREATE FUNCTION {table}_search_vector() RETURNS trigger AS $$ "
                f"BEGIN NEW.search_vector := {_vector_sql(title, body, 'NEW.')}; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_search_vector()"
            )
            schema_editor.execute(
                f"UPDATE {table} SET search_vector = {_vector_sql(title, body, '')}"
            )
            schema_editor.remove_index(
                model, _expression_index(model_name, title, body)
            )
            schema_editor.add_index(model, _column_index(model_name))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name, title, body in STORED:
            model = from_state.apps.get_model(app_label, model_name)
            table = model._meta.db_table
            schema_editor.remove_index(model, _column_index(model_name))
            schema_editor.add_index(model, _expression_index(model_name, title, body))
            schema_editor.execute(f"DROP TRIGGER {table}_search_vector ON {table}")
            schema_editor.execute(f"DROP FUNCTION {table}_search_vector()")

    def describe(self):
        return "Stored search vectors kept by triggers, with GIN indexes, on PostgreSQL"


def _search_vector():
    return django.contrib.postgres.search.SearchVectorField(
        editable=False, null=True, serialize=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0003_search_indexes"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
    ]

    operations = [
        migrations.AddField("bestpractice", "search_vector", _search_vector()),
        migrations.AddField("finding", "search_vector", _search_vector()),
        migrations.AddField("initiative", "search_vector", _search_vector()),
        migrations.AddIndex(
            model_name="bestpractice",
            index=models.Index(fields=["status", "title"], name="practice_pub_title"),
        ),
        migrations.AddIndex(
            model_name="jurisdiction",
            index=models.Index(fields=["name"], name="jurisdiction_name"),
        ),
        migrations.AddConstraint(
            model_name="taggedinitiative",
            constraint=models.UniqueConstraint(
                fields=("tag", "content_object"), name="taggedinitiative_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="taggedpractice",
            constraint=models.UniqueConstraint(
                fields=("tag", "content_object"), name="taggedpractice_unique"
            ),
        ),
        PostgresStoredSearchVectors(),
    ]
