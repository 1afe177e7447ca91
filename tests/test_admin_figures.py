"""Figures in the admin: reachable from the initiative form, and numbered for the
curator (a new figure goes last without anyone typing a position)."""

import pytest
from django.urls import reverse

from practices.models import FindingFigure, Status

from .factories import admin_form_data, make_finding, make_initiative
from .test_admin_revisions import alice, change_url  # noqa: F401 (fixtures)


@pytest.fixture
def finding(db):
    initiative = make_initiative(status=Status.DRAFT, title="Hotline")
    return make_finding(
        status=Status.DRAFT,
        initiative=initiative,
        title="Calls a month",
        figures=[("Calls in 2008", 300)],
    )


def test_the_initiative_form_lists_each_findings_figures_and_links_to_them(
    alice,  # noqa: F811
    finding,
):
    FindingFigure.objects.create(
        finding=finding,
        label="Göteborg, 1998",
        year=1998,
        qualifier="between",
        value=105,
        value_max=130,
        unit="women",
        position=2,
    )
    page = alice.get(change_url(finding.initiative)).content.decode()
    # As the public pages and exports write them: no trailing zeros, the range
    # whole, the year said once.
    assert "<li>Calls in 2008: 300 cases</li>" in page
    assert "<li>Göteborg, 1998: between 105–130 women</li>" in page
    link = reverse("admin:practices_finding_change", args=[finding.pk])
    assert f'href="{link}#figures-group"' in page
    assert "Edit or add the figures of “Calls a month”" in page
    assert 'id="figures-group"' in alice.get(link).content.decode()


def test_new_figures_get_the_next_positions_without_typing_one(
    alice,  # noqa: F811
    finding,
):
    url = change_url(finding)
    data = admin_form_data(alice.get(url))
    assert data["figures-0-position"] == "0"
    data["figures-TOTAL_FORMS"] = "3"
    for row, (label, value) in enumerate(
        [("Calls in 2009", "350"), ("Calls in 2010", "410")], 1
    ):
        data |= {
            f"figures-{row}-label": label,
            f"figures-{row}-value": value,
            f"figures-{row}-unit": "calls",
            f"figures-{row}-position": "",
            f"figures-{row}-finding": str(finding.pk),
        }
    response = alice.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    figures = FindingFigure.objects.filter(finding=finding).order_by("position")
    assert [(f.position, f.label) for f in figures] == [
        (0, "Calls in 2008"),
        (1, "Calls in 2009"),
        (2, "Calls in 2010"),
    ]


def test_a_new_finding_form_leaves_the_figure_position_empty(alice, db):  # noqa: F811
    page = alice.get(reverse("admin:practices_finding_add")).content.decode()
    empty_row = page.split('id="figures-empty"')[1].split("</fieldset>")[0]
    assert 'name="figures-__prefix__-position"' in empty_row
    assert 'name="figures-__prefix__-position" value=' not in empty_row
    assert "left empty, it goes last" in page
