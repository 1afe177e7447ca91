"""One search quality on both databases: accents ignored, word forms matched, tags
and place names searched (issue 18).

- `Jurisdiction.alternate_names` (Gothenburg for Göteborg).
- PostgreSQL: the `unaccent` extension and a text search configuration `kb_english`
  (unaccent, then English stemming). The stored vectors of best practices,
  initiatives and findings (0004's triggers) now also hold the record's tag names
  (weight A, like the title) and the names and alternate names of its jurisdiction
  and of the places above it (B); the body drops to C. 0003's expression indexes on
  jurisdictions (now with their alternate names at A), organizations and sources
  are rebuilt over the new configuration.
- SQLite: one FTS5 table per searchable model (`<table>_fts`, rowid = the record's
  id, columns title, tags, places, body) tokenized by the porter stemmer over
  unicode61 without diacritics. It holds published records only, so the "did you
  mean" vocabulary (an fts5vocab table over each) never offers a draft's word.
- On both, triggers on the tag link tables, on tags and on jurisdictions touch the
  records whose tags or places changed, which recomputes their vector (PostgreSQL,
  0004's BEFORE UPDATE trigger) or their FTS row (SQLite, the AFTER UPDATE trigger
  here), whatever writes the rows (the ORM, loaddata, raw SQL).

Also `snapshot` on the history rows of best practices, initiatives and findings
(issue 18, part 5): the tags, sources, figures and links each version showed.

Must match practices.search (copied, not imported: a migration stays as written).
A later migration that rebuilds one of these tables on SQLite (Django does that for
most field changes) drops its triggers: tests/test_search_relevance.py then fails.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

CONFIG = "kb_english"
OLD_CONFIG = "english"
TOKENIZE = "porter unicode61 remove_diacritics 2"

# model: (title column, what searches as strongly as the title: a tag link table,
# a column or None, whether it has a jurisdiction, body columns)
SEARCHABLE = {
    "bestpractice": ("title", "taggedpractice", True, ("recommendation", "discussion")),
    "initiative": ("title", "taggedinitiative", True, ("summary", "description")),
    "finding": ("title", None, True, ("statement", "claimant")),
    "jurisdiction": ("name", "alternate_names", False, ("description",)),
    "organization": ("name", None, False, ("description",)),
    "source": ("title", None, False, ("authors", "description")),
}
STORED = ("bestpractice", "initiative", "finding")  # 0004's stored vectors
EXPRESSION = ("jurisdiction", "organization", "source")  # 0003's expression indexes


def _table(name):
    return f"practices_{name}"


def _agg(expression, vendor):
    if vendor == "postgresql":
        return f"string_agg({expression}, ' ')"
    return f"group_concat({expression}, ' ')"


def _title_sql(model_name, row):
    return f"COALESCE({row}{SEARCHABLE[model_name][0]}, '')"


def _tags_sql(model_name, row, vendor):
    strong = SEARCHABLE[model_name][1]
    if strong is None:
        return "''"
    if not strong.startswith("tagged"):
        return f"COALESCE({row}{strong}, '')"
    return (
        f"COALESCE((SELECT {_agg('t.name', vendor)} FROM {_table(strong)} AS l "
        f"JOIN taggit_tag AS t ON t.id = l.tag_id "
        f"WHERE l.content_object_id = {row}id), '')"
    )


def _is_within(path, ancestor):
    # A prefix test written without LIKE (no % to escape for either driver).
    return f"substr({path}, 1, length({ancestor})) = {ancestor}"


def _places_sql(model_name, row, vendor):
    """The names and alternate names of the record's jurisdiction and of every place
    above it (a Göteborg record is found under Sweden too)."""
    if not SEARCHABLE[model_name][2]:
        return "''"
    own_path = (
        f"(SELECT path FROM practices_jurisdiction WHERE id = {row}jurisdiction_id)"
    )
    names = _agg("j.name || ' ' || j.alternate_names", vendor)
    return (
        f"COALESCE((SELECT {names} FROM practices_jurisdiction AS j "
        f"WHERE j.path <> '' AND {_is_within(own_path, 'j.path')}), '')"
    )


def _body_sql(model_name, row):
    return " || ' ' || ".join(
        f"COALESCE({row}{col}, '')" for col in SEARCHABLE[model_name][3]
    )


def _postgres_vector(model_name):
    def part(sql, weight):
        return f"setweight(to_tsvector('{CONFIG}'::regconfig, {sql}), '{weight}')"

    return " || ".join(
        [
            part(_title_sql(model_name, "NEW."), "A"),
            part(_tags_sql(model_name, "NEW.", "postgresql"), "A"),
            part(_places_sql(model_name, "NEW.", "postgresql"), "B"),
            part(_body_sql(model_name, "NEW."), "C"),
        ]
    )


def _old_postgres_vector(model_name):
    """0004's vector (restored going backwards)."""
    return (
        f"setweight(to_tsvector('{OLD_CONFIG}'::regconfig, "
        f"{_title_sql(model_name, 'NEW.')}), 'A') || "
        f"setweight(to_tsvector('{OLD_CONFIG}'::regconfig, "
        f"{_body_sql(model_name, 'NEW.')}), 'B')"
    )


