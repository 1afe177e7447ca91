"""Backup and restore round trips lose nothing: every record, link, tag and
revision comes back (docs/backup.md describes the same commands)."""

import os
import shutil
import subprocess

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from practices.models import BestPractice, Initiative, Status
from tests.factories import make_initiative, make_organization, make_practice

# The documented dumpdata command: content types and permissions are rebuilt by
# `migrate`, sessions are disposable, so they stay out of the backup.
DUMPDATA_ARGS = [
    "--natural-foreign",
    "--format=xml",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
]
REBUILT = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
# Links to permissions travel by natural key: compare them by codename, not id.
PERMISSION_LINKS = {"auth.group_permissions", "auth.user_user_permissions"}


def build_content():
    """The real content (with first revisions), plus curator edits on top."""
    call_command("load_content", verbosity=0)
    curator = get_user_model().objects.create_user(
        "curator", "curator@example.org", "a long enough password 42"
    )
    organization = make_organization(name="Hotline Operator")
    initiative = make_initiative(title="Hotline", tags=["hotline", "victim support"])
    initiative.lead_organizations.add(organization)
    practice = make_practice(
        title="Run a hotline",
        tags=["hotline", "Ärende"],  # a non-ASCII tag
        initiatives=[initiative],
    )
    # Two more revisions, one by a named curator.
    practice.recommendation = "Run a national hotline, staffed day and night."
    practice._history_user = curator
    practice.save()
    practice.status = Status.REVIEW
    practice.save()


def snapshot():
    """Every model's row count, and every content row's values."""
    counts = {}
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        counts[label] = model._default_manager.count()
        if label in REBUILT | PERMISSION_LINKS or model._meta.app_label not in {
            "practices",
            "taggit",
            "auth",
        }:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        if model._meta.auto_created:
            # A plain many-to-many link travels as a pair of ids; its own row id
            # is not data and is renumbered on load.
            fields.remove(model._meta.pk.attname)
            rows[label] = sorted(
                model._default_manager.values(*fields), key=lambda r: sorted(r.items())
            )
            continue
        rows[label] = list(model._default_manager.order_by("pk").values(*fields))
    rows["group permissions"] = [
        {"group": name, "codename": codename}
        for name, codename in sorted(
            Group.objects.values_list("name", "permissions__codename")
        )
    ]
    return counts, rows


def assert_same_rows(after, before):
    """Row by row, so a failure names the model, the row and the field."""
    assert after.keys() == before.keys()
    for label, rows in before.items():
        assert len(after[label]) == len(rows), label
        for old, new in zip(rows, after[label], strict=True):
            changed = {k: (v, new[k]) for k, v in old.items() if new[k] != v}
            assert not changed, f"{label} {old.get('id')}: {changed}"


def assert_content_is_substantial(counts):
    assert counts["practices.bestpractice"] > 1
    assert counts["practices.historicalbestpractice"] > counts["practices.bestpractice"]
    assert counts["practices.taggedpractice"] > 0
    assert counts["practices.bestpractice_initiatives"] > 0
    assert counts["practices.initiative_lead_organizations"] > 0


@pytest.mark.django_db(transaction=True)
def test_dumpdata_flush_loaddata_round_trip_loses_nothing(tmp_path):
    build_content()
    before_counts, before_rows = snapshot()
    assert_content_is_substantial(before_counts)

    backup = tmp_path / "backup.xml"
    call_command("dumpdata", *DUMPDATA_ARGS, output=str(backup), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    assert BestPractice.objects.count() == 0
    call_command("loaddata", str(backup), verbosity=0)

    after_counts, after_rows = snapshot()
    assert after_counts == before_counts
    assert_same_rows(after_rows, before_rows)
    # And a few things a curator would look for, by name.
    practice = BestPractice.objects.get(title="Run a hotline")
    assert practice.recommendation.startswith("Run a national hotline")
    assert sorted(practice.tags.names()) == ["hotline", "Ärende"]
    assert [i.title for i in practice.initiatives.all()] == ["Hotline"]
    assert practice.history.count() == 3
    assert practice.history.filter(history_user__username="curator").exists()
    hotline = Initiative.objects.get(title="Hotline")
    assert [o.name for o in hotline.lead_organizations.all()] == ["Hotline Operator"]


def _pg_env():
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_dump_pg_restore_round_trip_loses_nothing(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore back up PostgreSQL only; this run uses SQLite")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump or pg_restore is not installed")
    build_content()
    before_counts, before_rows = snapshot()
    assert_content_is_substantial(before_counts)

    backup = tmp_path / "kb.dump"
    env = _pg_env()
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={backup}"],
        env=env,
        check=True,
        timeout=300,
    )
    call_command("flush", interactive=False, verbosity=0)
    assert BestPractice.objects.count() == 0
    # pg_restore drops and recreates every table; Django must not hold them open.
    connection.close()
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={env['PGDATABASE']}",
            str(backup),
        ],
        env=env,
        check=True,
        timeout=300,
    )
    ContentType.objects.clear_cache()

    after_counts, after_rows = snapshot()
    assert after_counts == before_counts
    assert_same_rows(after_rows, before_rows)
    # Sequences came back too: new records do not collide with restored ones.
    make_practice(title="Added after the restore")
