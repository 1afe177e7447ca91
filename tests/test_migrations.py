"""Migrations can be undone: the latest step of the content app goes back and
forward again, and no migration contains an irreversible operation."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from practices.models import BestPractice
from tests.factories import make_practice

APP = "practices"


def practices_migrations():
    # No connection: the migrations on disk, without asking which are applied.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return loader, {
        key: migration
        for key, migration in loader.disk_migrations.items()
        if key[0] == APP
    }


def test_every_content_migration_is_reversible():
    _, migrations = practices_migrations()
    irreversible = [
        f"{name}: {operation.describe()}"
        for (_, name), migration in sorted(migrations.items())
        for operation in migration.operations
        if not operation.reversible
    ]
    assert irreversible == []


@pytest.mark.django_db(transaction=True)
def test_latest_migration_goes_back_one_step_and_forward_again():
    loader, _ = practices_migrations()
    [(_, latest)] = loader.graph.leaf_nodes(APP)
    parents = [
        name for app, name in loader.graph.node_map[(APP, latest)].parents if app == APP
    ]
    assert parents, "the first migration has nothing to go back to"
    make_practice(title="Survives the round trip")

    call_command("migrate", APP, parents[0], verbosity=0)
    applied = MigrationLoader(connection).applied_migrations
    assert (APP, latest) not in applied
    assert (APP, parents[0]) in applied

    call_command("migrate", APP, latest, verbosity=0)
    assert (APP, latest) in MigrationLoader(connection).applied_migrations
    assert BestPractice.objects.filter(title="Survives the round trip").exists()
    make_practice(title="Created after the round trip")