def _expression_index(model_name, new):
    title, strong, _, body = SEARCHABLE[model_name]
    config = CONFIG if new else OLD_CONFIG
    titles = (title, strong) if new and strong else (title,)
    vector = SearchVector(*titles, weight="A", config=config) + SearchVector(
        *body, weight="C" if new else "B", config=config
    )
    return GinIndex(vector, name=f"{model_name[:12]}_search_gin")


def _touch(model_name, where):
    """Rewrite rows unchanged, which runs their search triggers."""
    return f"UPDATE {_table(model_name)} SET status = status WHERE {where}"


def _dependent_triggers():
    """(name, table, event, statements): touch the records whose tags or places
    changed."""
    triggers = []
    for model_name in STORED:
        link = SEARCHABLE[model_name][1]
        if not link:
            continue
        added = _touch(model_name, "id = NEW.content_object_id")
        removed = _touch(model_name, "id = OLD.content_object_id")
        triggers += [
            (f"{_table(link)}_search_ins", _table(link), "INSERT", [added]),
            (f"{_table(link)}_search_del", _table(link), "DELETE", [removed]),
            (f"{_table(link)}_search_upd", _table(link), "UPDATE", [removed, added]),
        ]
    subtree = (
        "jurisdiction_id IN (SELECT id FROM practices_jurisdiction WHERE id = NEW.id "
        f"OR (NEW.path <> '' AND {_is_within('path', 'NEW.path')}))"
    )
    triggers.append(
        (
            "practices_jurisdiction_places_search",
            "practices_jurisdiction",
            "UPDATE OF name, alternate_names, path",
            [_touch(model_name, subtree) for model_name in STORED],
        )
    )
    renamed = [
        _touch(
            model_name,
            f"id IN (SELECT content_object_id FROM {_table(SEARCHABLE[model_name][1])} "
            "WHERE tag_id = NEW.id)",
        )
        for model_name in STORED
        if SEARCHABLE[model_name][1]
    ]
    triggers.append(("taggit_tag_search", "taggit_tag", "UPDATE OF name", renamed))
    return triggers


def _fts_row_sql(model_name, row):
    return ", ".join(
        [
            f"{row}id",
            _title_sql(model_name, row),
            _tags_sql(model_name, row, "sqlite"),
            _places_sql(model_name, row, "sqlite"),
            _body_sql(model_name, row),
        ]
    )


def _sqlite_forwards(run):
    for model_name in SEARCHABLE:
        table = _table(model_name)
        fts = f"{table}_fts"
        columns = "rowid, title, tags, places, body"
        run(
            f"CREATE VIRTUAL TABLE {fts} USING fts5(title, tags, places, body, "
            f"tokenize = '{TOKENIZE}')"
        )
        run(f"CREATE VIRTUAL TABLE {fts}_vocab USING fts5vocab({fts}, row)")
        run(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} "
            f"WHEN NEW.status = 'published' BEGIN INSERT INTO {fts}({columns}) "
            f"VALUES ({_fts_row_sql(model_name, 'NEW.')}); END"
        )
        run(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = OLD.id; "
            f"INSERT INTO {fts}({columns}) SELECT {_fts_row_sql(model_name, 'NEW.')} "
            "WHERE NEW.status = 'published'; END"
        )
        run(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = OLD.id; END"
        )
        run(
            f"INSERT INTO {fts}({columns}) SELECT {_fts_row_sql(model_name, 'r.')} "
            f"FROM {table} AS r WHERE r.status = 'published'"
        )
    for name, table, event, statements in _dependent_triggers():
        body = "".join(f"{statement}; " for statement in statements)
        run(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body}END")


