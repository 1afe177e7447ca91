"""Complete versions: a version permalink shows the record as the public saw it then
(tags, sources with locators, figures, linked initiatives), and each version has a
public "what changed" page."""

import pytest

from practices.history import history_snapshot_refresh
from practices.models import BestPractice, FindingFigure, PracticeSource, Status
from tests import factories as f

from .factories import admin_form_data
from .test_admin_revisions import alice, change_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed_practice():
    """A practice published with tag "shelters" and a source at section "Part one",
    later re-tagged "hotlines", re-sourced and reworded (version 2)."""
    old_source = f.make_source("Old report")
    initiative = f.make_initiative("Night shelter programme")
    practice = f.make_practice(
        "Open shelters",
        recommendation="Open shelters for victims.",
        source=old_source,
        tags=["shelters"],
        initiatives=[initiative],
    )
    PracticeSource.objects.filter(practice=practice).update(locator="Part one")
    # What the admin does once tags and inlines are saved after the record.
    history_snapshot_refresh(practice)

    practice.tags.set(["hotlines"])
    PracticeSource.objects.filter(practice=practice).delete()
    PracticeSource.objects.create(
        practice=practice, source=f.make_source("New study"), locator="Chapter 2"
    )
    practice.initiatives.clear()
    practice.recommendation = "Open shelters and hotlines for victims."
    practice.save()
    return BestPractice.objects.get(pk=practice.pk)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_an_old_version_keeps_its_tags_sources_and_initiatives(
    client, changed_practice
):
    url = changed_practice.get_absolute_url()
    old = page(client, f"{url}v/1/")
    assert "shelters" in old and "hotlines" not in old
    assert "Old report (section “Part one”)" in old
    assert "New study" not in old
    assert "Night shelter programme" in old
    assert "its text, tags, sources, figures and links" in old
    new = page(client, f"{url}v/2/")
    assert "New study (section “Chapter 2”)" in new
    assert "Old report" not in new
    assert "Night shelter programme" not in new


def test_the_changes_page_shows_what_changed(client, changed_practice):
    url = changed_practice.get_absolute_url()
    assert f'href="{url}v/2/changes/"' in page(client, f"{url}v/2/")
    changes = page(client, f"{url}v/2/changes/")
    assert "Changes in version 2: Open shelters" in changes
    assert "Open shelters <ins>and hotlines</ins> for victims." in changes
    tags = changes.split("<h2>Tags</h2>")[1].split("</section>")[0]
    assert "<h3>Added</h3><ul><li>hotlines</li></ul>" in tags
    assert "<h3>Removed</h3><ul><li>shelters</li></ul>" in tags
    sources = changes.split("<h2>Sources</h2>")[1].split("</section>")[0]
    assert "New study (section “Chapter 2”)" in sources
    assert "<li>Old report (section “Part one”)</li>" in sources
    assert "Night shelter programme" in changes.split("<h2>Initiatives</h2>")[1]
    first = page(client, f"{url}v/1/changes/")
    assert "This is the first published version" in first
    assert client.get(f"{url}v/3/changes/").status_code == 404


def test_a_finding_version_keeps_its_figures(client):
    finding = f.make_finding("Women counted", figures=[("Göteborg, 1998", 286)])
    history_snapshot_refresh(finding)
    FindingFigure.objects.filter(finding=finding).update(value=300)
    finding.save()
    url = finding.get_absolute_url()
    assert "Göteborg, 1998: 286" in page(client, f"{url}v/1/")
    assert "Göteborg, 1998: 300" in page(client, f"{url}v/2/")
    changes = page(client, f"{url}v/2/changes/")
    assert "Göteborg, 1998: 300" in changes and "Göteborg, 1998: 286" in changes


def test_an_admin_save_records_the_sources_and_tags_it_saved(alice):  # noqa: F811
    # A draft: an edit of a published record waits as a pending change instead.
    practice = f.make_practice(
        title="Saved in the admin", tags=["alpha"], status=Status.DRAFT
    )
    url = change_url(practice)
    data = admin_form_data(alice.get(url)) | {
        "tags": "alpha, beta",
        "confirm_new_tags": "beta",
    }
    assert alice.post(url, data).status_code == 302
    newest = practice.history.order_by("-history_date", "-history_id").first()
    sections = {s["key"]: s["items"] for s in newest.snapshot}
    assert [item["text"] for item in sections["tags"]] == ["alpha", "beta"]
    assert len(sections["sources"]) == 1


def test_draft_links_are_not_shown_in_a_version(client):
    practice = f.make_practice(
        "Linked", initiatives=[f.make_initiative("Secret plan", status="draft")]
    )
    history_snapshot_refresh(practice)
    assert "Secret plan" not in page(client, f"{practice.get_absolute_url()}v/1/")


def test_a_jurisdiction_changes_page_compares_its_text(client):
    place = f.make_jurisdiction("Freedonia", description="A small country.")
    place.description = "A small coastal country."
    place.save()
    changes = page(client, f"{place.get_absolute_url()}v/2/changes/")
    assert "A small <ins>coastal</ins> country." in changes
    assert "were not recorded" not in changes


def test_a_jurisdiction_version_does_not_claim_missing_sources_or_tags(client):
    place = f.make_jurisdiction("Freedonia", description="A small country.")
    version = page(client, f"{place.get_absolute_url()}v/1/")
    assert "A small country." in version
    assert "before sources and tags were kept" not in version
    assert "Everything above is as this version was published." in version
