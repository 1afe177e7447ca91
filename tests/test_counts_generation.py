"""The counts over everything published (facets, totals, the gap map) are kept
until a change may alter them (practices/cache.py, "The counts generation"): a
curator rewording a published practice keeps them, and so a publish does not make
every list and the home page count 100,000 practices again. Every change that can
alter a count still shows at once."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from practices import cache as page_cache
from practices import coverage, selectors
from practices.models import BestPractice, ContentGeneration, Status, Theme
from practices.services import tags_merge
from tests import factories as f
from tests.factories import admin_form_data

from .test_workflow import (  # noqa: F401 (fixtures)
    curator,
    editor,
    shown_pending_revision,
    step,
    url_of,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    atlantis = f.make_jurisdiction("Atlantis", slug="atlantis")
    lemuria = f.make_jurisdiction("Lemuria", slug="lemuria")
    one = f.make_practice("One", jurisdiction=atlantis, tags=["hotlines"], slug="one")
    f.make_practice("Two", jurisdiction=atlantis, tags=["hotlines", "shelters"])
    draft = f.make_practice(
        "Draft", jurisdiction=lemuria, tags=["shelters"], status=Status.DRAFT
    )
    return {"atlantis": atlantis, "lemuria": lemuria, "one": one, "draft": draft}


def counts():
    """What the lists and the home page show as counts over everything published."""
    everything = selectors.practices_for_list()
    return {
        "total": selectors.whole_set_count(everything),
        "tags": {t.name: t.count for t in selectors.tag_facets(everything)},
        "countries": {c.name: c.count for c in selectors.country_facets(everything)},
    }


def test_rewording_a_published_practice_keeps_the_counts_and_shows_the_new_text(
    client, world, django_assert_num_queries
):
    before = counts()
    page = client.get("/practices/")
    assert "One" in page.content.decode()
    token = page_cache.counts_generation()

    one = BestPractice.objects.get(pk=world["one"].pk)
    one.title = "One, reworded"
    one.recommendation = "According to the source, something else."
    one.save()

    assert page_cache.counts_generation() == token
    with django_assert_num_queries(0):
        assert counts() == before
    # The pages themselves are rendered again: the list shows the new title.
    assert "One, reworded" in client.get("/practices/").content.decode()


def test_each_change_that_can_alter_a_count_shows_at_once(world):
    assert counts() == {
        "total": 2,
        "tags": {"hotlines": 2, "shelters": 1},
        "countries": {"Atlantis": 2},
    }
    draft = world["draft"]

    draft.status = Status.PUBLISHED  # publish
    draft.save()
    assert counts()["total"] == 3
    assert counts()["countries"] == {"Atlantis": 2, "Lemuria": 1}

    draft.tags.add("training")  # tag
    assert counts()["tags"] == {"hotlines": 2, "shelters": 2, "training": 1}

    draft.jurisdiction = world["atlantis"]  # move
    draft.save()
    assert counts()["countries"] == {"Atlantis": 3}

    tags_merge(
        list(Tag.objects.filter(name__in=["training", "shelters"])),
        Tag.objects.get(name="shelters"),
    )  # merge
    assert counts()["tags"] == {"hotlines": 2, "shelters": 2}

    shelters = Tag.objects.get(name="shelters")  # renamed
    shelters.name = "Shelters and safe houses"
    shelters.save()
    assert counts()["tags"] == {"hotlines": 2, "Shelters and safe houses": 2}

    draft.status = Status.DRAFT  # unpublish
    draft.save()
    assert counts()["total"] == 2

    BestPractice.objects.get(pk=world["one"].pk).delete()  # delete
    assert counts() == {
        "total": 1,
        "tags": {"hotlines": 1, "Shelters and safe houses": 1},
        "countries": {"Atlantis": 1},
    }


def test_a_theme_change_shows_on_the_gap_map(world):
    def practices_under(theme):
        rows = {row["value"]: row for row in coverage.gap_map()["theme_rows"]}
        return sum(cell.practices for cell in rows[theme]["cells"])

    assert practices_under(Theme.PREVENTION) == 2
    one = BestPractice.objects.get(pk=world["one"].pk)
    one.theme = Theme.PROTECTION
    one.save()
    assert practices_under(Theme.PREVENTION) == 1
    assert practices_under(Theme.PROTECTION) == 1


def test_a_text_edit_then_a_counted_change_in_one_transaction_restarts_the_counts(
    world,
):
    assert counts()["total"] == 2
    with transaction.atomic():
        one = BestPractice.objects.get(pk=world["one"].pk)
        one.title = "One, reworded"
        one.save()
        draft = world["draft"]
        draft.status = Status.PUBLISHED
        draft.save()
    assert counts()["total"] == 3


def test_a_counted_change_redis_did_not_hear_of_retires_the_counts(world, settings):
    """The counts counter, committed with the change, retires the counts once
    each process reads it again (KB_CONTENT_CHECK_SECONDS), as the content
    counter retires pages."""
    assert counts()["total"] == 2
    token = page_cache.counts_generation()
    # A publish whose invalidation never reached the cache (Redis was down): the
    # database alone records it.
    BestPractice.objects.filter(pk=world["draft"].pk).update(status=Status.PUBLISHED)
    row = ContentGeneration.objects.get(pk=1)
    ContentGeneration.objects.filter(pk=1).update(
        counter=row.counter + 1, counts_counter=row.counter + 1
    )
    cache.set(page_cache.COUNTS_KEY, token, timeout=None)
    page_cache.content_counter_forget()  # the check period has passed

    assert page_cache.counts_generation() != token
    assert counts()["total"] == 3


@pytest.mark.django_db  # the workflow's groups: made by a migration
def test_a_reworded_practice_approved_in_the_admin_keeps_the_counts(
    client,
    curator,  # noqa: F811 (the fixture)
    editor,  # noqa: F811
    world,
):
    """The editorial workflow's way: a curator's pending change of the text, then
    an editor's approval, which saves the record and re-sets its tags."""
    one = world["one"]
    token = page_cache.counts_generation()
    url = url_of(one, "change")
    curator.post(
        url,
        admin_form_data(curator.get(url))
        | {"title": "One, reworded", "recommendation": "Other words."},
    )
    step(curator, one, "submit")
    step(editor, one, "approve", pending_revision=shown_pending_revision(editor, one))

    assert BestPractice.objects.get(pk=one.pk).title == "One, reworded"
    assert page_cache.counts_generation() == token
    assert "One, reworded" in client.get("/practices/").content.decode()


