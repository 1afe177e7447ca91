"""Indexes for search on PostgreSQL; nothing on other databases.

pg_trgm gives trigram similarity (misspellings). One GIN index per searchable model
over the same weighted search vector that practices/search.py queries with, so
PostgreSQL can use it, and one trigram GIN index on each title. The indexes are not
declared on the models (they are PostgreSQL-only), so the migration state does not
change and `makemigrations --check` stays quiet.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"

# Must match practices.search.SPECS (copied, not imported: a migration stays as
# it was written even when the code moves on).
SEARCHABLE = [
    ("bestpractice", "title", ("recommendation", "discussion")),
    ("initiative", "title", ("summary", "description")),
    ("finding", "title", ("statement", "claimant")),
    ("jurisdiction", "name", ("description",)),
    ("organization", "name", ("description",)),
    ("source", "title", ("authors", "description")),
]


def _indexes(model_name, title, body):
    vector = SearchVector(title, weight="A", config=CONFIG) + SearchVector(
        *body, weight="B", config=CONFIG
    )
    return [
        GinIndex(vector, name=f"{model_name[:12]}_search_gin"),
        GinIndex(
            OpClass(title, name="gin_trgm_ops"), name=f"{model_name[:12]}_trgm_gin"
        ),
    ]


class PostgresSearchIndexes(migrations.operations.base.Operation):
    """Create (or drop) the search indexes when the database is PostgreSQL."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass  # PostgreSQL-only indexes are not part of the model state.

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name, title, body in SEARCHABLE:
            model = to_state.apps.get_model(app_label, model_name)
            for index in _indexes(model_name, title, body):
                schema_editor.add_index(model, index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name, title, body in SEARCHABLE:
            model = from_state.apps.get_model(app_label, model_name)
            for index in _indexes(model_name, title, body):
                schema_editor.remove_index(model, index)

    def describe(self):
        return "Create GIN full-text and trigram indexes on PostgreSQL"


class PostgresTrigramExtension(TrigramExtension):
    # Django's CreateExtension skips other databases going forwards but not
    # backwards (it queries pg_extension), so unapplying failed on SQLite.
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_curators_group")]

    operations = [PostgresTrigramExtension(), PostgresSearchIndexes()]
