"""Search relevance on the real content, the same on SQLite and PostgreSQL (CI runs
this file on both): accents ignored, word forms and irregular plurals matched, tags
and place names (with their alternate names) searched, records titled or tagged
with the words first, "did you mean" for misspellings; and the index follows every
change to a record's tags and places."""

import pytest
from django.db.models import Q
from taggit.models import Tag

from practices import search
from practices.models import BestPractice, Finding, Initiative, Jurisdiction, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def exact_hits(q):
    """{kind label: [record, ...]} of the exact hits for `q`, in order."""
    return {
        group["label"]: [hit.record for hit in group["hits"] if not hit.similar]
        for group in search.search(q).groups
    }


def titles(records):
    return [str(record) for record in records]


def test_demand_finds_the_swedish_law_the_kast_groups_and_every_tagged_practice(
    content,
):
    hits = exact_hits("demand")
    tagged = BestPractice.objects.published().filter(tags__name="demand reduction")
    assert len(tagged) == 3
    assert set(hits["Best practices"]) >= set(tagged)
    initiative_slugs = {record.slug for record in hits["Initiatives"]}
    assert {"sweden-1999-sex-purchase-law"} <= initiative_slugs
    assert any(record.title.startswith("KAST groups") for record in hits["Initiatives"])


def titled_or_tagged(record, word):
    tags = record.tags.all() if hasattr(record, "tags") else []
    return any(word in search.fold(text) for text in [str(record), *map(str, tags)])


def test_records_titled_or_tagged_with_the_word_come_first(content):
    for label, records in exact_hits("demand").items():
        strong = [titled_or_tagged(record, "demand") for record in records]
        # Once a hit matches only in its body or places, no titled or tagged one
        # follows.
        assert strong == sorted(strong, reverse=True), (label, titles(records))


def test_every_tag_finds_every_published_record_tagged_with_it(content):
    published = Status.PUBLISHED
    tags = Tag.objects.filter(
        Q(practices_taggedpractice_items__content_object__status=published)
        | Q(practices_taggedinitiative_items__content_object__status=published)
    ).distinct()
    assert tags
    for tag in tags:
        hits = exact_hits(tag.name)
        for model, label in (
            (BestPractice, "Best practices"),
            (Initiative, "Initiatives"),
        ):
            expected = set(model.objects.published().filter(tags=tag))
            assert expected <= set(hits.get(label, [])), (tag.name, label)


@pytest.mark.parametrize("q", ["Göteborg", "Goteborg", "goteborg", "Gothenburg"])
def test_a_place_is_found_with_or_without_accents_and_by_its_other_name(content, q):
    hits = exact_hits(q)
    assert titles(hits["Jurisdictions"])[0] == "Göteborg"
    in_goteborg = set(Finding.objects.published().filter(jurisdiction__slug="goteborg"))
    assert in_goteborg
    assert in_goteborg <= set(hits["Findings"])


def test_malmo_finds_malmo_without_an_alternate_name(content):
    # The book writes "Malmo"; ignoring accents is enough to find Malmö (the
    # fixtures never spell the name without its ö).
    assert titles(exact_hits("Malmo")["Jurisdictions"]) == ["Malmö"]


def test_records_are_found_by_the_names_of_the_places_above_them(content):
    goteborg = Jurisdiction.objects.get(slug="goteborg")
    [finding, *_] = Finding.objects.published().filter(jurisdiction=goteborg)
    assert "Sweden" not in f"{finding.title} {finding.statement}"
    assert finding in exact_hits("Sweden")["Findings"]


def test_children_finds_child_trafficking(content):
    hits = exact_hits("children")
    assert (
        "Trafficking legislation with higher penalties for child trafficking"
        in titles(hits["Best practices"])
    )


def test_other_forms_of_a_word_match(content):
    # "purchase" finds "Purchasers of Sexual Services" (stemming on both databases).
    hits = exact_hits("purchase")
    assert any(title.startswith("KAST groups") for title in titles(hits["Initiatives"]))


def test_a_misspelling_is_offered_a_better_word_and_its_results(client, content):
    results = search.search("prostitusion")
    assert results.suggestion == "prostitution"
    similar = [h.record for g in results.groups for h in g["hits"] if h.similar]
    assert any("prostitution" in str(record).lower() for record in similar)
    html = client.get("/search/?q=prostitusion").content.decode()
    assert 'Did you mean <a href="/search/?q=prostitution">prostitution</a>?' in html


def test_a_misspelt_place_is_offered_its_name(content):
    assert search.search("Stokholm").suggestion == "stockholm"
    assert search.search("Gotenburg").suggestion == "gothenburg"


def test_no_suggestion_when_the_words_match(content):
    assert search.search("prostitution").suggestion == ""


def test_a_draft_word_is_never_suggested():
    f.make_practice("Zyxwvutsrq plan", status=Status.DRAFT)
    assert search.search("Zyxwvutsrqq").suggestion == ""


def test_the_index_follows_tag_changes():
    practice = f.make_practice("Shelter beds", recommendation="Fund beds.")
    assert exact_hits("quokka") == {}
    practice.tags.add("quokka care")
    assert titles(exact_hits("quokka")["Best practices"]) == ["Shelter beds"]
    Tag.objects.filter(name="quokka care").update(name="wombat care")
    assert exact_hits("quokka") == {}
    assert titles(exact_hits("wombat")["Best practices"]) == ["Shelter beds"]
    practice.tags.clear()
    assert exact_hits("wombat") == {}


def test_the_index_follows_place_names_and_publication():
    country = f.make_jurisdiction("Freedonia", slug="freedonia")
    city = f.make_jurisdiction("Fredville", slug="fredville", parent=country)
    initiative = f.make_initiative("Night patrols", jurisdiction=city)
    assert titles(exact_hits("Freedonia")["Initiatives"]) == ["Night patrols"]
    Jurisdiction.objects.filter(pk=city.pk).update(alternate_names="Fredstadt")
    assert titles(exact_hits("Fredstadt")["Initiatives"]) == ["Night patrols"]
    Initiative.objects.filter(pk=initiative.pk).update(status=Status.DRAFT)
    assert "Initiatives" not in exact_hits("Fredstadt")