def test_a_filtered_list_keeps_its_facets_until_a_count_may_change(
    client, world, settings
):
    settings.KB_PAGE_CACHE_SECONDS = 0  # the page rendered each time
    url = "/practices/?tag=hotlines&jurisdiction=atlantis"

    def facets(url):
        context = client.get(url).context
        return (
            {t.name: t.count for t in context["tag_facets"]},
            context["paginator"].count,
        )

    assert facets(url) == ({"hotlines": 2, "shelters": 1}, 2)
    with CaptureQueriesContext(connection) as first:
        facets(url)
    # Kept: the tag and country counts are not asked of the database again.
    assert not any("COUNT(" in q["sql"] for q in first.captured_queries)

    draft = world["draft"]
    draft.status = Status.PUBLISHED
    draft.jurisdiction = world["atlantis"]
    draft.save()
    draft.tags.add("hotlines")
    assert facets(url) == ({"hotlines": 3, "shelters": 2}, 3)


def test_a_words_filter_counts_its_facets_afresh_after_a_text_edit(
    client, world, settings
):
    """Which records match words follows their text, which a count does not."""
    settings.KB_PAGE_CACHE_SECONDS = 0
    url = "/practices/?q=reworded&jurisdiction=atlantis"
    assert client.get(url).context["paginator"].count == 0
    one = BestPractice.objects.get(pk=world["one"].pk)
    one.title = "One, reworded"
    one.save()
    context = client.get(url).context
    assert context["paginator"].count == 1
    assert {t.name: t.count for t in context["tag_facets"]} == {"hotlines": 1}


