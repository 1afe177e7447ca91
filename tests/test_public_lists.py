"""Practice and initiative lists: filters combine, facets count, pages keep filters."""

import re

import pytest

from practices.models import Theme
from tests import factories as f
from tests.test_public_pages import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def titles(response):
    return [item.title for item in response.context["object_list"]]


def test_tag_filters_combine_with_and(client, world):
    one = client.get("/practices/?tag=police")
    both = client.get("/practices/?tag=police&tag=task-forces")
    assert sorted(titles(one)) == ["Create task forces", "Train police"]
    assert titles(both) == ["Create task forces"]


def test_country_filter_takes_in_states_and_cities(client, world):
    response = client.get("/practices/?jurisdiction=united-states")
    assert sorted(titles(response)) == ["Create task forces", "Train police"]
    initiatives = client.get("/initiatives/?jurisdiction=united-states")
    # The Boston task force is in a city two levels below the country.
    assert titles(initiatives) == ["Boston task force"]


def test_theme_and_words_and_jurisdiction_combine(client, world):
    response = client.get(
        f"/practices/?jurisdiction=united-states&theme={Theme.PROSECUTION}"
    )
    assert titles(response) == ["Train police"]
    response = client.get("/practices/?q=task&jurisdiction=united-states")
    assert titles(response) == ["Create task forces"]
    response = client.get("/practices/?q=task&jurisdiction=sweden")
    assert titles(response) == []


def test_initiatives_filter_by_the_theme_of_their_practices(client, world):
    response = client.get(f"/initiatives/?theme={Theme.PARTNERSHIP}")
    assert sorted(titles(response)) == ["Boston task force", "Legalized brothels"]
    assert titles(client.get(f"/initiatives/?theme={Theme.PREVENTION}")) == []


def test_cautionary_initiatives_are_labelled_in_lists(client, world):
    html = client.get("/initiatives/").content.decode()
    item = html[html.index("Legalized brothels") :][:400]
    assert "Contrasting or cautionary example" in item


def test_facets_count_the_current_result(client, world):
    response = client.get("/practices/?jurisdiction=united-states")
    tags = {t.slug: t.count for t in response.context["tag_facets"]}
    assert tags == {"police": 2, "task-forces": 1}
    countries = {c.slug: c.count for c in response.context["country_facets"]}
    assert countries == {"united-states": 2}
    everything = client.get("/practices/")
    countries = {c.slug: c.count for c in everything.context["country_facets"]}
    assert countries == {"united-states": 2, "sweden": 1}


def test_active_filters_are_shown_with_links_that_remove_each(client, world):
    html = client.get(
        "/practices/?tag=police&tag=task-forces&jurisdiction=united-states"
    ).content.decode()
    assert "Active filters" in html
    assert 'href="?tag=task-forces&amp;jurisdiction=united-states"' in html
    assert 'href="?tag=police&amp;tag=task-forces"' in html


def test_adding_a_tag_facet_keeps_the_tags_already_chosen(client, world):
    html = client.get("/practices/?tag=police").content.decode()
    assert 'href="?tag=police&amp;tag=task-forces"' in html


def test_empty_result_says_so_and_offers_to_widen(client, world):
    html = client.get("/practices/?tag=demand&jurisdiction=united-states").content
    html = html.decode()
    assert "No best practices match all of these filters" in html
    assert "clear all filters" in html


def test_unknown_filter_values_are_reported_not_errors(client, world):
    response = client.get(
        "/practices/?tag=no-such-tag&jurisdiction=atlantis&theme=bogus&sort=hack"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no tag “no-such-tag”" in html
    assert "There is no jurisdiction “atlantis”" in html
    assert "is not a valid theme" in html
    assert len(titles(response)) == 3  # all published practices, default order


def test_sort_only_accepts_whitelisted_keys(client, world):
    by_title = client.get("/practices/?sort=title")
    assert titles(by_title) == sorted(titles(by_title))
    hostile = client.get("/practices/?sort=-recommendation")
    assert hostile.status_code == 200
    assert "is not a valid sort by" in hostile.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99", "999999999999999999999"])
def test_bad_or_past_the_end_pages_answer_404(client, world, page):
    assert client.get(f"/practices/?page={page}").status_code == 404
    assert client.get(f"/initiatives/?page={page}").status_code == 404


def test_pagination_keeps_every_filter(client):
    us = f.make_jurisdiction("United States", slug="united-states")
    for i in range(25):
        f.make_practice(f"Practice {i:02}", jurisdiction=us, tags=["police"])
    response = client.get("/practices/?tag=police&jurisdiction=united-states")
    html = response.content.decode()
    links = re.findall(r'href="(\?[^"]*page=2[^"]*)"', html)
    assert links
    assert all(
        "tag=police" in link and "jurisdiction=united-states" in link for link in links
    )
    second = client.get("/practices/?tag=police&jurisdiction=united-states&page=2")
    assert len(titles(second)) == 5


def test_filters_work_as_a_plain_get_form(client, world):
    html = client.get("/practices/?tag=police").content.decode()
    form = html[html.index('<form class="filters"') :]
    form = form[: form.index("</form>")]
    assert 'method="get"' in form
    assert '<input type="hidden" name="tag" value="police">' in form
    assert '<label for="filter-theme">' in form and 'id="filter-theme"' in form


def test_tag_page_lists_published_practices_and_initiatives(client, world):
    html = client.get("/tags/task-forces/").content.decode()
    assert "Create task forces" in html and "Boston task force" in html
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_tag_index_counts_published_records_only(client, world):
    response = client.get("/tags/")
    counts = {
        t.slug: (t.practice_count, t.initiative_count) for t in response.context["tags"]
    }
    assert counts["task-forces"] == (1, 1)
    assert counts["police"] == (2, 0)


def test_jurisdiction_index_rolls_counts_up_to_the_country(client, world):
    response = client.get("/jurisdictions/")
    us = next(j for j in response.context["roots"] if j.slug == "united-states")
    assert (us.total_practices, us.total_initiatives) == (2, 1)
    html = response.content.decode()
    assert (
        html.index("United States") < html.index("Massachusetts") < html.index("Boston")
    )


def test_finding_list_filters_by_jurisdiction_and_kind(client, world):
    assert (
        client.get("/findings/?jurisdiction=united-states").context["paginator"].count
        == 1
    )
    assert client.get("/findings/?jurisdiction=sweden").context["paginator"].count == 0
    assert client.get("/findings/?kind=poll").context["paginator"].count == 0
    bad = client.get("/findings/?kind=<script>")
    assert bad.status_code == 200
    assert "<script>" not in bad.content.decode()
