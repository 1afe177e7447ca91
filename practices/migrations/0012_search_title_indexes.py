"""Title indexes that bound search ranking at scale (PostgreSQL only).

Search ranks a window of candidates instead of every match (practices.search,
`rank_window`): the records matching in the title, those carrying a matching tag
and the first others, each part found through an index and capped. The title part
needs the title's own vector indexed: a GIN index over the expression Django
compiles `SearchVector(title, config="kb_english")` to, on the three kinds whose
whole vector is stored (0004, 0009), and the same over tag names. Nothing on other databases: SQLite ranks in
its FTS5 tables. See bench/README.md for the plans.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "kb_english"
# Copied from practices.search (a migration stays as written).
STORED = ("bestpractice", "initiative", "finding")


# Tag names are matched for every search: indexed like the titles (taggit's table,
# so by SQL rather than in a model's state).
TAG_INDEX = "taggit_tag_name_search_gin"


def title_index(model_name):
    return GinIndex(
        SearchVector("title", config=CONFIG), name=f"{model_name[:12]}_title_gin"
    )


class PostgresTitleIndexes(migrations.operations.base.Operation):
    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass  # PostgreSQL-only indexes are not part of the model state (as 0004's).

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name in STORED:
            model = to_state.apps.get_model(app_label, model_name)
            schema_editor.add_index(model, title_index(model_name))
        schema_editor.execute(
            f"CREATE INDEX {TAG_INDEX} ON taggit_tag USING gin "
            f"(to_tsvector('{CONFIG}'::regconfig, COALESCE(name, '')))"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name in STORED:
            model = from_state.apps.get_model(app_label, model_name)
            schema_editor.remove_index(model, title_index(model_name))
        schema_editor.execute(f"DROP INDEX {TAG_INDEX}")

    def describe(self):
        return "GIN indexes on the titles' and tag names' vectors, on PostgreSQL"


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0011_pendingchange_revision"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
    ]

    operations = [PostgresTitleIndexes()]