def test_a_filtered_list_looks_up_its_tags_and_place_once_and_follows_every_change(
    client, world, settings
):
    """The tags and jurisdiction a filter names are kept with the counts (no lookup
    query on the next visit), and each change to them shows at once: a tag or a
    place renamed, a place unpublished, a tag that did not exist created."""
    settings.KB_PAGE_CACHE_SECONDS = 0
    url = "/practices/?tag=hotlines&tag=training&jurisdiction=atlantis"

    def shown(url):
        page = client.get(url)
        return page.context["active_tags"], page.context["active_jurisdiction"], page

    tags, place, page = shown(url)
    assert [t.name for t in tags] == ["hotlines"] and place.name == "Atlantis"
    assert "There is no tag “training”" in page.content.decode()
    with CaptureQueriesContext(connection) as again:
        shown(url)
    looked_up = [
        q["sql"]
        for q in again.captured_queries
        if 'FROM "taggit_tag" WHERE' in q["sql"]
        or 'FROM "practices_jurisdiction" WHERE' in q["sql"]
    ]
    assert looked_up == []

    hotlines = Tag.objects.get(name="hotlines")
    hotlines.name = "Hotlines and helplines"
    hotlines.save()
    atlantis = world["atlantis"]
    atlantis.name = "Atlantis (sunken)"
    atlantis.save()
    world["draft"].tags.add("training")
    tags, place, page = shown(url)
    assert [t.name for t in tags] == ["Hotlines and helplines", "training"]
    assert place.name == "Atlantis (sunken)"
    assert "Atlantis (sunken)" in page.content.decode()

    atlantis.status = Status.DRAFT
    atlantis.save()
    tags, place, page = shown(url)
    assert place is None
    assert "There is no jurisdiction “atlantis”" in page.content.decode()
    api = client.get("/api/v1" + url).json()
    assert any("atlantis" in message for message in api["filter_messages"])


def test_the_gap_map_is_rendered_once_per_counts_generation_and_language(
    client, world, settings
):
    """The gap map's tables (most of a second to render at 100,000 practices) are
    kept with the counts: a second visit renders no cell, and a counted change, a
    renamed country and another language each show at once."""
    settings.KB_PAGE_CACHE_SECONDS = 0  # the page itself rendered every time

    def visit(url="/gaps/"):
        response = client.get(url)
        assert response.status_code == 200
        rendered = {template.name for template in response.templates}
        return response.content.decode(), "includes/tally.html" in rendered

    html, cells_rendered = visit()
    assert cells_rendered
    assert 'aria-label="2 practices: Prevention, Atlantis"' in html
    html, cells_rendered = visit()
    assert not cells_rendered
    assert 'aria-label="2 practices: Prevention, Atlantis"' in html

    atlantis = world["atlantis"]
    atlantis.name = "Atlantide"
    atlantis.save()
    html, cells_rendered = visit()
    assert cells_rendered
    assert 'aria-label="2 practices: Prevention, Atlantide"' in html

    one = BestPractice.objects.get(pk=world["one"].pk)
    one.theme = Theme.PROTECTION
    one.save()
    html, _ = visit()
    assert 'aria-label="1 practice: Prevention, Atlantide"' in html
    assert 'aria-label="1 practice: Protection, Atlantide"' in html

    html, cells_rendered = visit("/fr/gaps/")
    assert cells_rendered
    assert "Par thème" in html and "By theme" not in html
    html, cells_rendered = visit()
    assert not cells_rendered and "By theme" in html
