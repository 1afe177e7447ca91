"""Shared pytest fixtures: the loaded content, and small factories for test data."""

from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def content(db):
    """The knowledge base's real content, loaded from fixtures/*.json."""
    call_command("loaddata", *sorted(str(p) for p in FIXTURES_DIR.glob("*.json")))
