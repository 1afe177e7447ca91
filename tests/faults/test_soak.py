"""The soak's short variant (bench/soak.py runs it for 10 minutes): readers on
every page type and two curators editing and publishing at once, against two
servers; no error, no lost edit, no stale page, flat worker memory."""

import importlib.util

import pytest

from ..servers import ROOT

pytestmark = [pytest.mark.faults, pytest.mark.slow]


def load_soak():
    spec = importlib.util.spec_from_file_location("soak", ROOT / "bench" / "soak.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_minute_of_mixed_load_loses_nothing_and_serves_nothing_stale(stack, servers):
    soak = load_soak()
    # Both curators edit the same published records: their pending changes race.
    figures = soak.soak(stack, servers, duration=60, readers=3, log=lambda *a: None)
    # The figures with the verdict, so a failure in CI says what was seen.
    assert soak.verdict(figures) == [], figures
    assert figures["saves"] >= 4 and figures["publishes"] >= 1