def _sqlite_backwards(run):
    for name, *_ in _dependent_triggers():
        run(f"DROP TRIGGER IF EXISTS {name}")
    for model_name in SEARCHABLE:
        fts = f"{_table(model_name)}_fts"
        for suffix in ("insert", "update", "delete"):
            run(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        run(f"DROP TABLE IF EXISTS {fts}_vocab")
        run(f"DROP TABLE IF EXISTS {fts}")


def _postgres_function(run, table, vector_sql):
    run(
        f"CREATE OR REPLACE FUNCTION {table}_search_vector() RETURNS trigger AS $$ "
        f"BEGIN NEW.search_vector := {vector_sql}; RETURN NEW; END $$ "
        "LANGUAGE plpgsql"
    )


class SearchQuality(migrations.operations.base.Operation):
    """The PostgreSQL vectors or the SQLite FTS5 tables, with their triggers."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass  # Extensions, triggers and virtual tables are not model state.

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        run = schema_editor.execute
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            _sqlite_forwards(run)
        if vendor != "postgresql":
            return
        run("CREATE EXTENSION IF NOT EXISTS unaccent")
        run(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = {OLD_CONFIG})")
        run(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR "
            "hword, hword_part, word WITH unaccent, english_stem"
        )
        for model_name in STORED:
            _postgres_function(run, _table(model_name), _postgres_vector(model_name))
        for name, table, event, statements in _dependent_triggers():
            body = "".join(f"{statement}; " for statement in statements)
            run(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body}"
                "RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            run(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        for model_name in STORED:
            run(_touch(model_name, "TRUE"))
        for model_name in EXPRESSION:
            model = to_state.apps.get_model(app_label, model_name)
            schema_editor.remove_index(model, _expression_index(model_name, False))
            schema_editor.add_index(model, _expression_index(model_name, True))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        run = schema_editor.execute
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            _sqlite_backwards(run)
        if vendor != "postgresql":
            return
        for model_name in EXPRESSION:
            model = from_state.apps.get_model(app_label, model_name)
            schema_editor.remove_index(model, _expression_index(model_name, True))
            schema_editor.add_index(model, _expression_index(model_name, False))
        for name, table, *_ in _dependent_triggers():
            run(f"DROP TRIGGER {name} ON {table}")
            run(f"DROP FUNCTION {name}()")
        for model_name in STORED:
            _postgres_function(
                run, _table(model_name), _old_postgres_vector(model_name)
            )
            run(_touch(model_name, "TRUE"))
        run(f"DROP TEXT SEARCH CONFIGURATION {CONFIG}")
        # unaccent stays installed: other objects of the database may use it.

    def describe(self):
        return "Search vectors (PostgreSQL) or FTS5 tables (SQLite) with triggers"


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0008_content_generation"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=model_name,
                name="alternate_names",
                field=models.CharField(
                    blank=True,
                    help_text="Other names the place is known by, separated by commas "
                    "(Gothenburg for Göteborg): search finds the place and its records "
                    "under these too.",
                    max_length=500,
                ),
            )
            for model_name in ("historicaljurisdiction", "jurisdiction")
        ),
        # Complete versions (issue 18, part 5): each history row of a practice,
        # initiative or finding keeps its tags, sources, figures and links.
        *(
            migrations.AddField(
                model_name=model_name,
                name="snapshot",
                field=models.JSONField(
                    blank=True,
                    editable=False,
                    help_text="Tags, sources, figures and links as the page showed "
                    "them.",
                    null=True,
                    verbose_name="as published",
                ),
            )
            for model_name in (
                "historicalbestpractice",
                "historicalfinding",
                "historicalinitiative",
            )
        ),
        SearchQuality(),
    ]
